import { existingCardUuids } from '../domain/customer-cards/card-page.queries.ts';
import { workingTokenHashes } from '../domain/stores/token-revocation.ts';
import { randomUUID } from 'node:crypto';
import type { Runtime } from '../runtime.ts';
import { type Credential, credentialKeyOf, tokenCacheOf } from './auth.ts';
import { LiveLeases } from './live-leases.ts';
import { SharedLimits } from './shared-limits.ts';
import { log } from '../observability/log.ts';
import type { LiveTransport } from '../observability/metrics.ts';

/** Ends one live connection, telling its client why (WebSocket close reason, a last SSE error event). */
export type EndConnection = (reason: string) => void;

export const TOKEN_REVOKED = 'The API token was revoked';
export const CARD_GONE = 'The customer card no longer exists';


interface Holder {
  credential: Credential;
  /** Each open connection's end, with the name of its lease. */
  ends: Map<EndConnection, string>;
}

/**
 * The process's open live connections (SSE and other HTTP subscription streams, graphql-ws sockets),
 * by the credential each was opened with. It does two jobs:
 *
 * - a limit per credential: each connection holds memory and a socket for as long as the client
 *   likes, so one leaked or hostile token could otherwise exhaust the gateway for every shop; past
 *   the limit a new one is refused (HTTP 429, WebSocket close 4429). With Redis the limit holds
 *   across gateways, through leases a dead gateway cannot keep (http/live-leases.ts); this
 *   process's own count is checked first, and is all there is without Redis or while it is down;
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
  readonly #leases: LiveLeases | undefined;
  /** Names this process's leases apart from other gateways'. */
  readonly #process = randomUUID();
  #opened = 0;
  #timer: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #sweeping: Promise<void> | undefined;
  #warned = false;
  readonly #byTransport: Record<LiveTransport, number> = { sse: 0, websocket: 0 };

  constructor(runtime: Runtime) {
    this.#runtime = runtime;
    this.limit = runtime.config.liveConnectionsPerToken;
    this.sweepMs = Math.max(500, runtime.config.tokenCacheSeconds * 1000);
    const limits = SharedLimits.of(runtime);
    if (limits.redis) this.#leases = new LiveLeases(limits, limits.redis, runtime.config.liveLeaseSeconds);
  }

  /**
   * Registers a connection opened with `credential`; `end` is called if the credential stops working
   * while it is open. Returns the release to call when the connection closes, or undefined when the
   * credential already holds `limit` connections (here, or with Redis on any gateway).
   */
  async open(credential: Credential, end: EndConnection, transport: LiveTransport = 'sse'): Promise<(() => void) | undefined> {
    const key = credentialKeyOf(credential);
    let holder = this.#holders.get(key);
    if (holder && holder.ends.size >= this.limit) return undefined;
    if (!holder) this.#holders.set(key, (holder = { credential, ends: new Map() }));
    // Its own function, so one callback given twice still holds (and releases) two slots.
    const entry: EndConnection = (reason) => end(reason);
    const lease = `${this.#process}:${++this.#opened}`;
    // Held here before Redis is asked, so that connections opened together in this process count.
    holder.ends.set(entry, lease);
    this.#start();
    this.#byTransport[transport]++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.#leases?.release(key, lease);
      this.#byTransport[transport]--;
      const current = this.#holders.get(key);
      if (!current?.ends.delete(entry)) return;
      if (current.ends.size === 0) this.#holders.delete(key);
      if (this.#holders.size === 0) this.#stop();
    };
    if (this.#leases && !(await this.#leases.acquire(key, lease, this.limit))) {
      release();
      return undefined;
    }
    return release;
  }

  /** Open connections by transport (for the metrics). */
  byTransport(): Record<LiveTransport, number> {
    return { ...this.#byTransport };
  }

  /** Open connections of `credential` (for tests and operators). */
  count(credential: Credential): number {
    return this.#holders.get(credentialKeyOf(credential))?.ends.size ?? 0;
  }

  #start(): void {
    this.#timer ??= setInterval(() => void this.sweep(), this.sweepMs).unref();
    const leases = this.#leases;
    // Three refreshes per lease period: a late or failed one does not lose the slot.
    if (leases) this.#heartbeat ??= setInterval(() => void leases.refresh(this.#openLeases()), leases.leaseMs / 3).unref();
  }

  *#openLeases(): Iterable<[string, string]> {
    for (const [key, holder] of this.#holders) for (const lease of holder.ends.values()) yield [key, lease];
  }

  /** A revocation notice: forget the token at once and end its connections. */
  revoked(tokenHash: string): void {
    tokenCacheOf(this.#runtime).forget(tokenHash);
    this.#end(credentialKeyOf({ kind: 'token', tokenHash }), TOKEN_REVOKED);
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
      for (const uuid of cards) if (!existing.has(uuid)) this.#end(credentialKeyOf({ kind: 'card', uuid }), CARD_GONE);
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
    for (const end of holder.ends.keys()) {
      try {
        end(reason);
      } catch (error) {
        log.error({ err: error }, 'ending a live connection failed');
      }
    }
  }

  #stop(): void {
    clearInterval(this.#timer);
    clearInterval(this.#heartbeat);
    this.#timer = undefined;
    this.#heartbeat = undefined;
  }

  static of(runtime: Runtime): LiveConnections {
    let connections = registries.get(runtime);
    if (!connections) registries.set(runtime, (connections = new LiveConnections(runtime)));
    return connections;
  }
}

const registries = new WeakMap<Runtime, LiveConnections>();

export const TOO_MANY_CONNECTIONS = 'TOO_MANY_CONNECTIONS';
