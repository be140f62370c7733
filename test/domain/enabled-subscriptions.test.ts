import { describe, expect, it } from 'vitest';
import type { Deps } from '../../src/domain/context.ts';
import { addStamps } from '../../src/domain/customer-cards/customer-card.service.ts';
import { readEnabledSubscriptions } from '../../src/domain/webhooks/enabled-subscriptions.sql.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { newStore, useRuntime } from '../helpers/runtime.ts';

const t = useRuntime();
const deps = (): Deps => t.runtime.deps;

/** The read the hand-written statement replaces. */
function prismaSubscriptions(storeId: number) {
  return deps().db.webhookSubscription.findMany({ where: { storeId, enabled: true }, select: { id: true, events: true }, orderBy: { id: 'asc' } });
}

/** Subscriptions written as rows (not through the service), so `events` can hold what no API accepts. */
async function subscribe(storeId: number, events: unknown, enabled = true) {
  return deps().db.webhookSubscription.create({
    data: { storeId, targetUrl: 'https://93.184.215.14/hook', events: events as never, enabled, secretSealed: 'sealed' },
    select: { id: true },
  });
}

describe('the enabled subscriptions of a store, read with one statement', () => {
  it('answers as the Prisma read it replaces, for every store, in and out of a transaction', async () => {
    const { actor } = await newStore(t.runtime);
    const { actor: other } = await newStore(t.runtime);
    const { actor: none } = await newStore(t.runtime);
    await subscribe(actor.storeId, ['stamp.earned', 'reward.unlocked']);
    await subscribe(other.storeId, ['*']);
    await subscribe(actor.storeId, ['*'], false);
    await subscribe(actor.storeId, ['*']);
    await subscribe(actor.storeId, []);
    await subscribe(actor.storeId, ['stamp.earned', 3, null, { a: 1 }]);
    await subscribe(actor.storeId, { events: ['*'] });
    await subscribe(actor.storeId, 'stamp.earned');
    await subscribe(other.storeId, ['customer.created'], false);

    for (const storeId of [actor.storeId, other.storeId, none.storeId, 2_147_483_647]) {
      const expected = await prismaSubscriptions(storeId);
      expect(await readEnabledSubscriptions(deps().db, storeId)).toEqual(expected);
    }
    const mine = await readEnabledSubscriptions(deps().db, actor.storeId);
    expect(mine.map((row) => row.events)).toEqual([['stamp.earned', 'reward.unlocked'], ['*'], [], ['stamp.earned', 3, null, { a: 1 }], { events: ['*'] }, 'stamp.earned']);
    expect(mine.map((row) => row.id)).toEqual([...mine.map((row) => row.id)].sort((a, b) => a - b));
    expect((await readEnabledSubscriptions(deps().db, other.storeId)).map((row) => row.events)).toEqual([['*']]);
    expect(await readEnabledSubscriptions(deps().db, none.storeId)).toEqual([]);

    // Inside a transaction it sees that transaction's own writes, as the event log's reaction needs.
    await expect(
      deps().db.$transaction(async (tx) => {
        const added = await tx.webhookSubscription.create({
          data: { storeId: none.storeId, targetUrl: 'https://93.184.215.14/hook', events: ['*'], secretSealed: 'sealed' },
        });
        expect(await readEnabledSubscriptions(tx, none.storeId)).toEqual([{ id: added.id, events: ['*'] }]);
        throw new Error('rolled back on purpose');
      }),
    ).rejects.toThrow('rolled back on purpose');
    expect(await readEnabledSubscriptions(deps().db, none.storeId)).toEqual([]);
  });

  it('a stamp that unlocks rewards reads them once and queues each event for each subscription that wants it, as it did event by event', async () => {
    const { actor } = await newStore(t.runtime);
    const { card, rewards } = await seedCard(deps(), actor, { stampsRequired: 5 }, [
      { name: 'Cookie', stampsRequired: 2, position: 1 },
      { name: 'Coffee', stampsRequired: 3, position: 2 },
    ]);
    const { customerCard } = await seedCustomerCard(deps(), actor, card.id);
    const all = await subscribe(actor.storeId, ['*']);
    const unlocks = await subscribe(actor.storeId, ['reward.unlocked']);
    await subscribe(actor.storeId, ['*'], false);
    await subscribe(actor.storeId, ['customer.created']);
    const before = await deps().db.outboxMessage.findMany({ select: { id: true } });

    t.queries.length = 0;
    await addStamps(deps(), actor, { customerCardId: customerCard.id, stamps: 3 });
    expect(t.queries.filter((sql) => sql.includes('webhook_subscriptions'))).toHaveLength(1);

    const events = await deps().db.storeEvent.findMany({ where: { storeId: actor.storeId, ledgerEntryId: { not: null } }, orderBy: { sequence: 'asc' } });
    expect(events.map((event) => [event.type, event.rewardId])).toEqual([
      ['stamp.earned', null],
      ['reward.unlocked', rewards[0]!.id],
      ['reward.unlocked', rewards[1]!.id],
    ]);
    const queued = await deps().db.outboxMessage.findMany({
      where: { topic: 'webhook.deliver', id: { notIn: before.map((row) => row.id) } },
      orderBy: { id: 'asc' },
    });
    expect(queued.map((row) => row.payload)).toEqual([
      { subscriptionId: all.id, eventId: events[0]!.id },
      { subscriptionId: all.id, eventId: events[1]!.id },
      { subscriptionId: unlocks.id, eventId: events[1]!.id },
      { subscriptionId: all.id, eventId: events[2]!.id },
      { subscriptionId: unlocks.id, eventId: events[2]!.id },
    ]);
  });
});
