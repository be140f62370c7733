import { beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/context.ts';
import { addStamps, redeemReward } from '../../src/domain/customer-cards/customer-card.service.ts';
import { globalIdOf } from '../../src/graphql/global-ids.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { graphqlClient } from '../helpers/graphql.ts';
import { eventually, subscribeSse } from '../helpers/live.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';

const t = useServer();
const api = graphqlClient(t);

// One page of customer cards with their card and the card's rewards: one statement per level.
const PAGE = `query Page($first: Int!) {
  store {
    customerCards(first: $first) {
      edges { node { id uuid stampsCount card { id name stampsRequired rewards(first: 10) { edges { node { id name stampsRequired } } } } } }
    }
  }
}`;

// The same page with every computed field: aggregates come from per-request DataLoaders, one statement each.
const PAGE_WITH_COMPUTED = `query Page($first: Int!) {
  store {
    customerCards(first: $first) {
      totalCount
      edges { node {
        id stampsCount stampsRemaining status progressPercentage cardName appleWalletUrl googleWalletUrl
        availableRewards { id name }
        customer { firstName stampCount }
        card { id name rewardsCount customerCardsCount rewards(first: 10) { totalCount edges { node { id name } } } }
      } }
    }
  }
}`;

let token: string;
let storeGid: string;
let customerCardIds: string[];
let actor: Actor;
/** A customer card of the first card and that card's cheapest reward (3 stamps). */
let firstCustomerCard: number;
let smallReward: number;

/** SQL statements a request sends, without the bearer-token lookup every request makes. */
async function statementsFor(query: string, first: number): Promise<string[]> {
  t.queries.length = 0;
  const data = await api.data(token, query, { first });
  expect(data.store.customerCards.edges).toHaveLength(first);
  return t.queries.filter((sql) => !/api_tokens/.test(sql));
}

beforeAll(async () => {
  const store = await newStore(t.runtime);
  token = store.token;
  storeGid = globalIdOf('Store', store.actor.storeId);
  actor = store.actor;
  const cards = [];
  for (let i = 0; i < 5; i++) {
    cards.push(
      await seedCard(t.runtime.deps, actor, { name: `Card ${i}` }, [
        { name: 'Small', stampsRequired: 3 },
        { name: 'Big', stampsRequired: 9 },
        { name: 'Off', stampsRequired: 5, active: false },
      ]),
    );
  }
  smallReward = cards[0]!.rewards[0]!.id;
  customerCardIds = [];
  for (let i = 0; i < 50; i++) {
    const { customerCard } = await seedCustomerCard(t.runtime.deps, actor, cards[i % cards.length]!.card.id);
    customerCardIds.push(globalIdOf('CustomerCard', customerCard.id));
    if (i === 0) firstCustomerCard = customerCard.id;
    // One stamp each, so the event log has 50 stamp events.
    await addStamps(t.runtime.deps, actor, { customerCardId: customerCard.id, stamps: 1 });
  }
}, 120_000);

describe('N+1 guard', () => {
  it('loads a page of 50 customer cards with their card and rewards in at most 4 statements, whatever the page size', async () => {
    const fifty = await statementsFor(PAGE, 50);
    const ten = await statementsFor(PAGE, 10);
    console.info(`N+1 guard: ${fifty.length} statements for 50 customer cards, ${ten.length} for 10`);
    expect(fifty.length).toBeLessThanOrEqual(4);
    expect(ten.length).toBe(fifty.length);
  });

  it('adds a constant number of batched statements for computed fields', async () => {
    const fifty = await statementsFor(PAGE_WITH_COMPUTED, 50);
    const ten = await statementsFor(PAGE_WITH_COMPUTED, 10);
    console.info(`N+1 guard (computed fields): ${fifty.length} statements for 50 customer cards, ${ten.length} for 10`);
    expect(ten.length).toBe(fifty.length);
    expect(fifty.length).toBeLessThanOrEqual(10);
  });

  it('lists a page of the event log with each event\'s customer card and ledger entry in a constant number of statements', async () => {
    const EVENTS = `query($last: Int!) { store { events(last: $last) {
      nodes { cursor kind delta customerCard { stampsCount card { name } } ledgerEntry { balanceAfter } } } } }`;
    const count = async (last: number) => {
      t.queries.length = 0;
      const data = await api.data(token, EVENTS, { last });
      expect(data.store.events.nodes).toHaveLength(last);
      return t.queries.filter((sql) => !/api_tokens/.test(sql)).length;
    };
    const fifty = await count(50);
    const ten = await count(10);
    console.info(`N+1 guard (events): ${fifty} statements for 50 events, ${ten} for 10`);
    expect(fifty).toBe(ten);
    expect(fifty).toBeLessThanOrEqual(6);
  });

  it('loads 50 nodes of one type with their card in one statement per level', async () => {
    t.queries.length = 0;
    const data = await api.data(
      token,
      'query($ids: [ID!]!) { nodes(ids: $ids) { id ... on CustomerCard { stampsCount card { name } } } }',
      { ids: customerCardIds },
    );
    expect(data.nodes.filter(Boolean)).toHaveLength(50);
    const statements = t.queries.filter((sql) => !/api_tokens/.test(sql));
    console.info(`N+1 guard (nodes): ${statements.length} statements for 50 customer cards by global id`);
    expect(statements.length).toBeLessThanOrEqual(2);
  });
});

describe('N+1 guard: resuming a stream', () => {
  beforeAll(async () => {
    // Two more events, the last a redemption: 52 in the log, so the last 50 follow a cursor.
    await addStamps(t.runtime.deps, actor, { customerCardId: firstCustomerCard, stamps: 2 });
    await redeemReward(t.runtime.deps, actor, { customerCardId: firstCustomerCard, rewardId: smallReward });
  });

  // What each replayed event selects: its ledger entry (and that entry's customer card and
  // redemption, relations of the entry) and its customer card with the card's rewards it covers.
  const SELECTION = `cursor kind delta
    ledgerEntry { databaseId kind delta balanceAfter createdAt customerCard { uuid } redemption { rewardName } }
    customerCard { uuid stampsCount availableRewards { name } }`;
  const RESUME = `subscription($storeId: ID!, $after: String!) { stampsChanged(storeId: $storeId, after: $after) { ${SELECTION} } }`;
  const LISTED = `query($after: String!, $first: Int!) { store { events(after: $after, first: $first) { nodes { ${SELECTION} } } } }`;

  /** Statements a resume over SSE sends to replay the store's last `count` events (50 events on 50 customer cards of 5 cards). */
  async function resumeStatements(count: number): Promise<number> {
    const { store } = await api.data(token, 'query { store { events(last: 51) { nodes { cursor } } } }');
    const nodes: Array<{ cursor: string }> = store.events.nodes;
    expect(nodes).toHaveLength(51);
    const after = nodes[nodes.length - count - 1]!.cursor;
    const listed = await api.data(token, LISTED, { after, first: count });

    await eventually(() => t.server.liveStats().subscribers, (n) => n === 0);
    t.queries.length = 0;
    const stream = await subscribeSse(t.url, token, RESUME, { storeId: storeGid, after });
    try {
      const replayed = [];
      for (let i = 0; i < count; i++) replayed.push((await stream.results.data()).stampsChanged);
      // Each event is read together with its page, yet resolves to its own records.
      expect(replayed).toEqual(listed.store.events.nodes);
      return t.queries.filter((sql) => !/api_tokens/.test(sql)).length;
    } finally {
      stream.close();
    }
  }

  it('replays events with their ledger entry and customer card in a number of statements independent of how many', async () => {
    const fifty = await resumeStatements(50);
    const ten = await resumeStatements(10);
    console.info(`N+1 guard (resume): ${fifty} statements to replay 50 events, ${ten} for 10`);
    expect(fifty).toBe(ten);
    expect(fifty).toBeLessThanOrEqual(12);
  });
});
