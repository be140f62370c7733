import { describe, expect, it } from 'vitest';
import { addStamps } from '../../src/domain/customer-cards/customer-card.service.ts';
import { globalIdOf } from '../../src/graphql/global-ids.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { graphqlClient } from '../helpers/graphql.ts';
import { connectWs, eventually, subscribeSse } from '../helpers/live.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';

// A customer page authenticates with its card's uuid and may read and watch that card only.
const t = useServer({ PUBLIC_URL: 'https://stamps.example' });
const api = graphqlClient(t);
const deps = () => t.runtime.deps;

async function post(authorization: string | undefined, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary shapes
  return { status: response.status, body: (await response.json()) as any };
}

/** A store with two customer cards on one card, and a second store with a card of its own. */
async function scene() {
  const store = await newStore(t.runtime);
  const { card, rewards } = await seedCard(deps(), store.actor, { name: 'Coffee', cardColor: '#1D4ED8' }, [
    { name: 'Free coffee', stampsRequired: 4 },
    { name: 'Cake', stampsRequired: 8 },
  ]);
  const mine = await seedCustomerCard(deps(), store.actor, card.id);
  const neighbour = await seedCustomerCard(deps(), store.actor, card.id);
  const other = await newStore(t.runtime);
  const { card: otherCard } = await seedCard(deps(), other.actor);
  const stranger = await seedCustomerCard(deps(), other.actor, otherCard.id);
  return {
    store,
    card,
    rewards,
    mine: mine.customerCard,
    holder: `CustomerCard ${mine.customerCard.uuid}`,
    ids: {
      mine: globalIdOf('CustomerCard', mine.customerCard.id),
      neighbour: globalIdOf('CustomerCard', neighbour.customerCard.id),
      stranger: globalIdOf('CustomerCard', stranger.customerCard.id),
      card: globalIdOf('Card', card.id),
      store: globalIdOf('Store', store.actor.storeId),
      customer: globalIdOf('Customer', mine.customer.id),
    },
  };
}

const PAGE_QUERY = `{
  viewerCustomerCard {
    id uuid stampsCount stampsRemaining progressPercentage status pageUrl
    nextReward { name stampsRequired }
    availableRewards { name }
    card { name cardColor textColor stampIcon stampColor stampsRequired rewards(first: 10, active: true) { edges { node { name stampsRequired } } } }
  }
}`;

describe('a customer page (Authorization: CustomerCard <uuid>)', () => {
  it('reads its own card, with the page URL and the next reward', async () => {
    const s = await scene();
    await addStamps(deps(), s.store.actor, { customerCardId: s.mine.id, stamps: 5 });
    const { status, body } = await post(s.holder, PAGE_QUERY);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.viewerCustomerCard).toMatchObject({
      id: s.ids.mine,
      stampsCount: 5,
      stampsRemaining: 5,
      status: 'ACTIVE',
      pageUrl: `https://stamps.example/cards/${s.mine.uuid}`,
      nextReward: { name: 'Cake', stampsRequired: 8 },
      availableRewards: [{ name: 'Free coffee' }],
      card: { name: 'Coffee', cardColor: '#1D4ED8', stampsRequired: 10 },
    });
    expect(body.data.viewerCustomerCard.card.rewards.edges).toHaveLength(2);
  });

  it('is null for an API token, which reads the page URL through its store', async () => {
    const s = await scene();
    const data = await api.data(s.store.token, `{ viewerCustomerCard { id } store { customerCard(databaseId: ${s.mine.id}) { pageUrl } } }`);
    expect(data).toEqual({ viewerCustomerCard: null, store: { customerCard: { pageUrl: `https://stamps.example/cards/${s.mine.uuid}` } } });
  });

  it.each([
    ['an unknown uuid', 'CustomerCard 00000000-0000-4000-8000-000000000000'],
    ['a malformed uuid', 'CustomerCard nope'],
    ['an API token under the card scheme', 'CustomerCard sl_not_a_card'],
  ])('is refused like a missing token for %s', async (_case, authorization) => {
    const { status, body } = await post(authorization, '{ viewerCustomerCard { id } }');
    expect(status).toBe(401);
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(body.data).toBeUndefined();
  });

  it.each([
    ['the store', '{ store { displayStoreName } }', 'Query.store'],
    ['any node', `query($id: ID!) { node(id: $id) { id } }`, 'Query.node'],
    ['its customer', '{ viewerCustomerCard { customer { email } } }', 'CustomerCard.customer'],
    ['the store id of its card', '{ viewerCustomerCard { accountId } }', 'CustomerCard.accountId'],
    ['the other holders of its card', '{ viewerCustomerCard { card { customerCards(first: 5) { edges { node { uuid } } } } } }', 'Card.customerCards'],
    ['the card counts', '{ viewerCustomerCard { card { customerCardsCount } } }', 'Card.customerCardsCount'],
    ['the ledger with idempotency keys', '{ viewerCustomerCard { ledgerEntries(last: 5) { edges { node { idempotencyKey } } } } }', 'CustomerCard.ledgerEntries'],
    ['a reward\'s card', '{ viewerCustomerCard { availableRewards { card { name } } } }', 'Reward.card'],
    ['the schema', '{ __schema { types { name } } }', 'Query.__schema'],
    ['a write', `mutation($id: ID!) { addStamps(input: { customerCardId: $id, stamps: 1 }) { userErrors { code } } }`, 'Mutation.addStamps'],
  ])('cannot reach %s', async (_case, query, field) => {
    const s = await scene();
    const { status, body } = await post(s.holder, query, query.includes('$id') ? { id: s.ids.neighbour } : {});
    expect(status).toBe(200);
    expect(body.data ?? null).toBeNull();
    expect(body.errors).toEqual([
      { message: `${field} is not available to a customer page`, extensions: { code: 'FORBIDDEN' } },
    ]);
  });

  it('changes nothing when it tries to stamp', async () => {
    const s = await scene();
    await post(s.holder, `mutation($id: ID!) { addStamps(input: { customerCardId: $id, stamps: 3 }) { userErrors { code } } }`, { id: s.ids.mine });
    const after = await deps().db.customerCard.findUniqueOrThrow({ where: { id: s.mine.id } });
    expect(after.stampsCount).toBe(0);
  });
});

