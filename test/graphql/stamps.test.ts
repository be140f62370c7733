import { describe, expect, it } from 'vitest';
import { setCardArchived } from '../../src/domain/cards/card.service.ts';
import { globalIdOf } from '../../src/graphql/global-ids.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { graphqlClient } from '../helpers/graphql.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';

const t = useServer();
const api = graphqlClient(t);
const deps = () => t.runtime.deps;

const ADD_STAMPS = `
  mutation AddStamps($input: AddStampsInput!) {
    addStamps(input: $input) {
      customerCard { id databaseId stampsCount stampsRemaining status progressPercentage availableRewards { name } }
      ledgerEntry { id databaseId kind delta balanceAfter source idempotencyKey customerCard { databaseId } }
      userErrors { field message code }
    }
  }`;

const REDEEM = `
  mutation Redeem($input: RedeemRewardInput!) {
    redeemReward(input: $input) {
      customerCard { databaseId stampsCount status }
      redemption { databaseId rewardId rewardName stampsSpent stampsRemaining redeemedAt reward { name } }
      ledgerEntry { kind delta balanceAfter source redemption { databaseId } }
      userErrors { field message code }
    }
  }`;

async function setup(card: { stampsRequired?: number; initialStamps?: number } = {}) {
  const store = await newStore(t.runtime);
  const seeded = await seedCard(deps(), store.actor, { stampsRequired: 10, ...card }, [
    { name: 'Free coffee', stampsRequired: 4 },
    { name: 'Cake', stampsRequired: 8 },
    { name: 'Retired', stampsRequired: 1, active: false },
  ]);
  const { customerCard } = await seedCustomerCard(deps(), store.actor, seeded.card.id);
  return {
    ...store,
    card: seeded.card,
    rewards: seeded.rewards,
    customerCard,
    customerCardId: globalIdOf('CustomerCard', customerCard.id),
    rewardId: (index: number) => globalIdOf('Reward', seeded.rewards[index]!.id),
  };
}

async function ledger(customerCardId: number) {
  const entries = await deps().db.ledgerEntry.findMany({ where: { customerCardId }, orderBy: { id: 'asc' } });
  return { count: entries.length, sum: entries.reduce((sum, entry) => sum + entry.delta, 0) };
}

