import { FieldErrorCollector } from '../errors.ts';
import { checkText, DEEP_JSON_MESSAGE, hasNul, inspectJson, NUL_MESSAGE, SLUG } from '../validation.ts';

/** Pure rules for customer details: normalisation (so uniqueness and search behave) and validation. */

export interface ExternalReferenceInput {
  source: string;
  externalId: string;
  metadata?: Record<string, unknown>;
}

export interface CustomerDetails {
  firstName: string;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  birthday: string | null;
}

export const MAX_EXTERNAL_REFERENCES = 20;
const MAX_METADATA_BYTES = 16_384;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9]{6,15}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Emails compare case-insensitively; store them lower-cased and trimmed. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Phones compare by digits: spaces, dashes, dots and brackets are formatting. */
export function normalizePhone(phone: string): string {
  return phone.trim().replace(/[\s().-]/g, '');
}

/**
 * SQL LIKE reads `%` and `_` as wildcards (and PostgreSQL `\` as an escape), and Prisma's `contains`
 * passes them through. Search text and needles therefore carry them as private-use characters, so a
 * search for "_" finds an underscore, and one `where` clause serves every API.
 */
const LIKE_SPECIAL: Record<string, string> = { '%': '\uE000', _: '\uE001', '\\': '\uE002' };

export function escapeSearchText(text: string): string {
  return text.toLowerCase().replace(/[%_\\]/g, (char) => LIKE_SPECIAL[char] ?? char);
}

export function searchTextOf(details: CustomerDetails): string {
  return escapeSearchText(
    [details.firstName, details.lastName, details.email, details.phone].filter((part): part is string => Boolean(part)).join(' '),
  );
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isValidDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export function validateDetails(details: CustomerDetails, errors: FieldErrorCollector, touched: ReadonlySet<string>): void {
  if (touched.has('firstName')) checkText(errors, 'firstName', details.firstName, { required: true, max: 100 });
  if (touched.has('lastName')) checkText(errors, 'lastName', details.lastName, { max: 100 });
  // The type checks matter: a regex test would coerce a number or an array to a string and pass it.
  if (
    touched.has('email') &&
    details.email !== null &&
    (typeof details.email !== 'string' || !EMAIL.test(details.email) || details.email.length > 254)
  ) {
    errors.add('email', 'is not a valid email address');
  }
  if (touched.has('phone') && details.phone !== null && (typeof details.phone !== 'string' || !PHONE.test(details.phone))) {
    errors.add('phone', 'is not a valid phone number, such as +44 20 7946 0000');
  }
  if (!details.email && !details.phone && (touched.has('email') || touched.has('phone'))) {
    errors.add('base', 'an email or a phone is required');
  }
  if (touched.has('birthday') && details.birthday !== null) {
    if (typeof details.birthday !== 'string' || !isValidDate(details.birthday)) {
      errors.add('birthday', 'must be a date in YYYY-MM-DD format');
    } else if (details.birthday > new Date().toISOString().slice(0, 10)) {
      errors.add('birthday', 'cannot be in the future');
    }
  }
}

/** `prefix` names the part of `field` the metadata is, e.g. "item 2: metadata ". */
export function validateMetadata(metadata: unknown, errors: FieldErrorCollector, field = 'metadata', prefix = ''): void {
  if (metadata === undefined) return;
  if (!isPlainObject(metadata)) {
    errors.add(field, `${prefix}must be an object`);
    return;
  }
  // The shape first: serialising a value nested thousands of levels deep would overflow the stack.
  const shape = inspectJson(metadata);
  if (shape === 'deep') {
    errors.add(field, `${prefix}${DEEP_JSON_MESSAGE}`);
  } else if (shape === 'large' || JSON.stringify(metadata).length > MAX_METADATA_BYTES) {
    errors.add(field, `${prefix}is too large (maximum is ${MAX_METADATA_BYTES} bytes)`);
  } else if (shape === 'nul') {
    errors.add(field, `${prefix}${NUL_MESSAGE}`);
  }
}

export function validateExternalReferences(refs: unknown, errors: FieldErrorCollector): refs is ExternalReferenceInput[] {
  if (refs === undefined) return true;
  if (!Array.isArray(refs)) {
    errors.add('externalReferences', 'must be a list');
    return false;
  }
  if (refs.length > MAX_EXTERNAL_REFERENCES) {
    errors.add('externalReferences', `has too many items (maximum is ${MAX_EXTERNAL_REFERENCES})`);
    return false;
  }
  let ok = true;
  refs.forEach((ref: unknown, index) => {
    if (!isPlainObject(ref)) {
      errors.add('externalReferences', `item ${index + 1} must be an object`);
      ok = false;
      return;
    }
    if (typeof ref.source !== 'string' || !SLUG.test(ref.source)) {
      errors.add('externalReferences', `item ${index + 1}: source must be a lowercase slug such as "square"`);
      ok = false;
    }
    if (typeof ref.externalId !== 'string' || ref.externalId.length === 0 || ref.externalId.length > 255) {
      errors.add('externalReferences', `item ${index + 1}: external id must be 1 to 255 characters`);
      ok = false;
    } else if (hasNul(ref.externalId)) {
      errors.add('externalReferences', `item ${index + 1}: external id ${NUL_MESSAGE}`);
      ok = false;
    }
    validateMetadata(ref.metadata, errors, 'externalReferences', `item ${index + 1}: metadata `);
  });
  return ok;
}
