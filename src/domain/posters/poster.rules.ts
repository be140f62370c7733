import { FieldErrorCollector } from '../errors.ts';
import { checkColor, checkInteger, checkOneOf, checkText } from '../validation.ts';

export const PAPER_SIZES = ['a4', 'a5', 'a6', 'letter'] as const;
export type PaperSize = (typeof PAPER_SIZES)[number];

/** Which contact details the sign-up form asks for. */
export const CONTACT_COLLECTION_MODES = ['email_and_phone', 'email_only', 'phone_only'] as const;
export type ContactCollectionMode = (typeof CONTACT_COLLECTION_MODES)[number];

export const MIN_MINIMUM_AGE = 1;
export const MAX_MINIMUM_AGE = 120;

/** The attributes of a poster a shop can set; the card is fixed at creation. */
export interface PosterAttributes {
  title: string | null;
  paperSize: PaperSize;
  primaryColor: string;
  secondaryColor: string;
  textColor: string;
  active: boolean;
  contactCollectionMode: ContactCollectionMode;
  requireEmail: boolean;
  requirePhone: boolean;
  requireBirthday: boolean;
  minimumAge: number | null;
}

/**
 * What a new poster gets for each attribute the shop leaves out. Colours follow the card, so a
 * poster looks like the card it enrols customers on.
 */
export function posterDefaults(card: { cardColor: string; stampColor: string; textColor: string }): PosterAttributes {
  return {
    title: null,
    paperSize: 'a4',
    primaryColor: card.cardColor,
    secondaryColor: card.stampColor,
    textColor: card.textColor,
    active: true,
    contactCollectionMode: 'email_and_phone',
    requireEmail: false,
    requirePhone: false,
    requireBirthday: false,
    minimumAge: null,
  };
}

export function collectsEmail(mode: ContactCollectionMode): boolean {
  return mode !== 'phone_only';
}

export function collectsPhone(mode: ContactCollectionMode): boolean {
  return mode !== 'email_only';
}

function checkBoolean(errors: FieldErrorCollector, field: string, value: unknown): void {
  if (typeof value !== 'boolean') errors.add(field, 'must be true or false');
}

/**
 * Checks a poster as it will be after a create or update. A detail can only be required if the form
 * collects it, and a minimum age needs the birthday it is checked against; these cross-field rules
 * are checked whenever either side changes.
 */
export function validatePoster(merged: PosterAttributes, touched: ReadonlySet<string>): void {
  const errors = new FieldErrorCollector();
  const check = (field: keyof PosterAttributes) => touched.has(field);
  if (check('title')) checkText(errors, 'title', merged.title, { max: 100 });
  if (check('paperSize')) checkOneOf(errors, 'paperSize', merged.paperSize, PAPER_SIZES);
  for (const field of ['primaryColor', 'secondaryColor', 'textColor'] as const) {
    if (!check(field)) continue;
    if (merged[field] === null) errors.add(field, "can't be blank");
    else checkColor(errors, field, merged[field]);
  }
  for (const field of ['active', 'requireEmail', 'requirePhone', 'requireBirthday'] as const) {
    if (check(field)) checkBoolean(errors, field, merged[field]);
  }
  const modeOk = check('contactCollectionMode')
    ? checkOneOf(errors, 'contactCollectionMode', merged.contactCollectionMode, CONTACT_COLLECTION_MODES)
    : true;
  if (modeOk && (check('contactCollectionMode') || check('requireEmail')) && merged.requireEmail === true && !collectsEmail(merged.contactCollectionMode)) {
    errors.add('requireEmail', 'cannot be true when the form does not collect an email');
  }
  if (modeOk && (check('contactCollectionMode') || check('requirePhone')) && merged.requirePhone === true && !collectsPhone(merged.contactCollectionMode)) {
    errors.add('requirePhone', 'cannot be true when the form does not collect a phone');
  }
  if (check('minimumAge') || check('requireBirthday')) {
    if (merged.minimumAge !== null) {
      if (checkInteger(errors, 'minimumAge', merged.minimumAge, MIN_MINIMUM_AGE, MAX_MINIMUM_AGE) && merged.requireBirthday !== true) {
        errors.add('minimumAge', 'needs the birthday to be required');
      }
    }
  }
  errors.throwIfAny();
}
