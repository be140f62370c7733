import { expect } from 'vitest';
import type { z } from 'zod';
import { WriteSource } from '../../src/domain/context.ts';
import { toJson } from './deep-json.ts';
import { newStore, type TestStore } from './runtime.ts';
import type { TestServer } from './server.ts';

/** A REST answer: status, headers, parsed JSON body (null when empty) and the raw text. */
export interface RestResponse {
  status: number;
  headers: Headers;
  // Tests index freely into answers; shapes are checked separately against the response schemas.
  body: any;
  text: string;
}

export interface SendOptions {
  /** Send the body form-encoded (`card[name]=…`) instead of JSON. */
  form?: boolean;
  /** Send this exact body text (with `contentType`). */
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
  token?: string | null;
}

/** Rails-style form encoding: objects as `a[b]`, lists of objects as `a[0][b]`, lists of values as `a[]`. */
export function formEncode(value: Record<string, unknown>): string {
  const pairs: [string, string][] = [];
  const walk = (prefix: string, item: unknown) => {
    if (Array.isArray(item)) {
      item.forEach((element, index) =>
        walk(typeof element === 'object' && element !== null ? `${prefix}[${index}]` : `${prefix}[]`, element),
      );
    } else if (typeof item === 'object' && item !== null) {
      for (const [key, child] of Object.entries(item)) walk(prefix ? `${prefix}[${key}]` : key, child);
    } else if (item !== undefined) {
      pairs.push([prefix, item === null ? '' : String(item)]);
    }
  };
  walk('', value);
  return new URLSearchParams(pairs).toString();
}

/** A small client for the REST API of a test server, authenticated with `token` unless told otherwise. */
export function restClient(t: TestServer, token?: string) {
  async function request(method: string, path: string, body?: unknown, options: SendOptions = {}): Promise<RestResponse> {
    const headers: Record<string, string> = { ...options.headers };
    const bearer = options.token === undefined ? token : options.token;
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    let payload: string | FormData | undefined;
    if (options.raw !== undefined) {
      payload = options.raw;
      if (options.contentType) headers['content-type'] = options.contentType;
    } else if (body instanceof FormData) {
      payload = body;
    } else if (body !== undefined) {
      payload = options.form ? formEncode(body as Record<string, unknown>) : toJson(body);
      headers['content-type'] = options.form ? 'application/x-www-form-urlencoded' : 'application/json';
    }
    const url = path.startsWith('http') ? path : `${t.url}${path.startsWith('/api/') ? '' : '/api/v1'}${path}`;
    const response = await fetch(url, { method, headers, body: payload });
    const text = await response.text();
    let parsed: unknown = null;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  }
  return {
    request,
    get: (path: string, options?: SendOptions) => request('GET', path, undefined, options),
    post: (path: string, body?: unknown, options?: SendOptions) => request('POST', path, body, options),
    patch: (path: string, body?: unknown, options?: SendOptions) => request('PATCH', path, body, options),
    put: (path: string, body?: unknown, options?: SendOptions) => request('PUT', path, body, options),
    delete: (path: string, options?: SendOptions) => request('DELETE', path, undefined, options),
  };
}

export type RestClient = ReturnType<typeof restClient>;

/** Fails with the whole answer when the status is not the expected one. */
export function expectStatus(response: RestResponse, status: number): RestResponse {
  if (response.status !== status) {
    throw new Error(`expected HTTP ${status}, got ${response.status}: ${response.text.slice(0, 2000)}`);
  }
  return response;
}

/** A fresh store with a REST client on its token; `path` is its `/accounts/:id` prefix. */
export async function restStore(t: TestServer): Promise<TestStore & { api: RestClient; path: string }> {
  const store = await newStore(t.runtime, WriteSource.REST);
  return { ...store, api: restClient(t, store.token), path: `/accounts/${store.actor.storeId}` };
}

export const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * The body has exactly the keys the Leal reference documents (plus Stampline's additions) and
 * matches the response schema the OpenAPI document publishes.
 */
export function expectShape(body: unknown, keys: readonly string[], schema?: z.ZodType): void {
  expect(Object.keys(body as object).sort()).toEqual([...keys].sort());
  if (schema) {
    const result = schema.safeParse(body);
    if (!result.success) throw new Error(`body does not match the published schema: ${JSON.stringify(result.error.issues)}`);
  }
}

/** The error body: a summary, and field messages keyed by snake_case name when given. */
export function expectError(response: RestResponse, status: number, fields: string[] = []): void {
  expectStatus(response, status);
  expect(typeof response.body.error).toBe('string');
  if (fields.length) expect(Object.keys(response.body.errors ?? {})).toEqual(expect.arrayContaining(fields));
}
