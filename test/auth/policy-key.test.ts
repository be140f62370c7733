import { describe, expect, it } from 'vitest';
import { ACTION_NAMES, isRead } from '../../src/auth/actions.ts';
import { can, readPolicyKeyOf, type Resource } from '../../src/auth/policy.ts';
import type { Principal } from '../../src/auth/principal.ts';
import { SCOPES } from '../../src/auth/scopes.ts';

// Shared subscription results are handed to every subscriber with the same key, so the key must
// separate every two principals that some read could answer differently.
const principals: Principal[] = [
  ...SCOPES.flatMap((scope) => [
    { kind: 'TOKEN' as const, tokenId: 1, scope, name: 'Front counter' },
    { kind: 'TOKEN' as const, tokenId: 2, scope, name: 'Back office' },
  ]),
  { kind: 'CARD_HOLDER', customerCardId: 1 },
  { kind: 'CARD_HOLDER', customerCardId: 2 },
  { kind: 'SIGNUP', posterId: 1, cardId: 1 },
  { kind: 'SIGNUP', posterId: 2, cardId: 1 },
  { kind: 'SIGNUP', posterId: 3, cardId: 2 },
  { kind: 'SYSTEM' },
];

const resources: Resource[] = [{}, { customerCardId: 1 }, { customerCardId: 2 }, { cardId: 1 }, { cardId: 2 }];
const reads = ACTION_NAMES.filter(isRead);

describe('readPolicyKeyOf', () => {
  it('gives the same key only to principals the policy answers alike for every read', () => {
    for (const a of principals) {
      for (const b of principals) {
        if (readPolicyKeyOf(a) !== readPolicyKeyOf(b)) continue;
        for (const action of reads) {
          for (const resource of resources) {
            expect(can(a, action, resource), `${JSON.stringify(a)} vs ${JSON.stringify(b)}: ${action} on ${JSON.stringify(resource)}`)
              .toBe(can(b, action, resource));
          }
        }
      }
    }
  });

  it('separates token scopes and card holders of different cards', () => {
    const keys = new Set(SCOPES.map((scope) => readPolicyKeyOf({ kind: 'TOKEN', tokenId: 1, scope, name: 'x' })));
    expect(keys.size).toBe(SCOPES.length);
    expect(readPolicyKeyOf({ kind: 'CARD_HOLDER', customerCardId: 1 })).not.toBe(readPolicyKeyOf({ kind: 'CARD_HOLDER', customerCardId: 2 }));
  });
});
