import { z } from '@hono/zod-openapi';
import { RestError, type RestFieldErrors } from './http.ts';
import { isDatabaseId } from '../domain/validation.ts';

/**
 * The parameter types of the REST layer. They check and coerce *types* only (form values arrive as
 * strings); ranges and every other rule are the domain's, so GraphQL and REST refuse alike.
 */

const INT32_MAX = 2_147_483_647;
const INT32_MIN = -2_147_483_648;

type Issue = { input?: unknown };
/** Missing (or null where a value is required) reads "can't be blank", as Rails says it. */
const message = (text: string) => (issue: Issue) => (issue.input === undefined || issue.input === null ? "can't be blank" : text);

const integerString = /^[+-]?\d+$/;
const numberString = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function toInteger(value: unknown): unknown {
  return typeof value === 'string' && integerString.test(value.trim()) ? Number(value.trim()) : value;
}

function toNumber(value: unknown): unknown {
  return typeof value === 'string' && numberString.test(value.trim()) ? Number(value.trim()) : value;
}

const TRUE = new Set<unknown>([true, 'true', 1, '1']);
const FALSE = new Set<unknown>([false, 'false', 0, '0']);

function toBoolean(value: unknown): unknown {
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  return value;
}

/** An integer (JSON number or digits in a string), within PostgreSQL's int range. */
export function Int() {
  const msg = message('must be an integer');
  return z.preprocess(
    toInteger,
    z
      .number({ error: msg })
      .int({ error: msg })
      // A refinement, not min/max: the range is storage's, and the documented bounds are the domain's.
      .refine((n) => n >= INT32_MIN && n <= INT32_MAX, { error: 'is out of range' })
      .openapi({ format: 'int32' }),
  );
}

/** The id of a record given in a body or query: a positive integer. */
export function Id() {
  const msg = message('must be a positive integer');
  return z.preprocess(toInteger, z.number({ error: msg }).int({ error: msg }).min(1, { error: msg }).max(INT32_MAX, { error: msg }));
}

const pathDigits = /^\d{1,10}$/;

/** An id in the path. Anything else names no record, so it is answered 404 (see route.ts). */
export function PathId() {
  return z.preprocess((value) => (typeof value === 'string' && pathDigits.test(value) ? Number(value) : value), z.number().int().min(1).max(INT32_MAX));
}

/**
 * What `PathId()` accepts of a path parameter (a string), checked without zod: every request checks
 * its path ids, and the schema (kept for the OpenAPI document) costs more than the rule. Both give
 * the same answer for every string (test/rest/fields.test.ts).
 */
export function pathIdOf(value: string | undefined): number | undefined {
  if (value === undefined || !pathDigits.test(value)) return undefined;
  const id = Number(value);
  return isDatabaseId(id) ? id : undefined;
}

/** A decimal number (JSON number or a numeric string). */
export function Num() {
  const msg = message('must be a number');
  return z.preprocess(toNumber, z.number({ error: msg }).refine(Number.isFinite, { error: msg }));
}

/** Apipie's boolean: true, false, 1 or 0, as JSON values or strings. */
export function Bool() {
  return z.preprocess(toBoolean, z.boolean({ error: message('must be one of: true, false, 1, 0') }));
}


/** A string; what it may hold (length, NUL characters) is the domain's rule. */
export function Text() {
  return z.string({ error: message('must be a string') });
}

/** Text that may be cleared: null, or an empty string (all a form can send), stores null. */
export function NullableText() {
  return z.preprocess(
    (value) => (value === '' ? null : value),
    z.string({ error: 'must be a string' }).nullable(),
  );
}

/** An integer that may be cleared: null, or an empty string (all a form can send), stores null. */
export function NullableInt() {
  return z.preprocess((value) => (value === '' ? null : value), Int().nullable());
}

/**
 * A query flag that counts by presence, as Leal documents `active`: `?active`, `?active=1` and even
 * `?active=false` all turn the filter on.
 */
export function PresenceFlag() {
  return z
    .unknown()
    .optional()
    .transform((value) => value !== undefined)
    .openapi({ type: 'string', description: 'When present (with any value, even false), only active records are listed' });
}

/** An identifier of another system: a string, or a JSON number taken as its digits. */
export function ForeignId() {
  return z.preprocess((value) => (typeof value === 'number' && Number.isFinite(value) ? String(value) : value), Text());
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof File);
}

/** A free-form JSON object, passed on as given; its depth, size and content are the domain's rules. */
export function JsonObject() {
  return z
    .custom<Record<string, unknown>>(isPlainObject, { error: message('must be an object') })
    .openapi({ type: 'object', additionalProperties: true });
}

/** A JSON array or a form list (`a[]=…` or `a[0][…]=…`). */
export function List<Item extends z.ZodType>(item: Item) {
  return z.array(item, { error: message('must be a list') });
}

/** The hash of a resource's attributes (`card`, `customer`, …), required in a write body. */
export function Attributes<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.object(shape, {
    error: (issue: Issue) => (issue.input === undefined ? 'is missing' : 'must be an object'),
  });
}

/**
 * Turns zod issues into field messages. Attributes inside the wrapper hash (`card[...]`) are named
 * without it, as Rails reports them (`stamps_required`, not `card.stamps_required`); an issue inside
 * a list names its item.
 */
export function issuesToFields(issues: readonly z.core.$ZodIssue[], wrapper?: string): RestFieldErrors {
  const fields: RestFieldErrors = {};
  for (const issue of issues) {
    let path = issue.path.map(String);
    if (wrapper !== undefined && path[0] === wrapper && path.length > 1) path = path.slice(1);
    const [field = 'base', index, ...rest] = path;
    let text = issue.message;
    if (index !== undefined && /^\d+$/.test(index)) {
      text = `item ${Number(index) + 1}: ${rest.length ? `${rest.join('.')} ` : ''}${text}`;
    } else if (index !== undefined) {
      text = `${[index, ...rest].join('.')} ${text}`;
    }
    (fields[field] ??= []).push(text);
  }
  return fields;
}

/** Validates `value` with `schema`, throwing the REST 422 on failure. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, wrapper?: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new RestError(422, 'Validation failed', issuesToFields(result.error.issues, wrapper));
  return result.data;
}
