import { beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/context.ts';
import { addStamps } from '../../src/domain/customer-cards/customer-card.service.ts';
import { globalIdOf } from '../../src/graphql/global-ids.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { graphqlClient } from '../helpers/graphql.ts';
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
let customerCardIds: string[];

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
  const actor: Actor = store.actor;
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
  customerCardIds = [];
  for (let i = 0; i < 50; i++) {
    const { customerCard } = await seedCustomerCard(t.runtime.deps, actor, cards[i % cards.length]!.card.id);
    customerCardIds.push(globalIdOf('CustomerCard', customerCard.id));
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
