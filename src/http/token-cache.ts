/**
 * Recently authenticated tokens, so a client sending many requests costs one token lookup every few
 * seconds instead of one per request. Only valid tokens are kept (a new token works at once, and
 * random tokens cannot fill the cache); a revoked token stops working once its entry expires, at
 * most `ttlMs` after the revocation (docs/performance.md).
 */
export class TokenCache {
  readonly #entries = new Map<string, { storeId: number; expires: number }>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;

  constructor(ttlMs: number, maxEntries = 10_000) {
    this.#ttlMs = ttlMs;
    this.#maxEntries = maxEntries;
  }

  get(token: string, now = Date.now()): number | undefined {
    const entry = this.#entries.get(token);
    if (!entry) return undefined;
    if (entry.expires > now) return entry.storeId;
    this.#entries.delete(token);
    return undefined;
  }

  set(token: string, storeId: number, now = Date.now()): void {
    if (this.#ttlMs <= 0) return;
    this.#entries.delete(token);
    // Oldest first: a Map iterates in insertion order.
    if (this.#entries.size >= this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(token, { storeId, expires: now + this.#ttlMs });
  }
}
