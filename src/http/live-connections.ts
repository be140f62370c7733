import { existingCardUuids } from '../domain/customer-cards/card-page.queries.ts';
import { workingTokenHashes } from '../domain/stores/token-revocation.ts';
import type { Runtime } from '../runtime.ts';
import { type Credential, tokenCacheOf } from './auth.ts';
import { log } from '../observability/log.ts';
import type { LiveTransport } from '../observability/metrics.ts';

/** Ends one live connection, telling its client why (WebSocket close reason, a last SSE error event). */
export type EndConnection = (reason: string) => void;

export const TOKEN_REVOKED = 'The API token was revoked';
export const CARD_GONE = 'The customer card no longer exists';

/** Whom a live connection counts against; its API token's hash, or the card a customer page watches. */
function keyOf(credential: Credential): string {
  return credential.kind === 'token' ? `token ${credential.tokenHash}` : `card ${credential.uuid}`;
}

interface Holder {
  credential: Credential;
  ends: Set<EndConnection>;
}

/**
 * The process's open live connections (SSE and other HTTP subscription streams, graphql-ws sockets),
 * by the credential each was opened with. It does two jobs:
 *
 * - a limit per credential: each connection holds memory and a socket for as long as the client
 *   likes, so one leaked or hostile token could otherwise exhaust the gateway for every shop; past
 *   the limit a new one is refused (HTTP 429, WebSocket close 4429). Counted per process, like the
 *   rate limit;
 * - revocation that reaches open connections: a credential is checked only when a connection opens,
 *   so one sweep (one timer for the whole process, running only while connections are open) looks up
 *   every distinct token and card behind them in one query each, every `TOKEN_CACHE_SECONDS` (half a
 *   second at least), and ends the connections of those that no longer work. A revocation notice
 *   (`revoked`) ends them at once.
 */
export class LiveConnections {
  readonly limit: number;
  readonly sweepMs: number;
  readonly #runtime: Runtime;
  readonly #holders = new Map<string, Holder>();
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<void> | undefined;
  #warned = false;
  readonly #byTransport: Record<LiveTransport, number> = { sse: 0, websocket: 0 };

  constructor(runtime: Runtime) {
    this.#runtime = runtime;
    this.limit = runtime.config.liveConnectionsPerToken;
    this.sweepMs = Math.max(500, runtime.config.tokenCacheSeconds * 1000);
  }

  /**
   * Registers a connection opened with `credential`; `end` is called if the credential stops working
   * while it is open. Returns the release to call when the connection closes, or undefined when the
   * credential already holds `limit` connections.
   */
  open(credential: Credential, end: EndConnection, transport: LiveTransport = 'sse'): (() => void) | undefined {
    const key = keyOf(credential);
    let holder = this.#holders.get(key);
    if (holder && holder.ends.size >= this.limit) return undefined;
    if (!holder) this.#holders.set(key, (holder = { credential, ends: new Set() }));
    // Its own function, so one callback given twice still holds (and releases) two slots.
    const entry: EndConnection = (reason) => end(reason);
    holder.ends.add(entry);
    this.#byTransport[transport]++;
    this.#timer ??= setInterval(() => void this.sweep(), this.sweepMs).unref();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#byTransport[transport]--;
      const current = this.#holders.get(key);
      if (!current?.ends.delete(entry)) return;
      if (current.ends.size === 0) this.#holders.delete(key);
      if (this.#holders.size === 0) this.#stop();
    };
  }

  /** Open connections by transport (for the metrics). */
  byTransport(): Record<LiveTransport, number> {
    return { ...this.#byTransport };
  }

  /** Open connections of `credential` (for tests and operators). */
  count(credential: Credential): number {
    return this.#holders.get(keyOf(credential))?.ends.size ?? 0;
  }

  /** A revocation notice: forget the token at once and end its connections. */
  revoked(tokenHash: string): void {
    tokenCacheOf(this.#runtime).forget(tokenHash);
    this.#end(keyOf({ kind: 'token', tokenHash }), TOKEN_REVOKED);
  }

  /** Checks every credential behind an open connection once; overlapping calls share one pass. */
  sweep(): Promise<void> {
    this.#sweeping ??= this.#sweepOnce().finally(() => (this.#sweeping = undefined));
    return this.#sweeping;
  }

  async #sweepOnce(): Promise<void> {
    const tokens: string[] = [];
    const cards: string[] = [];
    for (const { credential } of this.#holders.values()) {
      if (credential.kind === 'token') tokens.push(credential.tokenHash);
      else cards.push(credential.uuid);
    }
    const { db } = this.#runtime.deps;
    try {
      const [working, existing] = await Promise.all([
        tokens.length ? workingTokenHashes(db, tokens) : new Set<string>(),
        cards.length ? existingCardUuids(db, cards) : new Set<string>(),
      ]);
      this.#warned = false;
      for (const tokenHash of tokens) if (!working.has(tokenHash)) this.revoked(tokenHash);
      for (const uuid of cards) if (!existing.has(uuid)) this.#end(keyOf({ kind: 'card', uuid }), CARD_GONE);
    } catch (error) {
      // A database outage must not cut every stream; the next sweep tries again.
      if (!this.#warned) log.error({ err: error }, 'live connection sweep failed; retrying');
      this.#warned = true;
    }
  }

  #end(key: string, reason: string): void {
    const holder = this.#holders.get(key);
    if (!holder) return;
    this.#holders.delete(key);
    if (this.#holders.size === 0) this.#stop();
    for (const end of holder.ends) {
      try {
        end(reason);
      } catch (error) {
        log.error({ err: error }, 'ending a live connection failed');
      }
    }
  }

  #stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  static of(runtime: Runtime): LiveConnections {
    let connections = registries.get(runtime);
    if (!connections) registries.set(runtime, (connections = new LiveConnections(runtime)));
    return connections;
  }
}

const registries = new WeakMap<Runtime, LiveConnections>();

export const TOO_MANY_CONNECTIONS = 'TOO_MANY_CONNECTIONS';
