import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ForbiddenError } from '../auth/policy.ts';
import { DomainError } from '../domain/errors.ts';
import { unavailableAnswer } from '../http/unavailable.ts';
import { log } from '../observability/log.ts';

/** Field messages keyed by snake_case parameter name, as REST clients see them. */
export type RestFieldErrors = Record<string, string[]>;

/** The error body of every REST failure: a summary, and field messages when there are any. */
export interface RestErrorBody {
  error: string;
  errors?: RestFieldErrors;
  /** For a refusal that time lifts (a stamp limit): from when the same request would be taken. */
  retry_at?: string;
}

/**
 * A failure the transport itself detects before any service runs: an unparseable body, an
 * unsupported media type, a path that names no record, a rate limit.
 */
export class RestError extends Error {
  readonly status: ContentfulStatusCode;
  readonly errors: RestFieldErrors | undefined;
  readonly headers: Record<string, string>;

  constructor(status: ContentfulStatusCode, message: string, errors?: RestFieldErrors, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'RestError';
    this.status = status;
    this.errors = errors;
    this.headers = headers;
  }
}

export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

export function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;
export type CamelKeys<T> = { [K in keyof T as K extends string ? CamelCase<K> : K]: T[K] };

/** `{stamps_required: 3}` → `{stampsRequired: 3}`, one level deep: nested values (metadata) are data. */
export function camelKeys<T extends object>(object: T): CamelKeys<T> {
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [camelCase(key), value])) as CamelKeys<T>;
}

function snakeFields(fields: Record<string, string[]>): RestFieldErrors {
  const out: RestFieldErrors = {};
  for (const [field, messages] of Object.entries(fields)) (out[snakeCase(field)] ??= []).push(...messages);
  return out;
}

/** The status and body for anything a handler throws; the one place errors become HTTP. */
export function toHttpError(error: unknown): { status: ContentfulStatusCode; body: RestErrorBody; headers: Record<string, string> } {
  if (error instanceof RestError) {
    return { status: error.status, body: withErrors(error.message, error.errors), headers: error.headers };
  }
  if (error instanceof ForbiddenError) {
    return { status: 403, body: { error: 'Forbidden', errors: { scope: [error.message] } }, headers: {} };
  }
  if (error instanceof DomainError) {
    if (error.isNotFound) return { status: 404, body: { error: error.message }, headers: {} };
    const retryAt = error.retryAt ? { retry_at: error.retryAt.toISOString() } : {};
    return { status: 422, body: { error: error.message, errors: snakeFields(error.fields), ...retryAt }, headers: {} };
  }
  const fault = unavailableAnswer('REST', error);
  if (fault) return { status: 503, body: { error: fault.message }, headers: { 'Retry-After': String(fault.retryAfterSeconds) } };
  log.error({ err: error }, 'REST request failed');
  return { status: 500, body: { error: 'Internal server error' }, headers: {} };
}

function withErrors(message: string, errors: RestFieldErrors | undefined): RestErrorBody {
  return errors && Object.keys(errors).length > 0 ? { error: message, errors } : { error: message };
}

export function errorResponse(c: Context, error: unknown): Response {
  const { status, body, headers } = toHttpError(error);
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  return c.json(body, status);
}
