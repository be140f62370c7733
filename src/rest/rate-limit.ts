import type { MiddlewareHandler } from 'hono';
import { type RateLimiter, rateLimitHeaders, rateLimitKey } from '../http/rate-limit.ts';
import type { Runtime } from '../runtime.ts';
import { errorResponse, RestError } from './http.ts';
import type { RestEnv } from './route.ts';

/** Counts the request, sets the RateLimit-* headers on every answer, and refuses over the limit. */
export function rateLimit(limiter: RateLimiter, runtime: Runtime): MiddlewareHandler<RestEnv> {
  return async (c, next) => {
    // A valid token spends its own budget; anything else the client's address.
    const decision = await limiter.hit(rateLimitKey(c, runtime, c.get('credential')));
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
