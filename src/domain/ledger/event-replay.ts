import type { Db } from '../../db/client.ts';
import type { Prisma } from '../../generated/sqlite/client.ts';
import type { StampsChangedEvent } from '../events.ts';
import { EventType } from './event-types.ts';

/**
 * Reading a store's balance changes back from the event log: what a live stream replays when it
 * resumes after a cursor, and what `Store.events` lists. Both see the same events the live stream
 * delivers (stamps, welcome stamps, redemptions, corrections), numbered by the store's event sequence.
 */

export type StampKind = StampsChangedEvent['kind'];

/** The log's types a live stream carries: one per balance change. */
export const STREAM_EVENT_TYPES: readonly EventType[] = [EventType.STAMP_EARNED, EventType.REWARD_REDEEMED, EventType.STAMP_REMOVED];

export interface StampEventFilter {
  customerCardId?: number;
  cardId?: number;
  /** Only these kinds (all when absent or empty). */
  kinds?: readonly StampKind[];
}

type StoreEventRow = Prisma.StoreEventGetPayload<object>;

/** The kind of an event whose data does not say it (every balance event's data does today). */
const KIND_OF_TYPE: Partial<Record<string, StampKind>> = {
  [EventType.REWARD_REDEEMED]: 'REDEEM',
  [EventType.STAMP_REMOVED]: 'CORRECTION',
};

interface LedgerEntryData {
  kind?: string;
  delta?: number;
  balance_after?: number;
  created_at?: string;
}

/** A logged balance event as the live stream carries it. */
export function stampEventOf(row: StoreEventRow): StampsChangedEvent {
  const data = (row.data ?? {}) as { ledger_entry?: LedgerEntryData };
  const entry = data.ledger_entry ?? {};
  return {
    type: 'stamps.changed',
    eventId: row.id,
    storeId: row.storeId,
    sequence: row.sequence,
    cardId: row.cardId ?? 0,
    customerId: row.customerId ?? 0,
    customerCardId: row.customerCardId ?? 0,
    ledgerEntryId: row.ledgerEntryId ?? 0,
    kind: (entry.kind?.toUpperCase() ?? KIND_OF_TYPE[row.type] ?? 'STAMP') as StampKind,
    delta: entry.delta ?? 0,
    balanceAfter: entry.balance_after ?? 0,
    occurredAt: row.occurredAt.toISOString(),
  };
}

/** The log types that can hold `kinds`, and whether the kind must still be checked row by row. */
function typesOf(kinds: readonly StampKind[] | undefined): { types: EventType[]; exact: boolean } {
  if (!kinds || kinds.length === 0) return { types: [...STREAM_EVENT_TYPES], exact: true };
  const types: EventType[] = [];
  const earned = kinds.includes('STAMP') || kinds.includes('WELCOME');
  if (earned) types.push(EventType.STAMP_EARNED);
  if (kinds.includes('REDEEM')) types.push(EventType.REWARD_REDEEMED);
  if (kinds.includes('CORRECTION')) types.push(EventType.STAMP_REMOVED);
  // `stamp.earned` holds both stamps and welcome stamps; asking for one of them only filters in memory.
  return { types, exact: !earned || (kinds.includes('STAMP') && kinds.includes('WELCOME')) };
}

export interface StampEventPage {
  /** Events strictly after this sequence. */
  afterSequence?: number;
  /** Events strictly before this sequence. */
  beforeSequence?: number;
  /** How many at most. */
  limit: number;
  /** Take them from the newest end (still returned oldest first). */
  fromNewest?: boolean;
}

/**
 * One page of a store's balance events matching `filter`, oldest first. One query when the filter
 * can be said in SQL; more only for `kinds` naming stamps or welcome stamps alone.
 */
