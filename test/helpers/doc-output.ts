/**
 * Compares the output a doc shows with what its example printed, by structure: JSON as values, SSE
 * streams as their events, other text line by line. What differs from run to run is written in the
 * doc as a placeholder, so that the doc stays readable and the check stays exact elsewhere:
 *
 * - `…` (or `...`) inside a string stands for any text: `"sl_…"` is any API token, `"…"` any value;
 * - a timestamp (`2026-11-22T08:01:00.000Z`) matches any timestamp, a UUID any UUID.
 *
 * Global ids and database ids are exact: every doc runs on a fresh demo database.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const ELLIPSIS = /…|\.\.\./;
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether the shown string `expected` (with its placeholders) describes `actual`. */
export function matchesText(expected: string, actual: string): boolean {
  if (ELLIPSIS.test(expected)) {
    const pattern = expected.split(/…|\.\.\./).map(escape).join('[\\s\\S]*');
    return new RegExp(`^${pattern}$`).test(actual);
  }
  if (TIMESTAMP.test(expected)) return TIMESTAMP.test(actual);
  if (UUID.test(expected)) return UUID.test(actual);
  return expected === actual;
}

/** The first difference between a shown value and an actual one, as `path: …`; undefined when they match. */
export function difference(expected: Json, actual: unknown, path = '$'): string | undefined {
  const show = (value: unknown) => JSON.stringify(value) ?? String(value);
  if (typeof expected === 'string') {
    if (ELLIPSIS.test(expected) && expected.replace(/…|\.\.\./g, '') === '') return undefined;
    return typeof actual === 'string' && matchesText(expected, actual) ? undefined : `${path}: expected ${show(expected)}, got ${show(actual)}`;
  }
  if (expected === null || typeof expected !== 'object') {
    return Object.is(expected, actual) ? undefined : `${path}: expected ${show(expected)}, got ${show(actual)}`;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path}: expected a list, got ${show(actual)}`;
    if (actual.length !== expected.length) return `${path}: expected ${expected.length} items, got ${actual.length}: ${show(actual)}`;
    for (let i = 0; i < expected.length; i++) {
      const found = difference(expected[i]!, actual[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return `${path}: expected an object, got ${show(actual)}`;
  const record = actual as Record<string, unknown>;
  const missing = Object.keys(expected).filter((key) => !(key in record));
  const extra = Object.keys(record).filter((key) => !(key in expected));
  if (missing.length > 0 || extra.length > 0) {
    return `${path}: keys differ (missing ${show(missing)}, not shown ${show(extra)}) in ${show(actual)}`;
  }
  for (const key of Object.keys(expected)) {
    const found = difference(expected[key]!, record[key], `${path}.${key}`);
    if (found) return found;
  }
  return undefined;
}

function parseJson(text: string): { ok: true; value: Json } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as Json };
  } catch {
    return { ok: false };
  }
}

/** Server-sent events without comments (keep-alives come and go): `[{event, data}]`, data parsed when JSON. */
export function sseEvents(text: string): Json[] {
  const events: Json[] = [];
  for (const frame of text.split(/\r?\n\r?\n/)) {
    const fields: Record<string, string> = {};
    for (const line of frame.split(/\r?\n/)) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const name = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      fields[name] = fields[name] === undefined ? value : `${fields[name]}\n${value}`;
    }
    if (Object.keys(fields).length === 0) continue;
    const data = fields.data === undefined ? null : parseJson(fields.data);
    events.push({ event: fields.event ?? 'message', data: data === null ? null : data.ok ? data.value : fields.data! });
  }
  return events;
}

function isSse(text: string): boolean {
  return /^(event|data):/m.test(text);
}

export interface OutputCheck {
  /** The actual output may go on past what is shown (a stream still open). */
  prefix?: boolean;
  /** Top-level keys of an actual JSON object that are ignored unless the doc shows them (GraphQL's `extensions`). */
  optionalKeys?: string[];
}

/**
 * Why `actual` is not the output the doc shows, or undefined when it is. JSON documents, one JSON
 * value per line, SSE streams and plain text are each compared in their own terms.
 */
export function outputDifference(shown: string, actual: string, check: OutputCheck = {}): string | undefined {
  const whole = parseJson(shown);
  if (whole.ok) {
    const parsed = parseJson(actual);
    if (!parsed.ok) return `expected JSON, got ${JSON.stringify(actual.slice(0, 500))}`;
    return difference(whole.value, withoutUnshown(whole.value, parsed.value, check.optionalKeys));
  }
  if (isSse(shown)) {
    const expected = sseEvents(shown);
    let got = sseEvents(actual);
    if (check.prefix) got = got.slice(0, expected.length);
    return difference(expected, got, 'events');
  }
  const lines = (text: string) => text.split('\n').map((line) => line.trimEnd()).filter((line) => line !== '');
  const expected = lines(shown);
  let got = lines(actual);
  if (check.prefix) got = got.slice(0, expected.length);
  const jsonLines = expected.map(parseJson);
  if (jsonLines.every((line) => line.ok)) {
    const values = got.map((line) => {
      const parsed = parseJson(line);
      return parsed.ok ? parsed.value : line;
    });
    return difference(jsonLines.map((line) => (line as { value: Json }).value), values, 'lines');
  }
  if (expected.length !== got.length || expected.some((line, i) => !matchesText(line, got[i]!))) {
    return `expected the lines\n${expected.join('\n')}\ngot\n${got.join('\n')}`;
  }
  return undefined;
}

function withoutUnshown(expected: Json, actual: Json, optional: string[] = []): Json {
  if (optional.length === 0 || expected === null || typeof expected !== 'object' || Array.isArray(expected)) return actual;
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return actual;
  return Object.fromEntries(Object.entries(actual).filter(([key]) => key in expected || !optional.includes(key)));
}
