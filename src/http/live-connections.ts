import { createHash } from 'node:crypto';
import type { Runtime } from '../runtime.ts';
import { bearerToken } from './auth.ts';

/**
 * Open live connections (SSE subscriptions and graphql-ws sockets) per API token. Each holds memory
 * and a socket for as long as the client likes, so one leaked or hostile token could otherwise exhaust
 * the gateway for every shop; past the limit a new one is refused (SSE 429, WebSocket close 4429).
 * Counted per process, like the REST rate limit.
 */
export class LiveConnections {
  readonly limit: number;
  readonly #open = new Map<string, number>();

  constructor(limit: number) {
    this.limit = limit;
  }

  /** Takes a slot for `key`; false when its connections are at the limit. */
  acquire(key: string): boolean {
    const open = this.#open.get(key) ?? 0;
    if (open >= this.limit) return false;
    this.#open.set(key, open + 1);
    return true;
  }

  release(key: string): void {
    const open = (this.#open.get(key) ?? 1) - 1;
    if (open <= 0) this.#open.delete(key);
    else this.#open.set(key, open);
  }

  static of(runtime: Runtime): LiveConnections {
    let counter = counters.get(runtime);
    if (!counter) {
      counter = new LiveConnections(runtime.config.liveConnectionsPerToken);
      counters.set(runtime, counter);
    }
    return counter;
  }
}

const counters = new WeakMap<Runtime, LiveConnections>();

/**
 * Whom a live connection counts against: a hash of its API token, or of the one card a customer page
 * watches (each card page has its own allowance), so no credential sits in memory twice.
 */
export function liveConnectionKey(authorization: string | null | undefined): string {
  const token = bearerToken(authorization);
  const subject = token !== undefined ? `token ${token}` : `other ${(authorization ?? '').trim().replace(/\s+/g, ' ').toLowerCase()}`;
  return createHash('sha256').update(subject).digest('hex');
}

export const TOO_MANY_CONNECTIONS = 'TOO_MANY_CONNECTIONS';
