import type { MiddlewareHandler } from 'hono';
import { bearerToken } from '../http/auth.ts';
import { type RateLimiter, rateLimitHeaders, rateLimitKey } from '../http/rate-limit.ts';
import { hashToken } from '../domain/stores/store.service.ts';
import type { Runtime } from '../runtime.ts';
import { errorResponse, RestError } from './http.ts';
import type { RestEnv } from './route.ts';

/** Counts the request, sets the RateLimit-* headers on every answer, and refuses over the limit. */
export function rateLimit(limiter: RateLimiter, runtime: Runtime): MiddlewareHandler<RestEnv> {
  return async (c, next) => {
    // A valid token (`actor` found) spends its own budget; anything else the client's address.
    const token = bearerToken(c.req.header('authorization'));
    const credential = token && c.get('actor') ? { kind: 'token' as const, tokenHash: hashToken(token) } : undefined;
    const decision = await limiter.hit(rateLimitKey(c, runtime, credential));
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
