import type { Db, Tx } from '../../db/client.ts';
import type { Prisma } from '../../generated/sqlite/client.ts';

/** An enabled subscription as the event log's reaction needs it: its id, and the events it wants (read with `eventsOf`). */
export interface EnabledSubscription {
  id: number;
  events: Prisma.JsonValue;
}

/**
 * The enabled webhook subscriptions of a store in id order: what
 * `webhookSubscription.findMany({ where: { storeId, enabled: true }, select: { id: true, events: true }, orderBy: { id: 'asc' } })`
 * returns, read with one hand-written statement. It runs inside every transaction that appends
 * events (every stamp's), where a Prisma model call costs about twice the CPU of `$queryRaw`
 * (docs/performance.md). The text is the same on both databases: a bare boolean column is a
 * condition in both (SQLite keeps it as 0 or 1), and both drivers hand `events` over parsed.
 */
export async function readEnabledSubscriptions(db: Db | Tx, storeId: number): Promise<EnabledSubscription[]> {
  const rows = await db.$queryRaw<Array<{ id: number | bigint; events: Prisma.JsonValue }>>`
    SELECT "id", "events" FROM "webhook_subscriptions" WHERE "store_id" = ${storeId} AND "enabled" ORDER BY "id"`;
  return rows.map((row) => ({ id: Number(row.id), events: row.events }));
}
