import { describe, expect, it } from 'vitest';
import { CARD_DEFAULTS, type CardAttributes, MAX_STAMPS_REQUIRED, STRIP_TYPES, validateCard } from '../../src/domain/cards/card.rules.ts';
import { fieldErrorsOf } from '../helpers/errors.ts';

const valid: CardAttributes = { ...CARD_DEFAULTS, name: 'Coffee' };
const ALL = new Set(Object.keys(valid));

/** Field errors of a card with `changes`, checking only the changed fields (as an update does). */
function errorsFor(changes: Record<string, unknown>, touched: Iterable<string> = Object.keys(changes)) {
  return fieldErrorsOf(() => validateCard({ ...valid, ...changes } as CardAttributes, new Set(touched)));
}

describe('validateCard', () => {
  it('accepts the defaults with a name', () => {
    expect(fieldErrorsOf(() => validateCard(valid, ALL))).toEqual({});
    expect(MAX_STAMPS_REQUIRED).toBe(18);
    expect(STRIP_TYPES).toEqual(['color', 'image', 'preset']);
  });

  describe('stampsRequired 1–18', () => {
    it.each([1, 2, 10, 18])('accepts %s', (stampsRequired) => {
      expect(errorsFor({ stampsRequired, initialStamps: 0 })).toEqual({});
    });
    it.each([
      [0, 'must be greater than or equal to 1'],
      [-1, 'must be greater than or equal to 1'],
      [19, 'must be less than or equal to 18'],
      [21, 'must be less than or equal to 18'],
      [2.5, 'must be an integer'],
      ['10', 'must be an integer'],
      [null, 'must be an integer'],
    ])('refuses %s', (stampsRequired, message) => {
      expect(errorsFor({ stampsRequired })).toEqual({ stampsRequired: [message] });
    });
  });

  describe('initialStamps 0 … stampsRequired − 1', () => {
    it.each([
      [0, 1],
      [0, 10],
      [9, 10],
      [17, 18],
    ])('accepts %s of %s', (initialStamps, stampsRequired) => {
      expect(errorsFor({ initialStamps, stampsRequired })).toEqual({});
    });
    it.each([
      [10, 10, 'must be less than the stamps required (10)'],
      [1, 1, 'must be less than the stamps required (1)'],
      [-1, 10, 'must be greater than or equal to 0'],
      [1.5, 10, 'must be an integer'],
      ['2', 10, 'must be an integer'],
      [null, 10, 'must be an integer'],
    ])('refuses %s of %s', (initialStamps, stampsRequired, message) => {
      expect(errorsFor({ initialStamps, stampsRequired })).toEqual({ initialStamps: [message] });
    });

    it('checks the stored initial stamps when only stampsRequired is lowered', () => {
      const stored = { ...valid, initialStamps: 5 };
      expect(fieldErrorsOf(() => validateCard({ ...stored, stampsRequired: 5 }, new Set(['stampsRequired'])))).toEqual({
        initialStamps: ['must be less than the stamps required (5)'],
      });
      expect(fieldErrorsOf(() => validateCard({ ...stored, stampsRequired: 6 }, new Set(['stampsRequired'])))).toEqual({});
    });

    it('reports only the range of stampsRequired when it is itself invalid', () => {
      expect(errorsFor({ stampsRequired: 0, initialStamps: 3 })).toEqual({ stampsRequired: ['must be greater than or equal to 1'] });
    });
  });

  describe('colours', () => {
    it.each(['cardColor', 'textColor', 'stampColor', 'stripColor'])('%s must be #RRGGBB', (field) => {
      expect(errorsFor({ [field]: '#1E3A5F' })).toEqual({});
      expect(errorsFor({ [field]: '#1e3a5f' })).toEqual({});
      for (const bad of ['1E3A5F', '#1E3A5', '#1E3A5FF', 'navy', '#XYZXYZ', 7]) {
        expect(errorsFor({ [field]: bad })).toEqual({ [field]: ['must be a hex colour like #6B4226'] });
      }
    });

    it.each(['cardColor', 'textColor', 'stampColor'])('%s cannot be cleared', (field) => {
      expect(errorsFor({ [field]: null })).toEqual({ [field]: ["can't be blank"] });
    });

    it('stripColor can be cleared', () => {
      expect(errorsFor({ stripColor: null })).toEqual({});
    });
  });

  describe('stripType', () => {
    it.each(['color', 'image', 'preset'])('accepts %s', (stripType) => {
      expect(errorsFor({ stripType })).toEqual({});
    });
    it.each(['Color', 'gradient', '', null])('refuses %s', (stripType) => {
      expect(errorsFor({ stripType })).toEqual({ stripType: ['must be one of: color, image, preset'] });
    });
  });

  describe('name', () => {
    it('is required, a string, at most 100 characters', () => {
      expect(errorsFor({ name: 'x'.repeat(100) })).toEqual({});
      expect(errorsFor({ name: '' })).toEqual({ name: ["can't be blank"] });
      expect(errorsFor({ name: '   ' })).toEqual({ name: ["can't be blank"] });
      expect(errorsFor({ name: null })).toEqual({ name: ["can't be blank"] });
      expect(errorsFor({ name: 3 })).toEqual({ name: ['must be a string'] });
      expect(errorsFor({ name: 'x'.repeat(101) })).toEqual({ name: ['is too long (maximum is 100 characters)'] });
    });
  });

  describe('icon and preset slugs', () => {
    it.each(['coffee', 'heart', 'star', 'ice-cream', 'slice_2'])('stampIcon accepts %s', (stampIcon) => {
      expect(errorsFor({ stampIcon })).toEqual({});
    });
    it.each(['Coffee', '', 'two words', '☕', null, 5, 'x'.repeat(33)])('stampIcon refuses %s', (stampIcon) => {
      expect(errorsFor({ stampIcon })).toEqual({ stampIcon: ['must be an icon name of lowercase letters, digits, - or _'] });
    });
    it('stripPreset is a slug or null', () => {
      expect(errorsFor({ stripPreset: 'beans' })).toEqual({});
      expect(errorsFor({ stripPreset: null })).toEqual({});
      expect(errorsFor({ stripPreset: 'Beans!' })).toEqual({
        stripPreset: ['must be a preset name of lowercase letters, digits, - or _'],
      });
    });
  });

  it('headerText is optional, at most 100 characters', () => {
    expect(errorsFor({ headerText: null })).toEqual({});
    expect(errorsFor({ headerText: 'Buy 9, get the 10th' })).toEqual({});
    expect(errorsFor({ headerText: 'x'.repeat(101) })).toEqual({ headerText: ['is too long (maximum is 100 characters)'] });
  });

  it('ignores untouched fields and reports every touched one at once', () => {
    const broken = { ...valid, cardColor: 'nope', stampsRequired: 99 } as CardAttributes;
    expect(fieldErrorsOf(() => validateCard(broken, new Set(['name'])))).toEqual({});
    expect(fieldErrorsOf(() => validateCard({ ...broken, name: '' }, ALL))).toEqual({
      name: ["can't be blank"],
      cardColor: ['must be a hex colour like #6B4226'],
      stampsRequired: ['must be less than or equal to 18'],
    });
  });
});
