import type { MiddlewareHandler } from 'hono';
import { serverSpan, tracingActive } from '../observability/tracing.ts';
import { loggedPath, routeOf } from './request-id.ts';

/** One SERVER span per request while tracing is on (see observability/tracing.ts); a no-op otherwise. */
export function traceRequests(): MiddlewareHandler {
  return async (c, next) => {
    if (!tracingActive()) return next();
    await serverSpan({ method: c.req.method, path: loggedPath(c.req.url), header: (name) => c.req.header(name) }, async () => {
      await next();
      return { route: routeOf(c), status: c.res.status };
    });
  };
}
