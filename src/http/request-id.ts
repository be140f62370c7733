import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { inRequestScope, logger } from '../observability/log.ts';
import { setHeader } from './cors.ts';

declare module 'hono' {
  interface ContextVariableMap {
    /** The id of this request: the client's `X-Request-Id`, or one made here. */
    requestId: string;
  }
}

export const REQUEST_ID_HEADER = 'X-Request-Id';

// A client's own id is kept when it is a plain token: it lands in logs and headers verbatim.
const CLIENT_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

export function requestIdFrom(header: string | null | undefined): string {
  return header && CLIENT_ID.test(header) ? header : randomUUID();
}

// A customer page's or a pass's uuid in a path is its capability: a log line names it by shape only.
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

export function loggedPath(url: string): string {
  return new URL(url).pathname.replace(UUID, ':uuid');
}

/** A 5xx answer names its request id, so a report of it can be matched to the log line. */
async function withRequestId(response: Response, id: string): Promise<Response> {
  const type = response.headers.get('content-type') ?? '';
  let body: Record<string, unknown> = { error: 'Internal server error' };
  if (type.includes('json')) {
    try {
      const parsed: unknown = await response.clone().json();
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
    } catch {
      // Not JSON after all: answer with the plain error body.
    }
  } else if (type.startsWith('text/event-stream')) {
    return response;
  }
  const headers = new Headers(response.headers);
  headers.set('content-type', 'application/json; charset=utf-8');
  headers.delete('content-length');
  return new Response(JSON.stringify({ ...body, request_id: id }), { status: response.status, headers });
}

/**
 * The route pattern that answered (`/api/v1/accounts/:account_id/cards/:id`), never the path itself:
 * ids and uuids would make every request its own log field value and metric series. A request that
 * only the global middleware saw (no route matched) is `unmatched`.
 */
export function routeOf(c: Context): string {
  const route = matchedRoutes(c)[c.req.routeIndex]?.path;
  return !route || route === '/*' ? 'unmatched' : route;
}

const requests = logger('http');

/**
 * Gives every answer an `X-Request-Id` (the client's own when it sent a usable one), puts it in the
 * body of every 5xx answer, and writes one log line per request with it. Everything the request runs
 * runs in its log scope, so every line logged meanwhile carries `request_id` too.
 */
export function requestId({ log }: { log: boolean }): MiddlewareHandler {
  return (c, next) => {
    const id = requestIdFrom(c.req.header(REQUEST_ID_HEADER));
    c.set('requestId', id);
    return inRequestScope(id, async () => {
      const started = performance.now();
      await next();
      if (c.res.status >= 500) {
        const answer = await withRequestId(c.res, id);
        // Hono copies the replaced answer's headers onto the new one: its length would cut the new body.
        c.res.headers.delete('content-length');
        c.res = answer;
      }
      setHeader(c, REQUEST_ID_HEADER, id);
      if (log) {
        requests.info(
          {
            method: c.req.method,
            path: loggedPath(c.req.url),
            route: routeOf(c),
            status: c.res.status,
            ms: Math.round(performance.now() - started),
          },
          'request',
        );
      }
    });
  };
}
