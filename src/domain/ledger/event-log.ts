import { randomUUID } from 'node:crypto';
import type { Provider, Tx } from '../../db/client.ts';
import type { EventBus } from '../events.ts';
import type { EventType } from './event-types.ts';
import { insertEvents, insertOutbox } from './ledger-statements.ts';
import type { EventFacts, Reactions } from './reactions.ts';

/** An event about to be written: its type, the ids it is about and its data snapshot. */
export interface NewEvent {
  type: EventType;
  customerId?: number;
  customerCardId?: number;
  cardId?: number;
  rewardId?: number;
  ledgerEntryId?: number;
  /** The objects involved in their REST shapes, as they are at this moment. */
  data: Record<string, unknown>;
  /** When it happened; the ledger entry's time for balance changes, else now. */
  occurredAt?: Date;
  /** Passed to the reactions, not stored. */
  facts?: Partial<EventFacts>;
}

/** An event as the log keeps it. */
export interface LoggedEvent {
  /** Opaque and unique; webhooks send it as `webhook-id`. */
  id: string;
  storeId: number;
  /** 1, 2, 3... per store in commit order: never repeated, never reused, no gaps among committed events. */
  sequence: number;
  type: EventType;
  occurredAt: Date;
  customerId: number | null;
  customerCardId: number | null;
  cardId: number | null;
  rewardId: number | null;
  ledgerEntryId: number | null;
  data: Record<string, unknown>;
}

/** What an append wrote: announced with `announceLogged` once the transaction has committed. */
export interface AppendedEvents {
  storeId: number;
  events: LoggedEvent[];
  /** True when a reaction queued outbox work, so the job worker should look now. */
  jobsQueued: boolean;
}

/** The bus message `announceLogged` sends after commit. */
export type EventsLogged = AppendedEvents;

export interface EventLogDeps {
  provider: Provider;
  reactions: Reactions;
}

/**
 * Takes the next `count` sequence numbers of a store, returning the last. The counter row is created
 * by the first event of a store and bumped in place afterwards: the update holds the row's lock until
 * the transaction ends, so a store's writers take their numbers one after the other in commit order
 * (on SQLite, writers are serialised anyway), and a rollback gives the numbers back.
 */
async function takeSequences(tx: Tx, storeId: number, count: number): Promise<number> {
  const rows = await tx.$queryRaw<Array<{ last_sequence: number | bigint }>>`
    INSERT INTO "event_sequences" ("store_id", "last_sequence") VALUES (${storeId}, ${count})
    ON CONFLICT ("store_id") DO UPDATE SET "last_sequence" = "event_sequences"."last_sequence" + ${count}
    RETURNING "last_sequence"`;
  const last = rows[0]?.last_sequence;
  if (last === undefined) throw new Error('the event sequence returned no row');
  return Number(last);
}

/**
 * Appends events to a store's log inside the caller's transaction, with the outbox rows every
 * registered reaction asks for. Call it after the transaction's other writes (it takes the store's
 * sequence lock, which is then held until commit); the events get consecutive numbers in the order given.
 */
export async function appendEvents(tx: Tx, deps: EventLogDeps, storeId: number, events: NewEvent[]): Promise<AppendedEvents> {
  if (events.length === 0) return { storeId, events: [], jobsQueued: false };
  const last = await takeSequences(tx, storeId, events.length);
  const now = new Date();
  const logged: LoggedEvent[] = events.map((event, index) => ({
    id: `evt_${randomUUID().replaceAll('-', '')}`,
    storeId,
    sequence: last - events.length + 1 + index,
    type: event.type,
    occurredAt: event.occurredAt ?? now,
    customerId: event.customerId ?? null,
    customerCardId: event.customerCardId ?? null,
    cardId: event.cardId ?? null,
    rewardId: event.rewardId ?? null,
    ledgerEntryId: event.ledgerEntryId ?? null,
    data: event.data,
  }));
  await insertEvents(tx, deps.provider, logged);
  const jobs = await deps.reactions.jobsFor(
    tx,
    logged.map((event, index) => ({ event, facts: { notify: true, ...events[index]!.facts } })),
  );
  if (jobs.length > 0) await insertOutbox(tx, deps.provider, jobs, new Date());
  return { storeId, events: logged, jobsQueued: jobs.length > 0 };
}

/** Tells the rest of the process (the job worker, later live streams) what was committed. */
export function announceLogged(bus: EventBus<EventsLogged>, appended: AppendedEvents): void {
  if (appended.events.length > 0) bus.publish(appended);
}
