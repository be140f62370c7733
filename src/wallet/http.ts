import type { Context, Handler } from 'hono';
import { unavailableAnswer } from '../http/unavailable.ts';
import { log } from '../observability/log.ts';
import { loggedPath } from '../http/request-id.ts';

/** Small response helpers shared by the wallet routes. Errors are `{"error": "<summary>"}`. */

export function jsonError(c: Context, status: 400 | 401 | 404 | 429 | 500 | 503, error: string): Response {
  return c.json({ error }, status, { 'cache-control': 'no-store' });
}

/**
 * Wraps a handler so a fault (a signing failure, a bug) is logged and answered as a 500 without
 * leaking details, and a database outage as a 503; bad input is answered by the handlers themselves with 4xx.
 */
export function guarded(handler: (c: Context) => Promise<Response>): Handler {
  return async (c) => {
    try {
      return await handler(c);
    } catch (error) {
      const fault = unavailableAnswer('wallet', error);
      if (fault) {
        c.header('Retry-After', String(fault.retryAfterSeconds));
        return jsonError(c, 503, fault.message);
      }
      log.error({ err: error }, `wallet: ${c.req.method} ${loggedPath(c.req.url)} failed`);
      return jsonError(c, 500, 'Internal error');
    }
  };
}

/** The request's JSON body, or undefined when it is missing or malformed. */
export async function jsonBody(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    return undefined;
  }
}
