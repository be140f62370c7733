import { isValidDate } from '../customers/customer.rules.ts';
import { DomainError, ErrorCode, FieldErrorCollector } from '../errors.ts';
import { checkColor, checkInteger, checkOneOf, checkText, hasNul, SLUG } from '../validation.ts';
import { MAX_STAMP_COOLDOWN_SECONDS, MAX_STAMPS_PER_DAY_LIMIT } from '../customer-cards/stamp-limits.rules.ts';

export const STRIP_TYPES = ['color', 'image', 'preset'] as const;
export type StripType = (typeof STRIP_TYPES)[number];

/** `stamps_required` runs from 1 to 21, as in Leal's current SDK (its older HTML reference said 18). */
export const MAX_STAMPS_REQUIRED = 21;

/** At most this many extra texts on the front of the pass, each at most MAX_AUXILIARY_LENGTH long. */
export const MAX_AUXILIARY_FIELDS = 2;
export const MAX_AUXILIARY_LENGTH = 40;

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
  stampBackgroundColor: string | null;
  /** 0–100: how much of the strip colour covers the card colour behind it. */
  stripOpacity: number;
  auxiliaryFields: string[];
  /** From this moment the card takes no stamps, redemptions or customers; null: never. */
  expiresAt: Date | null;
  showMemberField: boolean;
  showStampsToRewardField: boolean;
  /** Least seconds between two stamp operations on one customer card; 0: off. */
  stampCooldownSeconds: number;
  /** Most stamps one customer card takes per store-local day; null: no limit. */
  maxStampsPerDay: number | null;
}

/** Attributes that only govern stamping: changing them changes nothing a wallet pass shows. */
export const STAMP_LIMIT_ATTRIBUTES: ReadonlySet<string> = new Set(['stampCooldownSeconds', 'maxStampsPerDay']);

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
  stampBackgroundColor: null,
  stripOpacity: 100,
  auxiliaryFields: [],
  expiresAt: null,
  showMemberField: false,
  showStampsToRewardField: true,
  stampCooldownSeconds: 0,
  maxStampsPerDay: null,
};

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/**
 * Puts the loosely typed attributes of the APIs into stored form: `expiresAt` as an ISO 8601 text
 * becomes a time (a date alone means its midnight UTC), and blank auxiliary texts are dropped, as
 * Leal's SDK ignores them. Anything that does not fit is left as it is, for `validateCard` to name.
 */
export function normalizeCardInput<T extends { expiresAt?: unknown; auxiliaryFields?: unknown }>(input: T): T {
  const out = { ...input };
  const expires = input.expiresAt;
  // Date refuses nothing (2030-02-31 is 3 March), so the calendar date is checked on its own.
  if (typeof expires === 'string' && ISO_TIME.test(expires.trim()) && isValidDate(expires.trim().slice(0, 10))) {
    const time = new Date(expires.trim());
    if (!Number.isNaN(time.getTime())) out.expiresAt = time;
  }
  const aux = input.auxiliaryFields;
  if (aux === null) out.auxiliaryFields = [];
  else if (Array.isArray(aux) && aux.every((item) => typeof item === 'string' || item === null)) {
    out.auxiliaryFields = aux.filter((item): item is string => typeof item === 'string' && item.trim() !== '').map((item) => item.trim());
  }
  return out;
}

/** Whether the card has expired at `now`: it then takes no stamps, redemptions or new customers. */
export function isExpired(card: { expiresAt: Date | null }, now: Date = new Date()): boolean {
  return card.expiresAt !== null && card.expiresAt.getTime() <= now.getTime();
}

/** The card's expiry as people read it on the pages and the pass: "31 December 2026" (UTC). */
export function expiryDateText(expiresAt: Date): string {
  return expiresAt.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/**
 * The refusal of anything done on an expired card. `field` is the input the caller gave (`stamps`,
 * `rewardId`, `cardId`), so both APIs point at it.
 */
export function cardExpired(expiresAt: Date, field: string, what: string): DomainError {
  const reason = `the card expired on ${expiryDateText(expiresAt)} and takes no ${what}`;
  return new DomainError(ErrorCode.CARD_EXPIRED, reason.charAt(0).toUpperCase() + reason.slice(1), { [field]: [reason] });
}

/** The stored auxiliary texts of a card row (a JSON column), as a list of strings. */
export function auxiliaryFieldsOf(card: { auxiliaryFields: unknown }): string[] {
  const value = card.auxiliaryFields;
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function checkAuxiliaryFields(errors: FieldErrorCollector, value: unknown): void {
  const field = 'auxiliaryFields';
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    errors.add(field, 'must be a list of texts');
    return;
  }
  if (value.length > MAX_AUXILIARY_FIELDS) errors.add(field, `must hold at most ${MAX_AUXILIARY_FIELDS} texts (blank ones are ignored)`);
  value.forEach((item: string, i) => {
    if (item.length > MAX_AUXILIARY_LENGTH) errors.add(field, `item ${i + 1}: is too long (maximum is ${MAX_AUXILIARY_LENGTH} characters)`);
    if (hasNul(item)) errors.add(field, `item ${i + 1}: must not contain NUL characters`);
  });
}

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
  if (check('stampBackgroundColor')) checkColor(errors, 'stampBackgroundColor', merged.stampBackgroundColor, { required: false });
  if (check('stripOpacity')) checkInteger(errors, 'stripOpacity', merged.stripOpacity, 0, 100);
  if (check('auxiliaryFields')) checkAuxiliaryFields(errors, merged.auxiliaryFields);
  if (check('expiresAt') && merged.expiresAt !== null && !(merged.expiresAt instanceof Date && !Number.isNaN(merged.expiresAt.getTime()))) {
    errors.add('expiresAt', 'must be an ISO 8601 date or time, e.g. 2027-12-31T23:59:59Z, or null for never');
  }
  for (const field of ['showMemberField', 'showStampsToRewardField'] as const) {
    if (check(field) && typeof merged[field] !== 'boolean') errors.add(field, 'must be true or false');
  }
  if (check('stampCooldownSeconds')) checkInteger(errors, 'stampCooldownSeconds', merged.stampCooldownSeconds, 0, MAX_STAMP_COOLDOWN_SECONDS);
  if (check('maxStampsPerDay') && merged.maxStampsPerDay !== null) {
    checkInteger(errors, 'maxStampsPerDay', merged.maxStampsPerDay, 1, MAX_STAMPS_PER_DAY_LIMIT);
  }
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
