import { createHash } from 'node:crypto';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { Actor } from '../domain/context.ts';
import type { Runtime } from '../runtime.ts';
import { bearerToken } from './auth.ts';

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

const limiters = new WeakMap<Runtime, FixedWindowLimiter>();

/** The process's limiter: one budget per token, whichever API (REST or GraphQL) spends it. */
export function limiterOf(runtime: Runtime): FixedWindowLimiter {
  let limiter = limiters.get(runtime);
  if (!limiter) {
    limiter = new FixedWindowLimiter(runtime.config.rateLimit);
    limiters.set(runtime, limiter);
  }
  return limiter;
}

/** The RateLimit-* headers of an answer after `decision`. */
export function rateLimitHeaders(limiter: FixedWindowLimiter, decision: RateLimitDecision): Record<string, string> {
  const { limit, windowSeconds } = limiter.policy;
  return {
    'RateLimit-Limit': String(limit),
    'RateLimit-Remaining': String(decision.remaining),
    'RateLimit-Reset': String(decision.resetSeconds),
    'RateLimit-Policy': `${limit};w=${windowSeconds}`,
  };
}

/**
 * Whom a request counts against: its API token when valid (`actor` found), else the client's address
 * (so random tokens cannot dodge the limit). Forwarded-for headers are not trusted: anyone can send them.
 */
export function rateLimitKey(c: Context, actor: Actor | undefined): string {
  const token = bearerToken(c.req.header('authorization'));
  if (token && actor) return `token:${createHash('sha256').update(token).digest('hex')}`;
  return `ip:${clientAddress(c)}`;
}

/** The address of the connection's peer (forwarded-for headers are not trusted). */
export function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
