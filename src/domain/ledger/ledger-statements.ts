import type { Provider, Tx } from '../../db/client.ts';
import type { Prisma } from '../../generated/sqlite/client.ts';
import type { LoggedEvent } from './event-log.ts';
import type { OutboxJob } from './reactions.ts';

/**
 * The writes of a balance change as hand-written statements. A Prisma model call costs 100–200 µs of
 * CPU before its SQL runs, and `createMany` is compiled anew on every call (Prisma's plan cache does
 * not keep it); these statements go to the driver through `$queryRawUnsafe` with the provider's
 * placeholders and write exactly the rows the model calls wrote (test/domain/ledger-statements.test.ts
 * compares both on both databases). Values Prisma fills in on the client (`@updatedAt`,
 * `@default(now())`) are passed explicitly.
 */

type CustomerCardRow = Prisma.CustomerCardGetPayload<object>;
export type LedgerEntryRow = Prisma.LedgerEntryGetPayload<object>;
export type NewLedgerEntry = Omit<LedgerEntryRow, 'id'>;

/** `?` on SQLite, `$1, $2…` on PostgreSQL; `from` is the number of the first. */
function placeholder(provider: Provider, at: number): string {
  return provider === 'postgresql' ? `$${at}` : '?';
}

/** A row of values: `(?, ?, ?)`, with the PostgreSQL casts a column needs (an enum, jsonb). */
function valuesRow(provider: Provider, from: number, casts: readonly string[]): string {
  return `(${casts.map((cast, index) => placeholder(provider, from + index) + (provider === 'postgresql' ? cast : '')).join(', ')})`;
}

const CUSTOMER_CARD_COLUMNS =
  '"id", "uuid", "store_id", "customer_id", "card_id", "stamps_count", "pass_token", "pass_installed", "google_issued_at", "issued_at", "created_at", "updated_at"';

/** Timestamps and booleans come back as the driver keeps them (SQLite: text and 0/1 without a declared type). */
function date(value: unknown): Date {
  return value instanceof Date ? value : new Date(value as string);
}

/**
 * Moves a customer card's balance by `delta` and returns the row as updated. On PostgreSQL the update
 * takes the row's lock until the transaction ends; `null` when no row matched (`atLeast` not held).
 */
export async function addToBalance(
  tx: Tx,
  provider: Provider,
  customerCardId: number,
  delta: number,
  updatedAt: Date,
  atLeast?: number,
): Promise<CustomerCardRow | null> {
  const p = (at: number) => placeholder(provider, at);
  const guard = atLeast === undefined ? '' : ` AND "stamps_count" >= ${p(4)}`;
  const rows = await tx.$queryRawUnsafe<Array<Record<string, unknown>>>(
    `UPDATE "customer_cards" SET "stamps_count" = "stamps_count" + ${p(1)}, "updated_at" = ${p(2)} WHERE "id" = ${p(3)}${guard} RETURNING ${CUSTOMER_CARD_COLUMNS}`,
    delta,
    updatedAt,
    customerCardId,
    ...(atLeast === undefined ? [] : [atLeast]),
  );
  const row = rows[0];
  if (!row) return null;
  return {
    id: Number(row.id),
    uuid: row.uuid as string,
    storeId: Number(row.store_id),
    customerId: Number(row.customer_id),
    cardId: Number(row.card_id),
    stampsCount: Number(row.stamps_count),
    passToken: row.pass_token as string,
    passInstalled: row.pass_installed === true || row.pass_installed === 1 || row.pass_installed === 1n,
    googleIssuedAt: row.google_issued_at === null ? null : date(row.google_issued_at),
    issuedAt: date(row.issued_at),
    createdAt: date(row.created_at),
    updatedAt: date(row.updated_at),
  };
}

const LEDGER_COLUMNS = [
  ['store_id', ''],
  ['customer_card_id', ''],
  ['kind', '::"LedgerKind"'],
  ['delta', ''],
  ['balance_after', ''],
  ['source', '::"WriteSource"'],
  ['idempotency_key', ''],
  ['redemption_id', ''],
  ['reason', ''],
  ['actor_kind', '::"ActorKind"'],
  ['actor_token_id', ''],
  ['actor_name', ''],
  ['created_at', ''],
] as const;

/** Writes a ledger entry and returns it with its id. */
export async function insertLedgerEntry(tx: Tx, provider: Provider, entry: NewLedgerEntry): Promise<LedgerEntryRow> {
  const columns = LEDGER_COLUMNS.map(([name]) => `"${name}"`).join(', ');
  const rows = await tx.$queryRawUnsafe<Array<{ id: number | bigint }>>(
    `INSERT INTO "ledger_entries" (${columns}) VALUES ${valuesRow(provider, 1, LEDGER_COLUMNS.map(([, cast]) => cast))} RETURNING "id"`,
    entry.storeId,
    entry.customerCardId,
    entry.kind,
    entry.delta,
    entry.balanceAfter,
    entry.source,
    entry.idempotencyKey,
    entry.redemptionId,
    entry.reason,
    entry.actorKind,
    entry.actorTokenId,
    entry.actorName,
    entry.createdAt,
  );
  const id = rows[0]?.id;
  if (id === undefined) throw new Error('the ledger entry insert returned no row');
  return { id: Number(id), ...entry };
}

const EVENT_CASTS = ['', '', '', '', '', '', '', '', '', '', '::jsonb'] as const;

/** Writes events as the log numbered them (one statement for all). */
export async function insertEvents(tx: Tx, provider: Provider, events: readonly LoggedEvent[]): Promise<void> {
  const rows = events.map((_, index) => valuesRow(provider, 1 + index * EVENT_CASTS.length, EVENT_CASTS));
  await tx.$executeRawUnsafe(
    `INSERT INTO "events" ("id", "store_id", "sequence", "type", "occurred_at", "customer_id", "customer_card_id", "card_id", "reward_id", "ledger_entry_id", "data") VALUES ${rows.join(', ')}`,
    ...events.flatMap((event) => [
      event.id,
      event.storeId,
      event.sequence,
      event.type,
      event.occurredAt,
      event.customerId,
      event.customerCardId,
      event.cardId,
      event.rewardId,
      event.ledgerEntryId,
      JSON.stringify(event.data),
    ]),
  );
}

const OUTBOX_CASTS = ['', '::jsonb', '', ''] as const;

/** Queues outbox rows, due at once (as the columns' defaults would have them). */
export async function insertOutbox(tx: Tx, provider: Provider, jobs: readonly OutboxJob[], now: Date): Promise<void> {
  const rows = jobs.map((_, index) => valuesRow(provider, 1 + index * OUTBOX_CASTS.length, OUTBOX_CASTS));
  await tx.$executeRawUnsafe(
    `INSERT INTO "outbox_messages" ("topic", "payload", "next_attempt_at", "created_at") VALUES ${rows.join(', ')}`,
    ...jobs.flatMap((job) => [job.topic, JSON.stringify(job.payload), now, now]),
  );
}
