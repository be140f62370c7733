import { describe, expect, it } from 'vitest';
import { systemActor, WriteSource } from '../../src/domain/context.ts';
import { addStamps } from '../../src/domain/customer-cards/customer-card.service.ts';
import { createCustomer } from '../../src/domain/customers/customer.service.ts';
import { createReward } from '../../src/domain/rewards/reward.service.ts';
import { globalIdOf } from '../../src/graphql/global-ids.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { graphqlClient } from '../helpers/graphql.ts';
import { connectWs, eventually, subscribeSse } from '../helpers/live.ts';
import { expectStatus, restClient } from '../helpers/rest.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';

const t = useServer();
const api = graphqlClient(t);
const deps = () => t.runtime.deps;

const STAMPS_CHANGED = `
  subscription Stamps($customerCardId: ID, $cardId: ID, $storeId: ID) {
    stampsChanged(customerCardId: $customerCardId, cardId: $cardId, storeId: $storeId) {
      kind delta occurredAt
      customerCard { databaseId stampsCount status card { name } }
      ledgerEntry { databaseId kind delta balanceAfter source redemption { rewardName } }
    }
  }`;

const ADD_STAMPS = `
  mutation AddStamps($input: AddStampsInput!) {
    addStamps(input: $input) { ledgerEntry { databaseId } userErrors { message } }
  }`;

/** A store with a card (10 stamps, a 4-stamp reward), a customer card on it, and clients for both APIs. */
async function scene() {
  const store = await newStore(t.runtime);
  const { card, rewards } = await seedCard(deps(), store.actor, { name: 'Coffee' }, [{ name: 'Free coffee', stampsRequired: 4 }]);
  const { customer, customerCard } = await seedCustomerCard(deps(), store.actor, card.id);
  const rest = restClient(t, store.token);
  const customerCardPath = `/accounts/${store.actor.storeId}/customers/${customer.id}/customer_cards/${customerCard.id}`;
  return {
    ...store,
    card,
    customerCard,
    ids: {
      customerCardId: globalIdOf('CustomerCard', customerCard.id),
      cardId: globalIdOf('Card', card.id),
      storeId: globalIdOf('Store', store.actor.storeId),
      rewardId: globalIdOf('Reward', rewards[0]!.id),
    },
    stampRest: async (stamps: number) => expectStatus(await rest.post(`${customerCardPath}/stamp`, { stamps }), 200),
    redeemRest: async () => expectStatus(await rest.post(`${customerCardPath}/redeem`, { reward_id: rewards[0]!.id }), 200),
    stampGraphQL: async (stamps: number, customerCardId = globalIdOf('CustomerCard', customerCard.id)) => {
      const data = await api.data(store.token, ADD_STAMPS, { input: { customerCardId, stamps } });
      expect(data.addStamps.userErrors).toEqual([]);
      return data.addStamps.ledgerEntry.databaseId as number;
    },
  };
}

