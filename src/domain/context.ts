import { type Principal, SYSTEM } from '../auth/principal.ts';
import type { Db, Provider } from '../db/client.ts';
import type { EventBus } from './events.ts';
import type { EventsLogged } from './ledger/event-log.ts';
import type { Reactions } from './ledger/reactions.ts';
import type { WebhookSettings } from './webhooks/settings.ts';

/** Which API a write came through; recorded on every ledger entry. */
export const WriteSource = { REST: 'REST', GRAPHQL: 'GRAPHQL', SYSTEM: 'SYSTEM' } as const;
export type WriteSource = (typeof WriteSource)[keyof typeof WriteSource];

/**
 * Who is acting: a principal (src/auth/principal.ts) within one store, through one API. Every service
 * is scoped by the store and asks the policy (src/auth/policy.ts) whether the principal may act.
 */
export interface Actor {
  storeId: number;
  source: WriteSource;
  principal: Principal;
}

/** The gateway itself acting in a store (demo seed, jobs, tests): may do everything. */
export function systemActor(storeId: number, source: WriteSource = WriteSource.SYSTEM): Actor {
  return { storeId, source, principal: SYSTEM };
}

/** What the services need from the running gateway; built once at start. */
export interface Deps {
  db: Db;
  /** Which database `db` is: the ledger's hand-written statements differ in placeholders and casts. */
  provider: Provider;
  /** Stamp changes, after commit (live streams). */
  events: EventBus;
  /** Every append to the event log, after commit (the job worker wakes on it). */
  logged: EventBus<EventsLogged>;
  /** What follows from an event, written to the outbox in the event's transaction. */
  reactions: Reactions;
  /** Base of the links in event data (`PUBLIC_URL`). */
  publicUrl: string;
  /** Where webhooks may be delivered (`WEBHOOK_ALLOW_PRIVATE_URLS`). */
  webhooks: WebhookSettings;
}