describe('addStamps', () => {
  it('adds stamps, writes one GRAPHQL ledger entry and returns the card as it is now', async () => {
    const s = await setup();
    const data = await api.data(s.token, ADD_STAMPS, { input: { customerCardId: s.customerCardId, stamps: 5 } });
    expect(data.addStamps.userErrors).toEqual([]);
    expect(data.addStamps.customerCard).toMatchObject({
      id: s.customerCardId,
      databaseId: s.customerCard.id,
      stampsCount: 5,
      stampsRemaining: 5,
      status: 'ACTIVE',
      progressPercentage: 62.5,
      availableRewards: [{ name: 'Free coffee' }],
    });
    expect(data.addStamps.ledgerEntry).toMatchObject({
      kind: 'STAMP',
      delta: 5,
      balanceAfter: 5,
      source: 'GRAPHQL',
      idempotencyKey: null,
      customerCard: { databaseId: s.customerCard.id },
    });
    const row = await deps().db.ledgerEntry.findUniqueOrThrow({ where: { id: data.addStamps.ledgerEntry.databaseId } });
    expect(row.source).toBe('GRAPHQL');
    expect(await ledger(s.customerCard.id)).toEqual({ count: 1, sum: 5 });
  });

  it('keeps stamps beyond the requirement and reports COMPLETED', async () => {
    const s = await setup();
    await api.data(s.token, ADD_STAMPS, { input: { customerCardId: s.customerCardId, stamps: 10 } });
    const data = await api.data(s.token, ADD_STAMPS, { input: { customerCardId: s.customerCardId, stamps: 3 } });
    expect(data.addStamps.customerCard).toMatchObject({
      stampsCount: 13,
      stampsRemaining: 0,
      status: 'COMPLETED',
      progressPercentage: 100,
      availableRewards: [{ name: 'Free coffee' }, { name: 'Cake' }],
    });
  });

  it.each([0, -1, 11])('refuses stamps = %s with an INVALID user error on input.stamps and changes nothing', async (stamps) => {
    const s = await setup();
    const data = await api.data(s.token, ADD_STAMPS, { input: { customerCardId: s.customerCardId, stamps } });
    expect(data.addStamps).toEqual({
      customerCard: null,
      ledgerEntry: null,
      userErrors: [{ field: ['input', 'stamps'], message: 'must be an integer from 1 to 10', code: 'INVALID' }],
    });
    expect(await ledger(s.customerCard.id)).toEqual({ count: 0, sum: 0 });
  });

  it('refuses a fractional or textual stamps value at the GraphQL layer (stamps is Int!)', async () => {
    const s = await setup();
    for (const stamps of [1.5, '1']) {
      const response = await api.errors(s.token, ADD_STAMPS, { input: { customerCardId: s.customerCardId, stamps } });
      expect(response.body.data).toBeUndefined();
    }
    expect(await ledger(s.customerCard.id)).toEqual({ count: 0, sum: 0 });
  });

  it('refuses an archived card with CARD_ARCHIVED', async () => {
    const s = await setup();
    await setCardArchived(deps(), s.actor, s.card.id, true);
    const data = await api.data(s.token, ADD_STAMPS, { input: { customerCardId: s.customerCardId, stamps: 1 } });
    expect(data.addStamps.userErrors).toEqual([
      { field: ['input', 'stamps'], message: 'cannot be added to an archived card', code: 'CARD_ARCHIVED' },
    ]);
    expect(await ledger(s.customerCard.id)).toEqual({ count: 0, sum: 0 });
  });

  it('answers NOT_FOUND on input.customerCardId for an id of another type, garbage, or a missing card', async () => {
    const s = await setup();
    for (const customerCardId of [globalIdOf('Card', s.card.id), 'garbage', globalIdOf('CustomerCard', 999_999)]) {
      const data = await api.data(s.token, ADD_STAMPS, { input: { customerCardId, stamps: 1 } });
      expect(data.addStamps.userErrors).toEqual([
        { field: ['input', 'customerCardId'], message: 'Customer card not found', code: 'NOT_FOUND' },
      ]);
    }
  });

  it('returns the first result for a repeated idempotency key and refuses the key for other parameters', async () => {
    const s = await setup();
    const input = { customerCardId: s.customerCardId, stamps: 2, idempotencyKey: 'till-1-sale-42' };
    const first = await api.data(s.token, ADD_STAMPS, { input });
    const again = await api.data(s.token, ADD_STAMPS, { input });
    expect(again.addStamps.ledgerEntry.id).toBe(first.addStamps.ledgerEntry.id);
    expect(again.addStamps.ledgerEntry.idempotencyKey).toBe('till-1-sale-42');
    expect(again.addStamps.customerCard.stampsCount).toBe(2);
    const reused = await api.data(s.token, ADD_STAMPS, { input: { ...input, stamps: 3 } });
    expect(reused.addStamps.userErrors).toEqual([
      { field: ['input', 'idempotencyKey'], message: 'was already used for a different request', code: 'IDEMPOTENCY_KEY_REUSED' },
    ]);
    const tooLong = await api.data(s.token, ADD_STAMPS, { input: { ...input, idempotencyKey: 'k'.repeat(256) } });
    expect(tooLong.addStamps.userErrors).toEqual([
      { field: ['input', 'idempotencyKey'], message: 'must be 1 to 255 characters', code: 'INVALID' },
    ]);
    expect(await ledger(s.customerCard.id)).toEqual({ count: 1, sum: 2 });
  });

  it('queues a wallet push unless skipNotifications, like the REST skip_notifications', async () => {
    const s = await setup();
    await deps().db.customerCard.update({ where: { id: s.customerCard.id }, data: { passInstalled: true } });
    const pushes = () => deps().db.outboxMessage.count({ where: { payload: { equals: { customerCardId: s.customerCard.id, notify: true } } } });
    await api.data(s.token, ADD_STAMPS, { input: { customerCardId: s.customerCardId, stamps: 1, skipNotifications: true } });
    expect(await pushes()).toBe(0);
    await api.data(s.token, ADD_STAMPS, { input: { customerCardId: s.customerCardId, stamps: 1 } });
    expect(await pushes()).toBe(1);
  });
});

