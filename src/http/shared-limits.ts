import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Runtime } from '../runtime.ts';
import { log } from '../observability/log.ts';

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

// A limit lookup waits no longer than this for Redis before the process counts on its own.
const REDIS_COMMAND_TIMEOUT_MS = 1000;

/**
 * Where a gateway keeps its rate and live-connection counts: in Redis when `REDIS_URL` is set, so
 * every gateway behind a balancer spends one budget per key; in this process's memory otherwise.
 *
 * Redis down (or too slow to answer) fails open to this process's own in-memory counts: the limits
 * then hold per process, as without Redis, instead of refusing every request or blocking the
 * stamps the gateway exists for. The first failure is logged, once, and its recovery again.
 */
export class SharedLimits {
  /** The limits' own connection (no offline queue: a lookup during an outage fails at once). */
  readonly redis: Redis | undefined;
  readonly prefix: string;
  readonly #limiters = new Map<string, RateLimiter>();
  #degraded = false;
  #closing = false;

  constructor(runtime: Runtime) {
    const { redisUrl, redisPrefix } = runtime.config;
    this.prefix = redisPrefix;
    if (!redisUrl) return;
    // Loaded only when configured (about 20 MiB of a gateway's memory otherwise), and synchronously,
    // so that the limits exist from the first request on.
    const { Redis } = createRequire(import.meta.url)('ioredis') as typeof import('ioredis');
    this.redis = new Redis(redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    });
    this.redis.on('error', (error: Error) => this.degraded(error));
    this.redis.on('ready', () => {
      if (this.#degraded) log.warn('redis is back: rate and live-connection limits are shared again');
      this.#degraded = false;
    });
    runtime.onClose(() => {
      this.#closing = true;
      this.redis?.disconnect();
    });
  }

  /** 'redis' when the limits are shared between gateways, 'memory' when they are this process's. */
  get transport(): 'redis' | 'memory' {
    return this.redis ? 'redis' : 'memory';
  }

  /** Resolves once Redis answers (or at once without it), or after `timeoutMs` whatever happened. */
  async connected(timeoutMs = 2000): Promise<void> {
    const redis = this.redis;
    if (!redis || redis.status === 'ready') return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => redis.once('ready', resolve)),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
  }

  /** Records that Redis failed; the first failure of an outage is logged. */
  degraded(error: unknown): void {
    if (!this.#degraded && !this.#closing) {
      const message = error instanceof Error ? error.message : String(error);
      log.error(`redis unavailable for limits (${message}); rate and live-connection limits are counted per process until it returns`);
    }
    this.#degraded = true;
  }

  /** The limiter called `name` (one budget per key, per window, on every gateway). */
  limiter(name: string, policy: RateLimitPolicy): RateLimiter {
    let limiter = this.#limiters.get(name);
    if (!limiter) {
      limiter = new RateLimiter(this, name, policy);
      this.#limiters.set(name, limiter);
    }
    return limiter;
  }

  static of(runtime: Runtime): SharedLimits {
    let limits = registries.get(runtime);
    if (!limits) registries.set(runtime, (limits = new SharedLimits(runtime)));
    return limits;
  }
}

const registries = new WeakMap<Runtime, SharedLimits>();

/**
 * Fixed-window request counters (rate-limiter-flexible): in Redis, atomically per key, when the
 * gateway has Redis, with this process's memory as the fallback during an outage; in memory alone
 * otherwise. Every hit counts, refused or not, so hammering past the limit does not shorten the wait.
 */
export class RateLimiter {
  readonly policy: RateLimitPolicy;
  readonly #limits: SharedLimits;
  readonly #memory: RateLimiterMemory;
  readonly #shared: RateLimiterRedis | undefined;

  constructor(limits: SharedLimits, name: string, policy: RateLimitPolicy) {
    this.policy = policy;
    this.#limits = limits;
    const options = { points: policy.limit, duration: policy.windowSeconds, keyPrefix: `${limits.prefix}limit:${name}` };
    this.#memory = new RateLimiterMemory(options);
    if (limits.redis) this.#shared = new RateLimiterRedis({ ...options, storeClient: limits.redis, rejectIfRedisNotReady: true });
  }

  /** Spends `cost` of `key`'s budget (one request by default). */
  async hit(key: string, cost = 1): Promise<RateLimitDecision> {
    if (this.#shared) {
      try {
        return this.#decision(await this.#shared.consume(key, cost), true);
      } catch (error) {
        if (error instanceof RateLimiterRes) return this.#decision(error, false);
        this.#limits.degraded(error);
      }
    }
    try {
      return this.#decision(await this.#memory.consume(key, cost), true);
    } catch (error) {
      if (error instanceof RateLimiterRes) return this.#decision(error, false);
      throw error;
    }
  }

  #decision(result: RateLimiterRes, allowed: boolean): RateLimitDecision {
    return {
      allowed,
      remaining: Math.max(0, result.remainingPoints),
      resetSeconds: Math.max(1, Math.ceil(result.msBeforeNext / 1000)),
    };
  }
}
