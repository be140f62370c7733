import { describe, expect, it } from 'vitest';
import { credentialKeyOf } from '../../src/http/auth.ts';
import { rateLimitKeyOf } from '../../src/http/rate-limit.ts';

describe('limit keys of credentials', () => {
  const uuid = '5f0c9a8e-2b1d-4c3e-9f7a-1e2d3c4b5a69';

  it('never hold a card uuid, which opens the card page', () => {
    const key = credentialKeyOf({ kind: 'card', uuid });
    expect(key).not.toContain(uuid);
    expect(key).not.toContain(uuid.replaceAll('-', ''));
    expect(rateLimitKeyOf({ kind: 'card', uuid }, '203.0.113.7')).toBe(key);
  });

  it('are the same for the same card and differ between cards and tokens', () => {
    expect(credentialKeyOf({ kind: 'card', uuid })).toBe(credentialKeyOf({ kind: 'card', uuid }));
    expect(credentialKeyOf({ kind: 'card', uuid })).not.toBe(credentialKeyOf({ kind: 'card', uuid: uuid.replace('5f', '6f') }));
    expect(credentialKeyOf({ kind: 'token', tokenHash: 'ab' })).toBe('token:ab');
    expect(rateLimitKeyOf(undefined, '203.0.113.7')).toBe('ip:203.0.113.7');
  });
});
