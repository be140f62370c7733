import { beforeAll, describe, expect, it } from 'vitest';
import { setCardArchived } from '../../src/domain/cards/card.service.ts';
import { addStamps } from '../../src/domain/customer-cards/customer-card.service.ts';
import { createCustomer, updateCustomer } from '../../src/domain/customers/customer.service.ts';
import { seedCard } from '../helpers/factories.ts';
import { graphqlClient } from '../helpers/graphql.ts';
import { newStore, type TestStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';

const t = useServer();
const api = graphqlClient(t);

let s: TestStore;

// Created in this order; names, stamps and update times deliberately disagree with it.
const PEOPLE = [
  { firstName: 'Cleo', lastName: 'Zed', stamps: 2 },
  { firstName: 'Abe', lastName: null, stamps: 5 },
  { firstName: 'Bea', lastName: 'Young', stamps: 0 },
  { firstName: 'Abe', lastName: 'Xu', stamps: 3 },
];

beforeAll(async () => {
  s = await newStore(t.runtime);
  const deps = t.runtime.deps;
  const { card } = await seedCard(deps, s.actor, { name: 'Five', stampsRequired: 5 });
  const { card: old } = await seedCard(deps, s.actor, { name: 'Old', stampsRequired: 5 });
  const ids = [];
  for (const [i, person] of PEOPLE.entries()) {
    const { customer, customerCard } = await createCustomer(
      deps,
      s.actor,
      { firstName: person.firstName, lastName: person.lastName ?? undefined, email: `p${i}@example.com` },
      { cardId: card.id },
    );
    if (person.stamps > 0) await addStamps(deps, s.actor, { customerCardId: customerCard!.id, stamps: person.stamps });
    ids.push(customer.id);
  }
  await createCustomer(deps, s.actor, { firstName: 'Dot', email: 'dot@example.com' }, { cardId: old.id });
  await setCardArchived(deps, s.actor, old.id, true);
  // Touch the first customer last, so UPDATED_AT puts it last.
  await new Promise((resolve) => setTimeout(resolve, 20));
  await updateCustomer(deps, s.actor, ids[0]!, { metadata: { touched: true } });
});

const names = (nodes: Array<{ firstName?: string; customer?: { firstName: string; lastName: string | null } }>) =>
  nodes.map((node) => {
    const person = node.customer ?? (node as { firstName: string; lastName: string | null });
    return `${person.firstName} ${person.lastName ?? '-'}`;
  });

/** Every page of a list, `size` at a time, following endCursor. */
async function allPages(query: string, variables: Record<string, unknown>, pick: (data: { store: Record<string, unknown> }) => unknown, size = 2) {
  const seen: never[] = [];
  let after: string | null = null;
  for (let page = 0; page < 10; page++) {
    const data = await api.data(s.token, query, { ...variables, first: size, after });
    const list = pick(data) as { nodes: never[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    seen.push(...list.nodes);
    if (!list.pageInfo.hasNextPage) return seen;
    after = list.pageInfo.endCursor;
  }
  throw new Error('too many pages');
}

const CUSTOMERS = `query Customers($orderBy: CustomerOrder, $first: Int, $after: String) { store {
  customers(orderBy: $orderBy, first: $first, after: $after) { nodes { firstName lastName } pageInfo { hasNextPage endCursor } } } }`;

const CUSTOMER_CARDS = `query CustomerCards($orderBy: CustomerCardOrder, $status: CustomerCardStatus, $first: Int, $after: String) { store {
  customerCards(orderBy: $orderBy, status: $status, first: $first, after: $after) {
    totalCount nodes { stampsCount status customer { firstName lastName } } pageInfo { hasNextPage endCursor } } } }`;

describe('customers orderBy', () => {
  it('sorts by name both ways, paging through the cursors', async () => {
    const asc = await allPages(CUSTOMERS, { orderBy: { field: 'NAME' } }, (d) => d.store.customers);
    expect(names(asc)).toEqual(['Abe -', 'Abe Xu', 'Bea Young', 'Cleo Zed', 'Dot -']);
    const desc = await allPages(CUSTOMERS, { orderBy: { field: 'NAME', direction: 'DESC' } }, (d) => d.store.customers);
    expect(names(desc)).toEqual(['Dot -', 'Cleo Zed', 'Bea Young', 'Abe Xu', 'Abe -']);
  });

  it('sorts by update time and by creation by default', async () => {
    const updated = await allPages(CUSTOMERS, { orderBy: { field: 'UPDATED_AT' } }, (d) => d.store.customers);
    expect(names(updated).at(-1)).toBe('Cleo Zed');
    const created = await allPages(CUSTOMERS, {}, (d) => d.store.customers);
    expect(names(created)).toEqual(['Cleo Zed', 'Abe -', 'Bea Young', 'Abe Xu', 'Dot -']);
  });
});

describe('customer cards orderBy and status', () => {
  it('sorts by stamps, most first, paging through the cursors', async () => {
    const cards = await allPages(CUSTOMER_CARDS, { orderBy: { field: 'STAMPS', direction: 'DESC' } }, (d) => d.store.customerCards);
    expect(cards.map((card: { stampsCount: number }) => card.stampsCount)).toEqual([5, 3, 2, 0, 0]);
  });

  it("sorts by the customer's name", async () => {
    const cards = await allPages(CUSTOMER_CARDS, { orderBy: { field: 'NAME' } }, (d) => d.store.customerCards);
    expect(names(cards)).toEqual(['Abe -', 'Abe Xu', 'Bea Young', 'Cleo Zed', 'Dot -']);
  });

  it('filters by status, counting only what matches', async () => {
    for (const [status, expected] of [
      ['COMPLETED', ['Abe -']],
      ['ACTIVE', ['Cleo Zed', 'Bea Young', 'Abe Xu']],
      ['ARCHIVED', ['Dot -']],
    ] as const) {
      const data = await api.data(s.token, CUSTOMER_CARDS, { status, first: 10 });
      expect(names(data.store.customerCards.nodes)).toEqual(expected);
      expect(data.store.customerCards.totalCount).toBe(expected.length);
      for (const node of data.store.customerCards.nodes) expect(node.status).toBe(status);
    }
  });

  it('filters the lists of a card and of a customer alike', async () => {
    const data = await api.data(
      s.token,
      `{ store { cards { nodes { name customerCards(status: ACTIVE, orderBy: { field: STAMPS, direction: DESC }) { nodes { stampsCount } } } } } }`,
    );
    expect(data.store.cards.nodes[0].customerCards.nodes.map((n: { stampsCount: number }) => n.stampsCount)).toEqual([3, 2, 0]);
  });
});
