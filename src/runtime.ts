import type { Config } from './config.ts';
import { type Database, openDatabase, type OpenOptions } from './db/client.ts';
import { applyMigrations } from './db/migrations.ts';
import type { Deps } from './domain/context.ts';
import { EventBus } from './domain/events.ts';
import type { EventsLogged } from './domain/ledger/event-log.ts';
import { Reactions } from './domain/ledger/reactions.ts';
import { passUpdateReaction } from './domain/wallet/pass-updates.ts';
import { JobTopics } from './jobs/topics.ts';
import { registerWebhooks } from './webhooks/jobs.ts';
import { log } from './observability/log.ts';
import { Metrics } from './observability/metrics.ts';

/** Everything a running gateway holds: its settings, its database and the services' dependencies. */
export interface Runtime {
  config: Config;
  database: Database;
  deps: Deps;
  /** The background job topics features register; `server.ts` starts the worker that handles them. */
  topics: JobTopics;
  /** This gateway's Prometheus metrics (`/metrics`). */
  metrics: Metrics;
  /** Cleanups run in reverse order on shutdown (subscribers, workers, then the database). */
  onClose(cleanup: () => Promise<void> | void): void;
  close(): Promise<void>;
}

/** Applies pending migrations, opens the database and wires the domain's dependencies. */
export async function startRuntime(config: Config, options: OpenOptions & { migrate?: boolean } = {}): Promise<Runtime> {
  if (options.migrate !== false) await applyMigrations(config.databaseUrl);
  const database = await openDatabase(config.databaseUrl, { timeoutMs: config.databaseTimeoutMs, ...options });
  const events = new EventBus();
  const reactions = new Reactions();
  // Wallet passes follow every balance change, whether or not this process serves wallet routes.
  reactions.register(passUpdateReaction);
  const deps: Deps = { db: database.db, provider: database.provider, events, logged: new EventBus<EventsLogged>(), reactions, publicUrl: config.publicUrl, webhooks: config.webhooks };
  const topics = new JobTopics();
  const metrics = new Metrics(database.db, () => topics.names());
  deps.events.subscribe((event) => {
    if (event.type !== 'stamps.changed') return;
    metrics.ledgerEntries.inc({ kind: event.kind });
    metrics.stamps.inc({ kind: event.kind }, Math.abs(event.delta));
  });
  // Every event queues its webhook deliveries; the server's job worker sends them.
  registerWebhooks(deps, topics, (outcome) => metrics.webhookDeliveries.inc({ outcome }));
  const cleanups: Array<() => Promise<void> | void> = [];
  let closed: Promise<void> | undefined;
  return {
    config,
    database,
    deps,
    topics,
    metrics,
    onClose: (cleanup) => cleanups.push(cleanup),
    close: () =>
      (closed ??= (async () => {
        for (const cleanup of cleanups.reverse()) {
          try {
            await cleanup();
          } catch (error) {
            log.error({ err: error }, 'shutdown step failed');
          }
        }
        await database.close();
      })()),
  };
}