export async function readStampEvents(db: Db, storeId: number, filter: StampEventFilter, page: StampEventPage): Promise<StampsChangedEvent[]> {
  const { types, exact } = typesOf(filter.kinds);
  if (types.length === 0 || page.limit <= 0) return [];
  const found: StampsChangedEvent[] = [];
  let after = page.afterSequence;
  let before = page.beforeSequence;
  const batch = exact ? page.limit : Math.max(100, page.limit * 2);
  for (;;) {
    const rows = await db.storeEvent.findMany({
      where: {
        storeId,
        type: { in: types },
        ...(filter.customerCardId !== undefined ? { customerCardId: filter.customerCardId } : {}),
        ...(filter.cardId !== undefined ? { cardId: filter.cardId } : {}),
        ...(after !== undefined || before !== undefined
          ? { sequence: { ...(after !== undefined ? { gt: after } : {}), ...(before !== undefined ? { lt: before } : {}) } }
          : {}),
      },
      orderBy: { sequence: page.fromNewest ? 'desc' : 'asc' },
      take: batch,
    });
    for (const row of rows) {
      const event = stampEventOf(row);
      if (exact || filter.kinds!.includes(event.kind)) found.push(event);
      if (found.length === page.limit) break;
    }
    if (found.length === page.limit || rows.length < batch) break;
    const last = rows[rows.length - 1]!.sequence;
    if (page.fromNewest) before = last;
    else after = last;
  }
  if (page.fromNewest) found.reverse();
  return found;
}

/** How many of the store's balance events match `filter` (for a list's `totalCount`). */
export async function countStampEvents(db: Db, storeId: number, filter: StampEventFilter): Promise<number> {
  const { types, exact } = typesOf(filter.kinds);
  if (types.length === 0) return 0;
  if (exact) {
    return db.storeEvent.count({
      where: {
        storeId,
        type: { in: types },
        ...(filter.customerCardId !== undefined ? { customerCardId: filter.customerCardId } : {}),
        ...(filter.cardId !== undefined ? { cardId: filter.cardId } : {}),
      },
    });
  }
  // Stamps or welcome stamps alone: their kind is only in the rows' data, so count page by page.
  let count = 0;
  for (let after = 0; ; ) {
    const page = await readStampEvents(db, storeId, { ...filter, kinds: undefined }, { afterSequence: after, limit: 1000 });
    count += page.filter((event) => filter.kinds!.includes(event.kind)).length;
    if (page.length < 1000) return count;
    after = page.at(-1)!.sequence;
  }
}

/**
 * Whether events after `afterSequence` have been pruned from the store's log (see event-retention.ts),
 * so that a replay from there would silently miss some. Pruning removes a prefix of the store's
 * sequence and committed numbers have no gaps, so the log is complete after a cursor exactly when the
 * oldest retained event is at most the next number; with nothing retained, when nothing was written
 * after it. Ask after reading each page: the oldest retained number only grows, so "complete" then
 * also held when that page was read.
 */
export async function eventsPrunedAfter(db: Db, storeId: number, afterSequence: number): Promise<boolean> {
  const oldest = await db.storeEvent.findFirst({ where: { storeId }, orderBy: { sequence: 'asc' }, select: { sequence: true } });
  if (oldest) return oldest.sequence > afterSequence + 1;
  const counter = await db.eventSequence.findUnique({ where: { storeId } });
  return counter !== null && counter.lastSequence > afterSequence;
}

/**
 * The store's last committed sequence number (0 before its first event): a live stream that starts
 * now begins after it.
 */
export async function lastSequenceOf(db: Db, storeId: number): Promise<number> {
  // The counter is bumped inside the writing transaction, so what another connection reads is committed.
  return (await db.eventSequence.findUnique({ where: { storeId } }))?.lastSequence ?? 0;
}

/** A numbered entry of the log as a live stream sees it: a balance event, or `null` for any other type. */
export interface LoggedSequence {
  sequence: number;
  event: StampsChangedEvent | null;
}

/**
 * Every event of the store's log numbered after `afterSequence` and at most `upTo` (all types, at most
 * `limit`), oldest first, in one query: what fills a hole in a live stream's order.
 */
export async function readLoggedSequences(db: Db, storeId: number, afterSequence: number, upTo: number, limit: number): Promise<LoggedSequence[]> {
  const rows = await db.storeEvent.findMany({
    where: { storeId, sequence: { gt: afterSequence, lte: upTo } },
    orderBy: { sequence: 'asc' },
    take: limit,
  });
  return rows.map((row) => ({
    sequence: row.sequence,
    event: (STREAM_EVENT_TYPES as readonly string[]).includes(row.type) ? stampEventOf(row) : null,
  }));
}

/** A resume from a position the log no longer holds: the client must reload instead. */
export class EventsPrunedError extends Error {
  constructor(message = 'Events after this cursor are no longer kept; reload the current state and subscribe without `after`') {
    super(message);
    this.name = 'EventsPrunedError';
  }
}
