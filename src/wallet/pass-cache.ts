import { createHash } from 'node:crypto';

/**
 * Built `.pkpass` files, one per customer card, kept until what the pass shows changes. Signing a pass
 * (PKCS #7 plus a zip of generated images) costs far more than a download of it, and a pass is fetched
 * again and again while nothing on it changes. The key is the card and a hash of the pass's whole
 * content (stamps, template, rewards, store, locations, links), so any change builds a fresh pass.
 * Concurrent downloads of the same version share one build. Bounded: least recently used passes go first.
 */
export class PassCache {
  readonly #entries = new Map<number, { version: string; pkpass: Promise<Buffer> }>();
  readonly #maxEntries: number;
  /** Passes signed (not served from the cache) since start. */
  built = 0;

  constructor(maxEntries = 500) {
    this.#maxEntries = maxEntries;
  }

  /** The version key of a pass's content. */
  static versionOf(content: unknown): string {
    return createHash('sha256').update(JSON.stringify(content)).digest('base64url');
  }

  get(cardId: number, version: string, build: () => Promise<Buffer>): Promise<Buffer> {
    const cached = this.#entries.get(cardId);
    if (cached && cached.version === version) {
      // Re-inserting moves the entry to the end of the Map's order: the most recently used.
      this.#entries.delete(cardId);
      this.#entries.set(cardId, cached);
      return cached.pkpass;
    }
    this.built++;
    const pkpass = build();
    const entry = { version, pkpass };
    this.#entries.delete(cardId);
    this.#entries.set(cardId, entry);
    // A failed build is not kept: the next download tries again.
    pkpass.catch(() => {
      if (this.#entries.get(cardId) === entry) this.#entries.delete(cardId);
    });
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    return pkpass;
  }
}
