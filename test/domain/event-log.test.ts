import { describe, expect, it } from 'vitest';
import { type Deps, WriteSource } from '../../src/domain/context.ts';
import { addStamps, redeemReward } from '../../src/domain/customer-cards/customer-card.service.ts';
import { createCustomer, enrolCustomer, updateCustomer } from '../../src/domain/customers/customer.service.ts';
import { DomainError, ErrorCode } from '../../src/domain/errors.ts';
import { appendEvents, type LoggedEvent } from '../../src/domain/ledger/event-log.ts';
import { EventType } from '../../src/domain/ledger/event-types.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { newStore, useRuntime } from '../helpers/runtime.ts';
import { ledgerSum } from '../helpers/snapshot.ts';

const t = useRuntime({ PUBLIC_URL: 'https://stamps.example' });
const deps = (): Deps => t.runtime.deps;

function eventsOf(storeId: number) {
  return deps().db.storeEvent.findMany({ where: { storeId }, orderBy: { sequence: 'asc' } });
}

/** Sequences 1..n, each once: strictly increasing, no gap, no repeat. */
function expectGapFree(sequences: number[]) {
  expect(sequences).toEqual(sequences.map((_, index) => index + 1));
}

describe('the event log', () => {
  it('writes each event type with its subjects and a snapshot of the objects in their REST shapes', async () => {
    const { actor } = await newStore(t.runtime, WriteSource.REST);
    const { card, rewards } = await seedCard(deps(), actor, { stampsRequired: 10, initialStamps: 2 }, [
      { name: 'Free coffee', stampsRequired: 5 },
    ]);
    const reward = rewards[0]!;
    const { customer, customerCard } = await createCustomer(
      deps(),
      actor,
      { firstName: 'Ada', email: 'ada@example.com', externalReferences: [{ source: 'pos', externalId: 'A-1' }] },
      { cardId: card.id },
    );
    await updateCustomer(deps(), actor, customer.id, { lastName: 'Lovelace' });
    await addStamps(deps(), actor, { customerCardId: customerCard!.id, stamps: 4 });
    const { redemption, ledgerEntry } = await redeemReward(deps(), actor, { customerCardId: customerCard!.id, rewardId: reward.id });

    const events = await eventsOf(actor.storeId);
    expect(events.map((e) => [e.sequence, e.type])).toEqual([
      [1, 'customer.created'],
      [2, 'customer_card.created'],
      [3, 'stamp.earned'],
      [4, 'customer.updated'],
      [5, 'stamp.earned'],
      [6, 'reward.unlocked'],
      [7, 'reward.redeemed'],
    ]);
    const [created, issued, welcome, updated, stamped, unlocked, redeemed] = events.map((event) => event!);
    if (!created || !issued || !welcome || !updated || !stamped || !unlocked || !redeemed) throw new Error('missing events');
    for (const event of events) {
      expect(event.id).toMatch(/^evt_[0-9a-f]{32}$/);
      expect(event.customerId).toBe(customer.id);
    }
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);

    expect(created.data).toEqual({
      customer: expect.objectContaining({
        id: customer.id,
        account_id: actor.storeId,
        first_name: 'Ada',
        last_name: null,
        email: 'ada@example.com',
        stamp_count: 0,
        customer_cards: [],
        external_references: [{ source: 'pos', external_id: 'A-1', metadata: {} }],
      }),
    });
    expect(issued).toMatchObject({ customerCardId: customerCard!.id, cardId: card.id });
    expect(issued.data).toEqual({
      customer_card: expect.objectContaining({
        id: customerCard!.id,
        card_id: card.id,
        stamps_count: 0,
        apple_wallet_url: `https://stamps.example/wallet/apple/${customerCard!.uuid}.pkpass`,
        page_url: `https://stamps.example/cards/${customerCard!.uuid}`,
        available_rewards: [],
      }),
    });
    expect(welcome.data).toMatchObject({
      customer_card: { stamps_count: 2 },
      ledger_entry: { kind: 'welcome', delta: 2, balance_after: 2, source: 'rest', customer_card_id: customerCard!.id },
    });
    expect(updated.data).toMatchObject({
      customer: { last_name: 'Lovelace', stamp_count: 2, customer_cards: [{ id: customerCard!.id, stamps_count: 2 }] },
    });
    // The snapshot is taken when the event happens: later stamps leave it as it was.
    expect(stamped.data).toMatchObject({
      customer_card: { stamps_count: 6, status: 'active', available_rewards: [{ id: reward.id, name: 'Free coffee' }] },
      ledger_entry: { kind: 'stamp', delta: 4, balance_after: 6 },
    });
    expect(unlocked).toMatchObject({ rewardId: reward.id, ledgerEntryId: stamped.ledgerEntryId });
    expect(unlocked.data).toMatchObject({
      reward: { id: reward.id, stamps_required: 5, name: 'Free coffee' },
      customer_card: { stamps_count: 6 },
      ledger_entry: { id: stamped.ledgerEntryId },
    });
    expect(redeemed).toMatchObject({ rewardId: reward.id, ledgerEntryId: ledgerEntry.id, cardId: card.id });
    expect(redeemed.data).toMatchObject({
      customer_card: { stamps_count: 1, available_rewards: [] },
      reward: { id: reward.id },
      redemption: { id: redemption.id, reward_id: reward.id, reward_name: 'Free coffee', stamps_spent: 5, stamps_remaining: 1 },
      ledger_entry: { id: ledgerEntry.id, kind: 'redeem', delta: -5, balance_after: 1, redemption_id: redemption.id },
    });
  });

  it('unlocks a reward once per crossing of its cost, and only active rewards', async () => {
    const { actor } = await newStore(t.runtime);
    const { card, rewards } = await seedCard(deps(), actor, { stampsRequired: 10 }, [
      { name: 'Coffee', stampsRequired: 3 },
      { name: 'Cake', stampsRequired: 5 },
      { name: 'Retired', stampsRequired: 2, active: false },
    ]);
    const [coffee, cake] = rewards as [typeof rewards[number], typeof rewards[number]];
    const { customerCard } = await seedCustomerCard(deps(), actor, card.id);
    const stamp = (stamps: number) => addStamps(deps(), actor, { customerCardId: customerCard.id, stamps });
    await stamp(2); // 2: below both
    await stamp(1); // 3: coffee
    await stamp(1); // 4: nothing new
    await stamp(6); // 10: cake
    await redeemReward(deps(), actor, { customerCardId: customerCard.id, rewardId: cake.id }); // 5: still covers both
    await redeemReward(deps(), actor, { customerCardId: customerCard.id, rewardId: cake.id }); // 0
    await stamp(5); // 5: both again in one stamp
    const unlocked = (await eventsOf(actor.storeId)).filter((e) => e.type === EventType.REWARD_UNLOCKED);
    expect(unlocked.map((e) => e.rewardId)).toEqual([coffee.id, cake.id, coffee.id, cake.id]);
  });

  it('gives the numbers of a rolled-back write to the next write: no event, no gap', async () => {
    const { actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor);
    const { customerCard } = await seedCustomerCard(deps(), actor, card.id);
    const before = (await eventsOf(actor.storeId)).length;
    const failure = new Error('rolled back on purpose');
    await expect(
      deps().db.$transaction(async (tx) => {
        await appendEvents(tx, deps(), actor.storeId, [
          { type: EventType.CUSTOMER_UPDATED, customerId: customerCard.customerId, data: { note: 'never committed' } },
        ]);
        throw failure;
      }),
    ).rejects.toBe(failure);
    // A refused write (not enough stamps) rolls back the same way.
    const { rewards } = await seedCard(deps(), actor, {}, [{ name: 'Big', stampsRequired: 10 }]);
    await expect(redeemReward(deps(), actor, { customerCardId: customerCard.id, rewardId: rewards[0]!.id })).rejects.toBeInstanceOf(DomainError);
    await addStamps(deps(), actor, { customerCardId: customerCard.id, stamps: 1 });
    const events = await eventsOf(actor.storeId);
    expect(events).toHaveLength(before + 1);
    expectGapFree(events.map((e) => e.sequence));
    expect(events.some((e) => JSON.stringify(e.data).includes('never committed'))).toBe(false);
  });

  it("writes the outbox rows of registered reactions in the event's transaction, and none when it rolls back", async () => {
    const { actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor);
    const { customerCard } = await seedCustomerCard(deps(), actor, card.id);
    const topic = `test.reaction.${actor.storeId}`;
    const seen: LoggedEvent[] = [];
    const unregister = deps().reactions.register((_tx, appended) =>
      appended.flatMap(({ event, facts }) => {
        if (event.storeId !== actor.storeId) return [];
        seen.push(event);
        return [{ topic, payload: { eventId: event.id, type: event.type, notify: facts.notify } }];
      }),
    );
    try {
      await addStamps(deps(), actor, { customerCardId: customerCard.id, stamps: 1, skipNotifications: true });
      await expect(
        deps().db.$transaction(async (tx) => {
          await appendEvents(tx, deps(), actor.storeId, [{ type: EventType.CUSTOMER_UPDATED, data: {} }]);
          throw new Error('rolled back on purpose');
        }),
      ).rejects.toThrow('rolled back on purpose');
    } finally {
      unregister();
    }
    const [stamped] = (await eventsOf(actor.storeId)).filter((e) => e.type === EventType.STAMP_EARNED).slice(-1);
    const rows = await deps().db.outboxMessage.findMany({ where: { topic } });
    expect(rows.map((row) => row.payload)).toEqual([{ eventId: stamped!.id, type: 'stamp.earned', notify: false }]);
    // The reaction ran for the rolled-back event too, but its row went with the transaction.
    expect(seen.map((e) => e.type)).toEqual(['stamp.earned', 'customer.updated']);
  });

  it('enrolling an existing customer logs customer_card.created, then its welcome stamps', async () => {
    const { actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor, { initialStamps: 1 });
    const { customer } = await createCustomer(deps(), actor, { firstName: 'Bo', email: 'bo@example.com' });
    const enrolled = await enrolCustomer(deps(), actor, customer.id, card.id);
    expect(enrolled.stampsCount).toBe(1);
    expect((await eventsOf(actor.storeId)).map((e) => e.type)).toEqual(['customer.created', 'customer_card.created', 'stamp.earned']);
  });

  it('numbers each store on its own under 50 concurrent stamps and redemptions: increasing, gap-free, ledger = balance', async () => {
    const stores = [await newStore(t.runtime), await newStore(t.runtime)];
    const scenes = await Promise.all(
      stores.map(async ({ actor }) => {
        const { card, rewards } = await seedCard(deps(), actor, { stampsRequired: 10 }, [{ name: 'Treat', stampsRequired: 3 }]);
        const cards = [];
        for (let i = 0; i < 4; i++) cards.push((await seedCustomerCard(deps(), actor, card.id)).customerCard);
        return { actor, cards, reward: rewards[0]!, before: (await eventsOf(actor.storeId)).length };
      }),
    );
    const writes = Array.from({ length: 50 }, (_, i) => {
      const scene = scenes[i % 5 === 0 ? 1 : 0]!;
      const customerCardId = scene.cards[i % scene.cards.length]!.id;
      return i % 3 === 2
        ? redeemReward(deps(), scene.actor, { customerCardId, rewardId: scene.reward.id })
        : addStamps(deps(), scene.actor, { customerCardId, stamps: 1 + (i % 4) });
    });
    const settled = await Promise.allSettled(writes);
    for (const result of settled) {
      if (result.status === 'rejected') expect((result.reason as DomainError).code).toBe(ErrorCode.NOT_ENOUGH_STAMPS);
    }
    expect(settled.filter((r) => r.status === 'fulfilled').length).toBeGreaterThan(30);
    for (const scene of scenes) {
      const events = await eventsOf(scene.actor.storeId);
      expectGapFree(events.map((e) => e.sequence));
      const ledger = await deps().db.ledgerEntry.findMany({ where: { storeId: scene.actor.storeId }, orderBy: { id: 'asc' } });
      const balanceEvents = events.filter((e) => e.type === 'stamp.earned' || e.type === 'reward.redeemed');
      // One balance event per ledger entry.
      expect(balanceEvents.map((e) => e.ledgerEntryId).sort((a, b) => a! - b!)).toEqual(ledger.map((entry) => entry.id));
      for (const card of scene.cards) {
        const { stampsCount } = await deps().db.customerCard.findUniqueOrThrow({ where: { id: card.id } });
        expect(await ledgerSum(deps().db, card.id)).toBe(stampsCount);
        // A card's events follow its balance in sequence order: each starts where the previous one ended.
        let balance = 0;
        for (const event of balanceEvents.filter((e) => e.customerCardId === card.id)) {
          const entry = (event.data as { ledger_entry: { delta: number; balance_after: number } }).ledger_entry;
          expect(entry.balance_after).toBe(balance + entry.delta);
          balance = entry.balance_after;
        }
        expect(balance).toBe(stampsCount);
      }
      expect(events.length).toBeGreaterThan(scene.before);
    }
  });
});