const WATCH = `subscription($customerCardId: ID, $cardId: ID, $storeId: ID) {
  stampsChanged(customerCardId: $customerCardId, cardId: $cardId, storeId: $storeId) {
    kind delta ledgerEntry { balanceAfter } customerCard { stampsCount nextReward { name } }
  }
}`;

describe("a customer page's stampsChanged", () => {
  it('delivers the changes of its own card and no other, over SSE', async () => {
    const s = await scene();
    const sub = await subscribeSse(t.url, undefined, WATCH, { customerCardId: s.ids.mine }, s.holder);
    try {
      expect(sub.status).toBe(200);
      const neighbour = await deps().db.customerCard.findFirstOrThrow({ where: { cardId: s.card.id, NOT: { id: s.mine.id } } });
      await addStamps(deps(), s.store.actor, { customerCardId: neighbour.id, stamps: 2 });
      await addStamps(deps(), s.store.actor, { customerCardId: s.mine.id, stamps: 3 });
      expect(await sub.results.data()).toEqual({
        stampsChanged: { kind: 'STAMP', delta: 3, ledgerEntry: { balanceAfter: 3 }, customerCard: { stampsCount: 3, nextReward: { name: 'Free coffee' } } },
      });
    } finally {
      sub.close();
    }
  });

  it('delivers over graphql-ws with the card in connection_init', async () => {
    const s = await scene();
    const ws = connectWs(t.url, { authorization: s.holder });
    try {
      await ws.acknowledged;
      const before = t.server.liveStats().subscribers;
      const sub = ws.subscribe(WATCH, { customerCardId: s.ids.mine });
      await eventually(() => t.server.liveStats().subscribers, (n) => n > before);
      await addStamps(deps(), s.store.actor, { customerCardId: s.mine.id, stamps: 1 });
      expect((await sub.results.data()).stampsChanged).toMatchObject({ delta: 1, ledgerEntry: { balanceAfter: 1 } });
    } finally {
      ws.close();
    }
  });

  it.each([
    ['another card of its store', (ids: Record<string, string>) => ({ customerCardId: ids.neighbour }), 'customerCardId'],
    ['a card of another store', (ids: Record<string, string>) => ({ customerCardId: ids.stranger }), 'customerCardId'],
    ['its card template', (ids: Record<string, string>) => ({ customerCardId: ids.mine, cardId: ids.card }), 'cardId'],
    ['its store', (ids: Record<string, string>) => ({ storeId: ids.store }), 'storeId'],
  ])('refuses %s as NOT_FOUND', async (_case, variables, field) => {
    const s = await scene();
    const sub = await subscribeSse(t.url, undefined, WATCH, variables(s.ids), s.holder);
    const result = await sub.results.next();
    expect(result?.data ?? null).toBeNull();
    expect(result?.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', fields: { [field]: [expect.any(String)] } });
    await sub.ended;
  });

  it("lists its own card's events and resumes its stream after one, seeing nothing of other cards", async () => {
    const s = await scene();
    const neighbour = await deps().db.customerCard.findFirstOrThrow({ where: { cardId: s.card.id, NOT: { id: s.mine.id } } });
    await addStamps(deps(), s.store.actor, { customerCardId: s.mine.id, stamps: 1 });
    await addStamps(deps(), s.store.actor, { customerCardId: neighbour.id, stamps: 2 });
    const { body } = await post(s.holder, '{ viewerCustomerCard { events(last: 5) { nodes { id cursor delta } } } }');
    expect(body.errors).toBeUndefined();
    const events = body.data.viewerCustomerCard.events.nodes;
    expect(events.map((event: { delta: number }) => event.delta)).toEqual([1]);
    await addStamps(deps(), s.store.actor, { customerCardId: neighbour.id, stamps: 1 });
    await addStamps(deps(), s.store.actor, { customerCardId: s.mine.id, stamps: 3 });
    const resumed = await subscribeSse(
      t.url,
      undefined,
      'subscription($id: ID, $after: String) { stampsChanged(customerCardId: $id, after: $after) { cursor delta } }',
      { id: s.ids.mine, after: events[0].cursor },
      s.holder,
    );
    try {
      expect((await resumed.results.data()).stampsChanged.delta).toBe(3);
    } finally {
      resumed.close();
    }
  });

  it('cannot select beyond the card in its events', async () => {
    const s = await scene();
    const sub = await subscribeSse(t.url, undefined, `subscription($id: ID) { stampsChanged(customerCardId: $id) { customerCard { customer { firstName } } } }`, { id: s.ids.mine }, s.holder);
    const result = await sub.results.next();
    expect(result?.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    await sub.ended;
  });
});