describe('redeemReward', () => {
  it('spends the reward cost and records a redemption and a GRAPHQL ledger entry', async () => {
    const s = await setup();
    await api.data(s.token, ADD_STAMPS, { input: { customerCardId: s.customerCardId, stamps: 6 } });
    const data = await api.data(s.token, REDEEM, { input: { customerCardId: s.customerCardId, rewardId: s.rewardId(0) } });
    expect(data.redeemReward.userErrors).toEqual([]);
    expect(data.redeemReward.customerCard).toMatchObject({ stampsCount: 2, status: 'ACTIVE' });
    expect(data.redeemReward.redemption).toMatchObject({
      rewardId: s.rewards[0]!.id,
      rewardName: 'Free coffee',
      stampsSpent: 4,
      stampsRemaining: 2,
      reward: { name: 'Free coffee' },
    });
    expect(data.redeemReward.redemption.redeemedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(data.redeemReward.ledgerEntry).toMatchObject({
      kind: 'REDEEM',
      delta: -4,
      balanceAfter: 2,
      source: 'GRAPHQL',
      redemption: { databaseId: data.redeemReward.redemption.databaseId },
    });
    expect(await ledger(s.customerCard.id)).toEqual({ count: 2, sum: 2 });
  });

  it.each([
    ['NOT_ENOUGH_STAMPS', 1, 'needs 8 stamps, more than the card holds'],
    ['REWARD_INACTIVE', 2, 'is inactive'],
  ])('refuses with %s on input.rewardId and changes nothing', async (code, index, message) => {
    const s = await setup();
    await api.data(s.token, ADD_STAMPS, { input: { customerCardId: s.customerCardId, stamps: 5 } });
    const data = await api.data(s.token, REDEEM, { input: { customerCardId: s.customerCardId, rewardId: s.rewardId(index) } });
    expect(data.redeemReward).toEqual({
      customerCard: null,
      redemption: null,
      ledgerEntry: null,
      userErrors: [{ field: ['input', 'rewardId'], message, code }],
    });
    expect(await ledger(s.customerCard.id)).toEqual({ count: 1, sum: 5 });
    expect(await deps().db.redemption.count({ where: { customerCardId: s.customerCard.id } })).toBe(0);
  });

  it('refuses a reward of another card of the store with REWARD_NOT_ON_CARD', async () => {
    const s = await setup();
    const other = await seedCard(deps(), s.actor, {}, [{ name: 'Elsewhere', stampsRequired: 1 }]);
    await api.data(s.token, ADD_STAMPS, { input: { customerCardId: s.customerCardId, stamps: 5 } });
    const data = await api.data(s.token, REDEEM, {
      input: { customerCardId: s.customerCardId, rewardId: globalIdOf('Reward', other.rewards[0]!.id) },
    });
    expect(data.redeemReward.userErrors).toEqual([
      { field: ['input', 'rewardId'], message: 'belongs to another card', code: 'REWARD_NOT_ON_CARD' },
    ]);
    expect(await ledger(s.customerCard.id)).toEqual({ count: 1, sum: 5 });
  });

  it("answers NOT_FOUND on input.rewardId for another store's reward or a non-reward id", async () => {
    const s = await setup();
    const elsewhere = await setup();
    await api.data(s.token, ADD_STAMPS, { input: { customerCardId: s.customerCardId, stamps: 5 } });
    for (const rewardId of [elsewhere.rewardId(0), s.customerCardId]) {
      const data = await api.data(s.token, REDEEM, { input: { customerCardId: s.customerCardId, rewardId } });
      expect(data.redeemReward.userErrors).toEqual([{ field: ['input', 'rewardId'], message: 'Reward not found', code: 'NOT_FOUND' }]);
    }
    const wrongCard = await api.data(s.token, REDEEM, { input: { customerCardId: elsewhere.customerCardId, rewardId: s.rewardId(0) } });
    expect(wrongCard.redeemReward.userErrors).toEqual([
      { field: ['input', 'customerCardId'], message: 'Customer card not found', code: 'NOT_FOUND' },
    ]);
    expect(await ledger(s.customerCard.id)).toEqual({ count: 1, sum: 5 });
  });

  it('returns the first redemption for a repeated idempotency key and spends once', async () => {
    const s = await setup();
    await api.data(s.token, ADD_STAMPS, { input: { customerCardId: s.customerCardId, stamps: 9 } });
    const input = { customerCardId: s.customerCardId, rewardId: s.rewardId(0), idempotencyKey: 'redeem-1' };
    const first = await api.data(s.token, REDEEM, { input });
    const again = await api.data(s.token, REDEEM, { input });
    expect(again.redeemReward.redemption.databaseId).toBe(first.redeemReward.redemption.databaseId);
    expect(again.redeemReward.customerCard.stampsCount).toBe(5);
    expect(await ledger(s.customerCard.id)).toEqual({ count: 2, sum: 5 });
  });

  it('never spends the same stamps twice under concurrent requests', async () => {
    const s = await setup();
    await api.data(s.token, ADD_STAMPS, { input: { customerCardId: s.customerCardId, stamps: 9 } });
    const results = await Promise.all(
      Array.from({ length: 6 }, () => api.data(s.token, REDEEM, { input: { customerCardId: s.customerCardId, rewardId: s.rewardId(0) } })),
    );
    const won = results.filter((r) => r.redeemReward.userErrors.length === 0);
    expect(won).toHaveLength(2);
    expect(results.filter((r) => r.redeemReward.userErrors[0]?.code === 'NOT_ENOUGH_STAMPS')).toHaveLength(4);
    expect(await ledger(s.customerCard.id)).toEqual({ count: 3, sum: 1 });
  });
});
