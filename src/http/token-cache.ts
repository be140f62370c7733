import type { Scope } from '../auth/scopes.ts';

/** What a cached token stands for: its store, its SHA-256 (how revocation notices name it), who it is. */
export interface CachedToken {
  storeId: number;
  tokenHash: string;
  tokenId: number;
  scope: Scope;
  /** The name ledger entries and the audit log record for it. */
  name: string;
}

/**
 * Recently authenticated tokens, so a client sending many requests costs one token lookup every few
 * seconds instead of one per request. Only valid tokens are kept (a new token works at once, and
 * random tokens cannot fill the cache); a revoked token stops working once its entry expires, at
 * most `ttlMs` after the revocation (docs/performance.md), or at once when the revocation notice
 * reaches this process (`forget`).
 */
export class TokenCache {
  readonly #entries = new Map<string, CachedToken & { expires: number }>();
  /** When each token's `last_used_at` was last written by this process (by token id). */
  readonly #touched = new Map<number, number>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;

  constructor(ttlMs: number, maxEntries = 10_000) {
    this.#ttlMs = ttlMs;
    this.#maxEntries = maxEntries;
  }

  get(token: string, now = Date.now()): CachedToken | undefined {
    const entry = this.#entries.get(token);
    if (!entry) return undefined;
    if (entry.expires > now) return entry;
    this.#entries.delete(token);
    return undefined;
  }

  set(token: string, value: CachedToken, now = Date.now()): void {
    if (this.#ttlMs <= 0) return;
    this.#entries.delete(token);
    // Oldest first: a Map iterates in insertion order.
    if (this.#entries.size >= this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(token, { ...value, expires: now + this.#ttlMs });
  }

  /** Drops the token with this hash (revoked). A scan, but revocations are rare and the cache bounded. */
  forget(tokenHash: string): void {
    for (const [token, entry] of this.#entries) if (entry.tokenHash === tokenHash) this.#entries.delete(token);
  }

  /**
   * True when this token's last use should be written now: at most once per `intervalMs` per token
   * and process, so a busy till costs one UPDATE a minute, not one per request.
   */
  shouldTouch(tokenId: number, intervalMs: number, now = Date.now()): boolean {
    const last = this.#touched.get(tokenId);
    if (last !== undefined && now - last < intervalMs) return false;
    this.#touched.delete(tokenId);
    if (this.#touched.size >= this.#maxEntries) this.#touched.delete(this.#touched.keys().next().value!);
    this.#touched.set(tokenId, now);
    return true;
  }
}
