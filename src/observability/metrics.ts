import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../db/client.ts';
import { log } from './log.ts';

/** What became of one webhook delivery attempt (see webhooks/deliver.ts). */
export type WebhookOutcome = 'delivered' | 'retry' | 'given_up' | 'dropped';

/** Live connections by how they are held: HTTP subscription streams (SSE) and graphql-ws sockets. */
export type LiveTransport = 'sse' | 'websocket';

// Node's own process metrics (CPU, memory, event loop lag, GC) exist once per process, however many
// gateways a process runs (tests run several), and are started by the first scrape only.
let processRegistry: Registry | undefined;

function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

// Seconds: from a cached read (a few ms) to a stamp waiting on a busy database (seconds).
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * One gateway's metrics, served by `/metrics` in Prometheus text format. Counters move as things
 * happen; the gauges of the outbox and of live connections are read at scrape time (one grouped query
 * on the outbox table, in-memory counts for connections), so an idle gateway does no work for them.
 * Labels hold bounded values only: route patterns, never paths; kinds, outcomes and topics from fixed lists.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'stampline_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'stampline_http_request_duration_seconds',
    help: 'Time from a request arriving to its answer starting (streams: until they are set up), by method and route pattern.',
    labelNames: ['method', 'route'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly ledgerEntries = new Counter({
    name: 'stampline_ledger_entries_total',
    help: 'Ledger entries written by this process, by kind (STAMP, WELCOME, REDEEM, ...).',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly stamps = new Counter({
    name: 'stampline_stamps_total',
    help: 'Stamps moved by the ledger entries this process wrote (the size of each change), by kind.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly webhookDeliveries = new Counter({
    name: 'stampline_webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome: delivered, retry (failed, tried again later), given_up (failed for good or the subscription was disabled), dropped (subscription or event gone).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly #liveConnections = new Gauge({
    name: 'stampline_live_connections',
    help: 'Open live connections (subscriptions) held by this process, by transport.',
    labelNames: ['transport'] as const,
    registers: [this.registry],
  });
  readonly #outboxPending = new Gauge({
    name: 'stampline_outbox_pending',
    help: 'Outbox messages not done yet (due or waiting for a retry), by topic.',
    labelNames: ['topic'] as const,
    registers: [this.registry],
  });
  readonly #outboxOldest = new Gauge({
    name: 'stampline_outbox_oldest_age_seconds',
    help: 'Age of the oldest outbox message not done yet, by topic.',
    labelNames: ['topic'] as const,
    registers: [this.registry],
  });
  readonly #db: Db;
  readonly #topics: () => string[];
  #liveSource: (() => Record<LiveTransport, number>) | undefined;

  /** `topics`: the registered job topics, shown at 0 while they have nothing pending. */
  constructor(db: Db, topics: () => string[] = () => []) {
    this.#db = db;
    this.#topics = topics;
  }

  /** Where the live connection counts come from (the server's connection registry). */
  countLiveConnectionsWith(source: () => Record<LiveTransport, number>): void {
    this.#liveSource = source;
  }

  /** The exposition: this gateway's metrics and the process's, read now. */
  async scrape(): Promise<string> {
    await this.#readGauges();
    const own = await this.registry.metrics();
    const process = await processMetrics().metrics();
    return `${own}\n${process}`;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  async #readGauges(): Promise<void> {
    this.#liveConnections.reset();
    for (const [transport, count] of Object.entries(this.#liveSource?.() ?? { sse: 0, websocket: 0 })) {
      this.#liveConnections.set({ transport }, count);
    }
    this.#outboxPending.reset();
    this.#outboxOldest.reset();
    let pending;
    try {
      // One statement for depth and age of every topic; the (done_at, next_attempt_at) index serves it.
      pending = await this.#db.outboxMessage.groupBy({
        by: ['topic'],
        where: { doneAt: null },
        _count: { _all: true },
        _min: { createdAt: true },
      });
    } catch (error) {
      // A database outage is when the other metrics matter most: leave these out, answer the rest.
      log.warn({ err: error }, 'metrics: outbox not readable; its gauges are left out of this scrape');
      return;
    }
    const now = Date.now();
    for (const topic of this.#topics()) {
      this.#outboxPending.set({ topic }, 0);
      this.#outboxOldest.set({ topic }, 0);
    }
    for (const row of pending) {
      this.#outboxPending.set({ topic: row.topic }, row._count._all);
      const oldest = row._min.createdAt;
      this.#outboxOldest.set({ topic: row.topic }, oldest ? Math.max(0, (now - oldest.getTime()) / 1000) : 0);
    }
  }
}