describe('stampsChanged over server-sent events', () => {
  it('pushes stamps and redemptions from GraphQL and REST, after commit, with the ledger entry and the card', async () => {
    const s = await scene();
    const sse = await subscribeSse(t.url, s.token, STAMPS_CHANGED, { customerCardId: s.ids.customerCardId });
    expect(sse.status).toBe(200);
    expect(sse.headers.get('content-type')).toMatch(/^text\/event-stream/);

    const ledgerEntryId = await s.stampGraphQL(3);
    const first = (await sse.results.data()).stampsChanged;
    expect(first).toMatchObject({
      kind: 'STAMP',
      delta: 3,
      customerCard: { databaseId: s.customerCard.id, stampsCount: 3, status: 'ACTIVE', card: { name: 'Coffee' } },
      ledgerEntry: { databaseId: ledgerEntryId, kind: 'STAMP', delta: 3, balanceAfter: 3, source: 'GRAPHQL', redemption: null },
    });
    const saved = await deps().db.ledgerEntry.findUniqueOrThrow({ where: { id: ledgerEntryId } });
    expect(first.occurredAt).toBe(saved.createdAt.toISOString());

    await s.stampRest(2);
    expect((await sse.results.data()).stampsChanged).toMatchObject({
      kind: 'STAMP',
      delta: 2,
      ledgerEntry: { balanceAfter: 5, source: 'REST' },
    });

    await s.redeemRest();
    expect((await sse.results.data()).stampsChanged).toMatchObject({
      kind: 'REDEEM',
      delta: -4,
      customerCard: { stampsCount: 1 },
      ledgerEntry: { balanceAfter: 1, source: 'REST', redemption: { rewardName: 'Free coffee' } },
    });
    sse.close();
    await sse.ended;
  });

  it('pushes the welcome stamps of a customer enrolled on a watched card', async () => {
    const store = await newStore(t.runtime);
    const { card } = await seedCard(deps(), store.actor, { stampsRequired: 8, initialStamps: 2 });
    const sse = await subscribeSse(t.url, store.token, STAMPS_CHANGED, { cardId: globalIdOf('Card', card.id) });
    const { customerCard } = await createCustomer(deps(), store.actor, { firstName: 'Ada', email: 'ada-welcome@example.com' }, { cardId: card.id });
    expect((await sse.results.data()).stampsChanged).toMatchObject({
      kind: 'WELCOME',
      delta: 2,
      customerCard: { databaseId: customerCard?.id, stampsCount: 2 },
    });
    sse.close();
  });

  it('sends each subscriber only the events its filters match', async () => {
    const s = await scene();
    const { card: otherCard } = await seedCard(deps(), s.actor, { name: 'Tea' });
    const { customerCard: sameCard } = await seedCustomerCard(deps(), s.actor, s.card.id);
    const { customerCard: onOtherCard } = await seedCustomerCard(deps(), s.actor, otherCard.id);
    const byCustomerCard = await subscribeSse(t.url, s.token, STAMPS_CHANGED, { customerCardId: s.ids.customerCardId });
    const byCard = await subscribeSse(t.url, s.token, STAMPS_CHANGED, { cardId: s.ids.cardId });
    const byStore = await subscribeSse(t.url, s.token, STAMPS_CHANGED, { storeId: s.ids.storeId });
    const both = await subscribeSse(t.url, s.token, STAMPS_CHANGED, { cardId: s.ids.cardId, customerCardId: globalIdOf('CustomerCard', sameCard.id) });

    // Events arrive in the order they were written, so a leaked one would come first.
    await s.stampGraphQL(1, globalIdOf('CustomerCard', onOtherCard.id));
    await s.stampGraphQL(2, globalIdOf('CustomerCard', sameCard.id));
    await s.stampGraphQL(3);

    const ids = async (sse: typeof byStore, count: number) => {
      const seen = [];
      for (let i = 0; i < count; i++) seen.push((await sse.results.data()).stampsChanged.customerCard.databaseId);
      return seen;
    };
    expect(await ids(byCustomerCard, 1)).toEqual([s.customerCard.id]);
    expect(await ids(byCard, 2)).toEqual([sameCard.id, s.customerCard.id]);
    expect(await ids(byStore, 3)).toEqual([onOtherCard.id, sameCard.id, s.customerCard.id]);
    expect(await ids(both, 1)).toEqual([sameCard.id]);
    for (const sse of [byCustomerCard, byCard, byStore, both]) sse.close();
  });

  it('refuses a subscription without a token with 401 and UNAUTHENTICATED', async () => {
    const s = await scene();
    for (const token of [undefined, 'sl_not-a-real-token']) {
      const sse = await subscribeSse(t.url, token, STAMPS_CHANGED, { customerCardId: s.ids.customerCardId });
      expect(sse.status).toBe(401);
      const result = await sse.results.next();
      expect(result?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(result?.data).toBeUndefined();
      await sse.ended;
    }
  });

  it("refuses another store's ids with NOT_FOUND, alike for ids that name nothing, and never leaks its events", async () => {
    const s = await scene();
    const other = await newStore(t.runtime);
    for (const variables of [
      { customerCardId: s.ids.customerCardId },
      { cardId: s.ids.cardId },
      { storeId: s.ids.storeId },
      { customerCardId: globalIdOf('CustomerCard', 2_000_000_000) },
      { cardId: 'not-an-id' },
      { customerCardId: s.ids.cardId },
    ]) {
      const sse = await subscribeSse(t.url, other.token, STAMPS_CHANGED, variables);
      expect(sse.status).toBe(200);
      const result = await sse.results.next();
      expect(result?.data ?? null, JSON.stringify(variables)).toBeNull();
      expect(result?.errors?.[0]?.extensions?.code, JSON.stringify(variables)).toBe('NOT_FOUND');
      await sse.ended;
    }
    const own = await subscribeSse(t.url, other.token, STAMPS_CHANGED, { storeId: globalIdOf('Store', other.actor.storeId) });
    const { card } = await seedCard(deps(), other.actor);
    const { customerCard } = await seedCustomerCard(deps(), other.actor, card.id);
    await s.stampGraphQL(1);
    await api.data(other.token, ADD_STAMPS, { input: { customerCardId: globalIdOf('CustomerCard', customerCard.id), stamps: 1 } });
    expect((await own.results.data()).stampsChanged.customerCard.databaseId).toBe(customerCard.id);
    own.close();
  });

  it('refuses a subscription without any filter', async () => {
    const s = await scene();
    const sse = await subscribeSse(t.url, s.token, STAMPS_CHANGED, {});
    const result = await sse.results.next();
    expect(result?.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/at least one of customerCardId, cardId or storeId/),
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });
});

describe('stampsChanged over WebSocket (graphql-ws)', () => {
  it('pushes stamps written through either API to a connection authenticated in connection_init', async () => {
    const s = await scene();
    const ws = connectWs(t.url, { authorization: `Bearer ${s.token}` });
    await ws.acknowledged;
    const subscription = ws.subscribe(STAMPS_CHANGED, { cardId: s.ids.cardId });
    await waitForSubscribers(1);
    await s.stampRest(4);
    expect((await subscription.results.data()).stampsChanged).toMatchObject({
      kind: 'STAMP',
      delta: 4,
      customerCard: { databaseId: s.customerCard.id, stampsCount: 4 },
      ledgerEntry: { source: 'REST', balanceAfter: 4 },
    });
    await s.stampGraphQL(1);
    expect((await subscription.results.data()).stampsChanged.ledgerEntry).toMatchObject({ source: 'GRAPHQL', balanceAfter: 5 });
    subscription.complete();
    ws.close();
    await ws.closed;
  });

  it('takes the token from the upgrade request when connection_init carries none', async () => {
    const s = await scene();
    const ws = connectWs(t.url, undefined, { authorization: `Bearer ${s.token}` });
    await ws.acknowledged;
    const subscription = ws.subscribe(STAMPS_CHANGED, { customerCardId: s.ids.customerCardId });
    await waitForSubscribers(1);
    await s.stampGraphQL(2);
    expect((await subscription.results.data()).stampsChanged.delta).toBe(2);
    ws.close();
    await ws.closed;
  });

  it.each([
    ['no token at all', undefined, {}],
    ['an unknown token in connection_init', { authorization: 'Bearer sl_not-a-real-token' }, {}],
    ['an unknown token on the upgrade request', undefined, { authorization: 'Bearer sl_not-a-real-token' }],
  ])('closes a connection with %s with 4401', async (_label, init, headers) => {
    const ws = connectWs(t.url, init, headers);
    const { code, reason } = await ws.closed;
    expect(code).toBe(4401);
    expect(reason).toMatch(/Unauthorized/);
    await expect(ws.acknowledged).rejects.toThrow();
  });

  it("answers another store's ids with a NOT_FOUND error message and bad documents with error messages", async () => {
    const s = await scene();
    const other = await newStore(t.runtime);
    const ws = connectWs(t.url, { authorization: `Bearer ${other.token}` });
    await ws.acknowledged;
    const foreign = ws.subscribe(STAMPS_CHANGED, { customerCardId: s.ids.customerCardId });
    const result = await foreign.results.next();
    expect(result?.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    await foreign.completed;
    const syntax = ws.subscribe('subscription { stampsChanged(');
    expect((await syntax.results.next())?.errors?.[0]?.message).toMatch(/Syntax Error/);
    const invalid = ws.subscribe('subscription { stampsChanged(storeId: "x") { nope } }');
    expect((await invalid.results.next())?.errors?.[0]?.message).toMatch(/Cannot query field/);
    // The connection survives refused operations.
    expect(ws.socket.readyState).toBe(ws.socket.OPEN);
    ws.close();
    await ws.closed;
  });

  it('runs queries and mutations too, with the same token rules', async () => {
    const s = await scene();
    const ws = connectWs(t.url, { authorization: `Bearer ${s.token}` });
    await ws.acknowledged;
    const query = ws.subscribe('{ store { databaseId } }');
    expect(await query.results.data()).toEqual({ store: { databaseId: s.actor.storeId } });
    ws.close();
    await ws.closed;
  });
});

describe('sharing the work of an event among subscribers', () => {
  it('reads every event afresh: nothing a long subscription loaded before is reused', async () => {
    const s = await scene();
    const query = `subscription Watch($id: ID) {
      stampsChanged(customerCardId: $id) { customerCard { stampsCount availableRewards { name } card { name } } }
    }`;
    const sse = await subscribeSse(t.url, s.token, query, { id: s.ids.customerCardId });
    await s.stampGraphQL(2);
    expect((await sse.results.data()).stampsChanged.customerCard).toEqual({ stampsCount: 2, availableRewards: [], card: { name: 'Coffee' } });
    await createReward(deps(), s.actor, s.card.id, { name: 'Biscuit', stampsRequired: 1 });
    await deps().db.card.update({ where: { id: s.card.id }, data: { name: 'Coffee & more' } });
    await s.stampGraphQL(1);
    expect((await sse.results.data()).stampsChanged.customerCard).toEqual({
      stampsCount: 3,
      availableRewards: [{ name: 'Biscuit' }],
      card: { name: 'Coffee & more' },
    });
    sse.close();
  });


  it('reads the database for an event once per distinct selection, not once per subscriber', async () => {
    const s = await scene();
    // progressPercentage goes through a per-request DataLoader, which Prisma cannot batch across subscribers.
    const query = `subscription Watch($id: ID) {
      stampsChanged(customerCardId: $id) { delta customerCard { stampsCount progressPercentage } ledgerEntry { balanceAfter } }
    }`;
    const deliver = async (count: number) => {
      const streams = [];
      for (let i = 0; i < count; i++) streams.push(await subscribeSse(t.url, s.token, query, { id: s.ids.customerCardId }));
      await addStamps(deps(), systemActor(s.actor.storeId, WriteSource.REST), { customerCardId: s.customerCard.id, stamps: 1 });
      // The write's own statements are done once addStamps returns; what follows is delivery.
      const written = t.queries.length;
      for (const stream of streams) expect((await stream.results.data()).stampsChanged.delta).toBe(1);
      const reads = t.queries.length - written;
      for (const stream of streams) stream.close();
      await waitForSubscribers(0);
      return reads;
    };
    const one = await deliver(1);
    const many = await deliver(25);
    expect(one).toBeGreaterThan(0);
    expect(many).toBe(one);
  });
});

async function waitForSubscribers(count: number): Promise<void> {
  await eventually(() => t.server.liveStats().subscribers, (n) => n === count);
}
