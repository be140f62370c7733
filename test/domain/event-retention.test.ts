import { describe, expect, it } from 'vitest';
import { addStamps } from '../../src/domain/customer-cards/customer-card.service.ts';
import { eventsPrunedAfter, readStampEvents } from '../../src/domain/ledger/event-replay.ts';
import { pruneEvents, retentionCutoff } from '../../src/domain/ledger/event-retention.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { newStore, useRuntime } from '../helpers/runtime.ts';

const t = useRuntime();
const deps = () => t.runtime.deps;
const LONG_AGO = new Date('2000-01-01T00:00:00Z');

async function storeWithStamps(stamps: number) {
  const store = await newStore(t.runtime);
  const { card } = await seedCard(deps(), store.actor, { stampsRequired: 21 });
  const { customerCard } = await seedCustomerCard(deps(), store.actor, card.id);
  for (let i = 0; i < stamps; i++) await addStamps(deps(), store.actor, { customerCardId: customerCard.id, stamps: 1 });
  const sequences = (await deps().db.storeEvent.findMany({ where: { storeId: store.actor.storeId }, orderBy: { sequence: 'asc' } })).map((row) => row.sequence);
  return { store, storeId: store.actor.storeId, sequences };
}

describe('event log retention', () => {
  it('deletes, in batches, a prefix of each store up to the last event before the cutoff, and nothing of other stores', async () => {
    const old = await storeWithStamps(7);
    const kept = await storeWithStamps(2);
    // A late event among old ones still ends the prefix there: nothing is deleted out of order.
    const cut = old.sequences[5]!;
    await deps().db.storeEvent.updateMany({ where: { storeId: old.storeId, sequence: { lte: cut } }, data: { occurredAt: LONG_AGO } });
    expect(await pruneEvents(deps().db, retentionCutoff(1), 2)).toBe(cut);
    const left = (await deps().db.storeEvent.findMany({ where: { storeId: old.storeId }, orderBy: { sequence: 'asc' } })).map((row) => row.sequence);
    expect(left).toEqual(old.sequences.filter((sequence) => sequence > cut));
    expect(await deps().db.storeEvent.count({ where: { storeId: kept.storeId } })).toBe(kept.sequences.length);

    expect(await eventsPrunedAfter(deps().db, old.storeId, cut - 1)).toBe(true);
    expect(await eventsPrunedAfter(deps().db, old.storeId, cut)).toBe(false);
    expect(await eventsPrunedAfter(deps().db, old.storeId, old.sequences.at(-1)!)).toBe(false);
    expect(await pruneEvents(deps().db, retentionCutoff(1), 2)).toBe(0);
  });

  it('knows a cursor expired when every event of the store was pruned, and not when nothing came after it', async () => {
    const quiet = await storeWithStamps(3);
    await deps().db.storeEvent.updateMany({ where: { storeId: quiet.storeId }, data: { occurredAt: LONG_AGO } });
    await pruneEvents(deps().db, retentionCutoff(30));
    expect(await deps().db.storeEvent.count({ where: { storeId: quiet.storeId } })).toBe(0);
    const last = quiet.sequences.at(-1)!;
    expect(await eventsPrunedAfter(deps().db, quiet.storeId, last - 1)).toBe(true);
    expect(await eventsPrunedAfter(deps().db, quiet.storeId, last)).toBe(false);
    expect(await readStampEvents(deps().db, quiet.storeId, {}, { afterSequence: last, limit: 10 })).toEqual([]);
  });
});
