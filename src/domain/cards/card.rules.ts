import { FieldErrorCollector } from '../errors.ts';
import { checkColor, checkInteger, checkOneOf, checkText, SLUG } from '../validation.ts';

export const STRIP_TYPES = ['color', 'image', 'preset'] as const;
export type StripType = (typeof STRIP_TYPES)[number];

/** The reference's range for `stamps_required`. */
export const MAX_STAMPS_REQUIRED = 18;

/** The attributes of a card a shop can set. */
export interface CardAttributes {
  name: string;
  cardColor: string;
  textColor: string;
  stampIcon: string;
  stampColor: string;
  stampsRequired: number;
  initialStamps: number;
  stripType: StripType;
  stripColor: string | null;
  stripPreset: string | null;
  headerText: string | null;
}

/** What a new card gets for each attribute the shop leaves out (documented in docs/domain.md). */
export const CARD_DEFAULTS: Omit<CardAttributes, 'name'> = {
  cardColor: '#6B4226',
  textColor: '#FFFFFF',
  stampIcon: 'coffee',
  stampColor: '#F5C542',
  stampsRequired: 10,
  initialStamps: 0,
  stripType: 'color',
  stripColor: null,
  stripPreset: null,
  headerText: null,
};

/**
 * Checks a card as it will be after a create or update (`merged`), reporting only the fields the
 * caller touched plus `initialStamps` when a change of `stampsRequired` breaks it.
 */
export function validateCard(merged: CardAttributes, touched: ReadonlySet<string>): void {
  const errors = new FieldErrorCollector();
  const check = (field: keyof CardAttributes) => touched.has(field);
  if (check('name')) checkText(errors, 'name', merged.name, { required: true, max: 100 });
  for (const field of ['cardColor', 'textColor', 'stampColor', 'stripColor'] as const) {
    if (check(field)) checkColor(errors, field, merged[field], { required: field !== 'stripColor' });
  }
  if (check('stampIcon') && (typeof merged.stampIcon !== 'string' || !SLUG.test(merged.stampIcon))) {
    errors.add('stampIcon', 'must be an icon name of lowercase letters, digits, - or _');
  }
  if (check('stripPreset') && merged.stripPreset !== null && (typeof merged.stripPreset !== 'string' || !SLUG.test(merged.stripPreset))) {
    errors.add('stripPreset', 'must be a preset name of lowercase letters, digits, - or _');
  }
  if (check('stripType')) checkOneOf(errors, 'stripType', merged.stripType, STRIP_TYPES);
  if (check('headerText')) checkText(errors, 'headerText', merged.headerText, { max: 100 });
  const requiredOk = check('stampsRequired')
    ? checkInteger(errors, 'stampsRequired', merged.stampsRequired, 1, MAX_STAMPS_REQUIRED)
    : true;
  if (check('initialStamps') || (check('stampsRequired') && requiredOk)) {
    const field = 'initialStamps';
    if (typeof merged.initialStamps !== 'number' || !Number.isInteger(merged.initialStamps)) {
      errors.add(field, 'must be an integer');
    } else if (merged.initialStamps < 0) {
      errors.add(field, 'must be greater than or equal to 0');
    } else if (requiredOk && merged.initialStamps >= merged.stampsRequired) {
      errors.add(field, `must be less than the stamps required (${merged.stampsRequired})`);
    }
  }
  errors.throwIfAny();
}
