import type { Db } from '../../db/client.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Events older than this many days may be deleted (see `pruneEvents`). */
export function retentionCutoff(retentionDays: number, now = new Date()): Date {
  return new Date(now.getTime() - retentionDays * DAY_MS);
}

/**
 * Deletes the events that occurred before `cutoff`, store by store, at most `batchSize` rows per
 * statement so a large backlog never holds a long lock. It deletes a prefix of each store's sequence
 * (everything up to the last number that occurred before the cutoff), never a number in the middle:
 * that is what lets a resuming stream tell a cursor whose following events are gone
 * (`eventsPrunedAfter`) from one that simply has nothing new. Returns the number of events deleted.
 */
export async function pruneEvents(db: Db, cutoff: Date, batchSize = 1000): Promise<number> {
  const stores = await db.storeEvent.groupBy({ by: ['storeId'], where: { occurredAt: { lt: cutoff } }, _max: { sequence: true } });
  let deleted = 0;
  for (const { storeId, _max } of stores) {
    const through = _max.sequence;
    if (through == null) continue;
    for (;;) {
      const oldest = await db.storeEvent.findFirst({ where: { storeId }, orderBy: { sequence: 'asc' }, select: { sequence: true } });
      if (!oldest || oldest.sequence > through) break;
      const upTo = Math.min(through, oldest.sequence + batchSize - 1);
      const { count } = await db.storeEvent.deleteMany({ where: { storeId, sequence: { lte: upTo } } });
      deleted += count;
    }
  }
  return deleted;
}
