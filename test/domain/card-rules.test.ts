import { describe, expect, it } from 'vitest';
import { CARD_DEFAULTS, type CardAttributes, validateCard } from '../../src/domain/cards/card.rules.ts';
import { DomainError } from '../../src/domain/errors.ts';

const card = (changes: Partial<Record<keyof CardAttributes, unknown>>) => ({ ...CARD_DEFAULTS, name: 'Coffee', ...changes }) as CardAttributes;

function fieldsOf(run: () => void): Record<string, string[]> {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error.fields;
    throw error;
  }
  return {};
}

describe('validateCard', () => {
  it.each(['cardColor', 'textColor', 'stampColor'] as const)('refuses a null %s: the pass needs it', (field) => {
    expect(fieldsOf(() => validateCard(card({ [field]: null }), new Set([field])))).toEqual({ [field]: ["can't be blank"] });
  });

  it('lets the strip colour be cleared', () => {
    expect(fieldsOf(() => validateCard(card({ stripColor: null }), new Set(['stripColor'])))).toEqual({});
  });
});
