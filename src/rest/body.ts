import type { Context } from 'hono';
import { RestError } from './http.ts';
import { duplicateJsonKey } from './json-keys.ts';
import { type ParamValue, parseNestedParams } from './params.ts';

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The query string as nested parameters (`?card_id=1`, `?filter[x]=1`). */
export function readQuery(c: Context): Record<string, unknown> {
  return parseNestedParams(new URL(c.req.url).searchParams);
}

/**
 * The parameters of a write: the body (JSON, form-encoded or multipart) over the query string, as
 * Rails merges them, so `POST …/stamp?stamps=1` works as it did on Leal. An empty body is no
 * parameters; a body of another media type is refused.
 */
export async function readParams(c: Context): Promise<{ params: Record<string, unknown>; json: boolean }> {
  const query = readQuery(c);
  const contentType = c.req.header('content-type') ?? '';
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  checkCharset(contentType);
  if (mediaType === 'multipart/form-data') {
    const form = await c.req.formData().catch(() => {
      throw new RestError(400, 'Malformed multipart body', { body: ['is not valid multipart/form-data'] });
    });
    const entries = [...form.entries()] as [string, ParamValue][];
    const file = entries.find(([, value]) => typeof value !== 'string');
    if (file) throw new RestError(422, 'Validation failed', { [file[0].split('[')[0] as string]: ['must not be a file upload'] });
    return { params: merge(query, parseNestedParams(entries)), json: false };
  }
  const text = await c.req.text();
  if (text.trim() === '') return { params: query, json: JSON_TYPE.test(mediaType) };
  if (JSON_TYPE.test(mediaType)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new RestError(400, 'Malformed JSON in request body', { body: ['is not valid JSON'] });
    }
    if (!isObject(parsed)) throw new RestError(400, 'Malformed JSON in request body', { body: ['must be a JSON object'] });
    const duplicate = duplicateJsonKey(text);
    if (duplicate !== undefined) {
      throw new RestError(400, 'Malformed JSON in request body', { body: [`has the key ${JSON.stringify(duplicate)} twice in one object`] });
    }
    return { params: merge(query, parsed), json: true };
  }
  if (mediaType === 'application/x-www-form-urlencoded') {
    return { params: merge(query, parseNestedParams(new URLSearchParams(text))), json: false };
  }
  throw new RestError(415, 'Unsupported Media Type', {
    content_type: ['must be application/json, application/x-www-form-urlencoded or multipart/form-data'],
  });
}

/**
 * Bodies are read as UTF-8, the only charset JSON has (RFC 8259) and what browsers send forms in. A body
 * declared in another charset would be read as something other than what its sender meant: refused.
 */
function checkCharset(contentType: string): void {
  for (const parameter of contentType.split(';').slice(1)) {
    const [name, ...rest] = parameter.split('=');
    if (name?.trim().toLowerCase() !== 'charset') continue;
    const charset = rest.join('=').trim().replace(/^"(.*)"$/, '$1').toLowerCase();
    if (charset !== 'utf-8' && charset !== 'utf8') {
      throw new RestError(400, 'Unsupported charset', { content_type: ['charset must be utf-8'] });
    }
  }
}

/** `over` wins; objects present in both are merged key by key. */
function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const below = Object.hasOwn(out, key) ? out[key] : undefined;
    // defineProperty, not assignment: a "__proto__" key must stay data.
    Object.defineProperty(out, key, {
      value: isObject(below) && isObject(value) ? merge(below, value) : value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
