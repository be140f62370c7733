import type { Provider, Tx } from '../../src/db/client.ts';
import type { Prisma } from '../../src/generated/sqlite/client.ts';
import type { LoggedEvent } from '../../src/domain/ledger/event-log.ts';
import type { LedgerEntryRow, NewLedgerEntry } from '../../src/domain/ledger/ledger-statements.ts';
import type { OutboxJob } from '../../src/domain/ledger/reactions.ts';

/**
 * The Prisma model calls that src/domain/ledger/ledger-statements.ts replaced, kept as the reference
 * its differential test compares against (test/domain/ledger-statements.test.ts). Same signatures;
 * `updatedAt` and `now` are what Prisma's `@updatedAt` and `@default(now())` fill in by themselves.
 */

export async function addToBalance(tx: Tx, _provider: Provider, customerCardId: number, delta: number, _updatedAt: Date, atLeast?: number) {
  if (atLeast === undefined) {
    return tx.customerCard.update({ where: { id: customerCardId }, data: { stampsCount: { increment: delta } } });
  }
  const moved = await tx.customerCard.updateMany({
    where: { id: customerCardId, stampsCount: { gte: atLeast } },
    data: { stampsCount: { increment: delta } },
  });
  return moved.count === 0 ? null : tx.customerCard.findUniqueOrThrow({ where: { id: customerCardId } });
}

export function insertLedgerEntry(tx: Tx, _provider: Provider, entry: NewLedgerEntry): Promise<LedgerEntryRow> {
  return tx.ledgerEntry.create({ data: entry });
}

export async function insertEvents(tx: Tx, _provider: Provider, events: readonly LoggedEvent[]): Promise<void> {
  await tx.storeEvent.createMany({ data: events.map((event) => ({ ...event, data: event.data as Prisma.InputJsonObject })) });
}

export async function insertOutbox(tx: Tx, _provider: Provider, jobs: readonly OutboxJob[], _now: Date): Promise<void> {
  await tx.outboxMessage.createMany({ data: [...jobs] });
}
