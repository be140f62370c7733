import type { Context, MiddlewareHandler } from 'hono';
import { RestError, errorResponse } from './http.ts';
import type { RestEnv } from './route.ts';

export interface RateLimitPolicy {
  limit: number;
  windowSeconds: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  remaining: number;
  /** Seconds until the caller's window starts over. */
  resetSeconds: number;
}

/**
 * Fixed-window counters kept in this process's memory: a gateway with several processes allows the
 * limit per process. Expired windows are swept as requests arrive, so no timer holds the process.
 */
export class FixedWindowLimiter {
  readonly policy: RateLimitPolicy;
  readonly #windows = new Map<string, { count: number; resetAt: number }>();
  readonly #now: () => number;
  #nextSweep = 0;

  constructor(policy: RateLimitPolicy, now: () => number = Date.now) {
    this.policy = policy;
    this.#now = now;
  }

  hit(key: string): RateLimitDecision {
    const now = this.#now();
    const windowMs = this.policy.windowSeconds * 1000;
    if (now >= this.#nextSweep) {
      for (const [k, w] of this.#windows) if (w.resetAt <= now) this.#windows.delete(k);
      this.#nextSweep = now + windowMs;
    }
    let window = this.#windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + windowMs };
      this.#windows.set(key, window);
    }
    window.count += 1;
    const resetSeconds = Math.max(1, Math.ceil((window.resetAt - now) / 1000));
    return {
      allowed: window.count <= this.policy.limit,
      remaining: Math.max(0, this.policy.limit - window.count),
      resetSeconds,
    };
  }
}

/** Counts the request, sets the RateLimit-* headers on every answer, and refuses over the limit. */
export function rateLimit(limiter: FixedWindowLimiter, keyOf: (c: Context<RestEnv>) => string): MiddlewareHandler<RestEnv> {
  const { limit, windowSeconds } = limiter.policy;
  return async (c, next) => {
    const decision = limiter.hit(keyOf(c));
    const headers = {
      'RateLimit-Limit': String(limit),
      'RateLimit-Remaining': String(decision.remaining),
      'RateLimit-Reset': String(decision.resetSeconds),
      'RateLimit-Policy': `${limit};w=${windowSeconds}`,
    };
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
