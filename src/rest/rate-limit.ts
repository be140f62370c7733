import type { MiddlewareHandler } from 'hono';
import { type FixedWindowLimiter, rateLimitHeaders, rateLimitKey } from '../http/rate-limit.ts';
import { errorResponse, RestError } from './http.ts';
import type { RestEnv } from './route.ts';

/** Counts the request, sets the RateLimit-* headers on every answer, and refuses over the limit. */
export function rateLimit(limiter: FixedWindowLimiter): MiddlewareHandler<RestEnv> {
  return async (c, next) => {
    const decision = limiter.hit(rateLimitKey(c, c.get('actor')));
    const headers = rateLimitHeaders(limiter, decision);
    if (!decision.allowed) {
      return errorResponse(
        c,
        new RestError(429, 'Rate limit exceeded', undefined, { ...headers, 'Retry-After': String(decision.resetSeconds) }),
      );
    }
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}
