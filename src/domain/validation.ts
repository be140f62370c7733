import type { FieldErrorCollector } from './errors.ts';

/** Small checks shared by the rule modules. Each adds a message to `errors` and returns whether the value passed. */

// PostgreSQL refuses NUL in text and JSON: input carrying one is refused here, before any query, so
// both APIs answer it as invalid input instead of a database error.
export const NUL_MESSAGE = 'must not contain NUL characters';

export function hasNul(text: string): boolean {
  return text.includes('\u0000');
}

/** Deeper JSON than this is refused: nothing legitimate nests so far, and deep values exhaust stacks. */
export const MAX_JSON_DEPTH = 20;
export const DEEP_JSON_MESSAGE = `must not nest deeper than ${MAX_JSON_DEPTH} levels`;
// More members than this are no metadata; the size limits of each field refuse them anyway.
const MAX_JSON_MEMBERS = 100_000;

/**
 * What is wrong with a JSON-like value, walked without recursion (so no depth can exhaust the stack):
 * 'deep' past MAX_JSON_DEPTH levels, 'large' past MAX_JSON_MEMBERS members, 'nul' when a string or
 * object key holds a NUL.
 */
export function inspectJson(root: unknown): 'ok' | 'nul' | 'deep' | 'large' {
  const stack: Array<[unknown, number]> = [[root, 0]];
  let visited = 0;
  let nul = false;
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (++visited > MAX_JSON_MEMBERS) return 'large';
    if (typeof value === 'string') {
      nul ||= hasNul(value);
    } else if (typeof value === 'object' && value !== null) {
      if (depth >= MAX_JSON_DEPTH) return 'deep';
      for (const [key, item] of Object.entries(value)) {
        nul ||= hasNul(key);
        stack.push([item, depth + 1]);
      }
    }
  }
  return nul ? 'nul' : 'ok';
}

export const HEX_COLOR = /^#[0-9A-Fa-f]{6}$/;
export const SLUG = /^[a-z0-9][a-z0-9_-]{0,31}$/;

export function checkInteger(
  errors: FieldErrorCollector,
  field: string,
  value: unknown,
  min: number,
  max: number,
): value is number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    errors.add(field, 'must be an integer');
    return false;
  }
  if (value < min) {
    errors.add(field, `must be greater than or equal to ${min}`);
    return false;
  }
  if (value > max) {
    errors.add(field, `must be less than or equal to ${max}`);
    return false;
  }
  return true;
}

export function checkText(
  errors: FieldErrorCollector,
  field: string,
  value: unknown,
  { required = false, max = 255 }: { required?: boolean; max?: number } = {},
): boolean {
  if (value === undefined || value === null) {
    if (required) errors.add(field, "can't be blank");
    return !required;
  }
  if (typeof value !== 'string') {
    errors.add(field, 'must be a string');
    return false;
  }
  if (required && value.trim() === '') {
    errors.add(field, "can't be blank");
    return false;
  }
  if (value.length > max) {
    errors.add(field, `is too long (maximum is ${max} characters)`);
    return false;
  }
  if (hasNul(value)) {
    errors.add(field, NUL_MESSAGE);
    return false;
  }
  return true;
}

export function checkColor(
  errors: FieldErrorCollector,
  field: string,
  value: unknown,
  { required = false }: { required?: boolean } = {},
): boolean {
  if (value === undefined || value === null) {
    if (required) errors.add(field, "can't be blank");
    return !required;
  }
  if (typeof value !== 'string' || !HEX_COLOR.test(value)) {
    errors.add(field, 'must be a hex colour like #6B4226');
    return false;
  }
  return true;
}

export function checkOneOf<T extends string>(
  errors: FieldErrorCollector,
  field: string,
  value: unknown,
  allowed: readonly T[],
): value is T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    errors.add(field, `must be one of: ${allowed.join(', ')}`);
    return false;
  }
  return true;
}

/** Drops keys whose value is `undefined`, so partial updates only touch what was given. */
export function definedOnly<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** The largest id a 4-byte INTEGER column holds; PostgreSQL refuses larger values in queries. */
export const MAX_DATABASE_ID = 2_147_483_647;

/**
 * True for a value that can be the id of a stored record. Anything else (NaN, 1.5, "7", 2**31) names
 * no record, so lookups answer "not found" instead of passing it to the database and failing there.
 */
export function isDatabaseId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_DATABASE_ID;
}

/**
 * Checks an id given as input (a body parameter such as `card_id`): missing or not an integer is a
 * validation error on `field`; whether it names a record is for the lookup to say.
 */
export function checkIdInput(errors: FieldErrorCollector, field: string, value: unknown): boolean {
  if (value === undefined || value === null) {
    errors.add(field, "can't be blank");
    return false;
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    errors.add(field, 'must be an integer');
    return false;
  }
  return true;
}

/**
 * Keeps only the keys a service knows, so an input object carrying anything else (`storeId`, `id`)
 * can never reach a Prisma `data` clause.
 */
export function pickKnown<T extends object, K extends keyof T>(input: T, keys: readonly K[]): Pick<T, K> {
  const picked = {} as Pick<T, K>;
  for (const key of keys) if (Object.hasOwn(input, key)) picked[key] = input[key];
  return picked;
}
