import { describe, expect, it } from 'vitest';
import {
  CARD_DEFAULTS,
  type CardAttributes,
  expiryDateText,
  isExpired,
  MAX_STAMPS_REQUIRED,
  normalizeCardInput,
  STRIP_TYPES,
  validateCard,
} from '../../src/domain/cards/card.rules.ts';
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
    expect(MAX_STAMPS_REQUIRED).toBe(21);
    expect(STRIP_TYPES).toEqual(['color', 'image', 'preset']);
  });

  describe('stampsRequired 1–21', () => {
    it.each([1, 2, 10, 18, 19, 21])('accepts %s', (stampsRequired) => {
      expect(errorsFor({ stampsRequired, initialStamps: 0 })).toEqual({});
    });
    it.each([
      [0, 'must be greater than or equal to 1'],
      [-1, 'must be greater than or equal to 1'],
      [22, 'must be less than or equal to 21'],
      [99, 'must be less than or equal to 21'],
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
      stampsRequired: ['must be less than or equal to 21'],
    });
  });
});

describe("Leal's SDK card fields", () => {
  it('normalises what the APIs send: ISO texts to times, blank auxiliary texts dropped', () => {
    expect(normalizeCardInput({ expiresAt: '2030-01-31' }).expiresAt).toEqual(new Date('2030-01-31T00:00:00Z'));
    expect(normalizeCardInput({ expiresAt: '2030-01-31T10:00:00+02:00' }).expiresAt).toEqual(new Date('2030-01-31T08:00:00Z'));
    expect(normalizeCardInput({ expiresAt: '2030-02-31' }).expiresAt).toBe('2030-02-31');
    expect(normalizeCardInput({ expiresAt: 'tomorrow' }).expiresAt).toBe('tomorrow');
    expect(normalizeCardInput({ auxiliaryFields: [' a ', '', null, '  '] }).auxiliaryFields).toEqual(['a']);
    expect(normalizeCardInput({ auxiliaryFields: null }).auxiliaryFields).toEqual([]);
    expect(normalizeCardInput({ auxiliaryFields: [1] }).auxiliaryFields).toEqual([1]);
  });

  it('checks each field', () => {
    expect(errorsFor({ stampBackgroundColor: null, stripOpacity: 0, auxiliaryFields: ['a', 'b'], expiresAt: null })).toEqual({});
    expect(errorsFor({ stripOpacity: 100, showMemberField: false, showStampsToRewardField: true })).toEqual({});
    expect(errorsFor({ stripOpacity: 1.5 })).toEqual({ stripOpacity: ['must be an integer'] });
    expect(errorsFor({ auxiliaryFields: [1] })).toEqual({ auxiliaryFields: ['must be a list of texts'] });
    expect(errorsFor({ expiresAt: '2030-01-01' })).toEqual({
      expiresAt: ['must be an ISO 8601 date or time, e.g. 2027-12-31T23:59:59Z, or null for never'],
    });
    expect(errorsFor({ showStampsToRewardField: 'yes' })).toEqual({ showStampsToRewardField: ['must be true or false'] });
  });

  it('knows when a card has expired', () => {
    const now = new Date('2030-01-01T12:00:00Z');
    expect(isExpired({ expiresAt: null }, now)).toBe(false);
    expect(isExpired({ expiresAt: new Date('2030-01-01T12:00:01Z') }, now)).toBe(false);
    expect(isExpired({ expiresAt: new Date('2030-01-01T12:00:00Z') }, now)).toBe(true);
    expect(expiryDateText(new Date('2030-01-31T23:30:00Z'))).toBe('31 January 2030');
  });
});
