import { formatPrismaCursor } from '@pothos/plugin-prisma';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCustomer } from '../../src/domain/customers/customer.service.ts';
import { type CursorSeal, loadCursorSeal } from '../../src/graphql/cursors.ts';
import { seedCard } from '../helpers/factories.ts';
import { graphqlClient } from '../helpers/graphql.ts';
import { newStore, type TestStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';
import { captureLog } from '../helpers/log.ts';

const t = useServer();
const api = graphqlClient(t);

const base64 = (text: string) => Buffer.from(text).toString('base64');

/** Cursors a client might make up; none of them was handed out, so every one is refused alike. */
const FORGED = [
  base64('GPC:N:NaN'),
  base64('GPC:N:1e308'),
  base64('GPC:N:-1'),
  base64(`GPC:N:${'9'.repeat(400)}`),
  base64('GPC:N:1'),
  base64('GPC:O:{"id":1}'),
  base64('GPC:T:["N:1"]'),
  base64('GPC:S:1'),
  base64('GPC:J:[1]'),
  base64('XYZ:N:1'),
  base64('{"id":1}'),
  'garbage',
  '',
  'AAAAAQAAAAAAAAAAAAAAAA',
  'x'.repeat(10_000),
  '\u0000',
];

let a: TestStore;
let b: TestStore;
let seal: CursorSeal;
let aCustomerId: number;

beforeAll(async () => {
  a = await newStore(t.runtime);
  b = await newStore(t.runtime);
  seal = await loadCursorSeal(t.runtime.deps.db);
  for (const name of ['Ann', 'Bob', 'Cy']) {
    const created = await createCustomer(t.runtime.deps, a.actor, { firstName: name, email: `${name}@a.example` });
    aCustomerId = created.customer.id;
  }
  for (const name of ['Dee', 'Eve', 'Fay']) await createCustomer(t.runtime.deps, b.actor, { firstName: name, email: `${name}@b.example` });
  await seedCard(t.runtime.deps, b.actor, { name: 'B card' });
});

afterEach(() => {
  vi.restoreAllMocks();
});

const PAGE = `query Page($after: String, $first: Int) { store { name
  customers(first: $first, after: $after) { totalCount nodes { firstName } pageInfo { hasNextPage hasPreviousPage endCursor } }
  cards { totalCount } } }`;

describe('cursors', () => {
  it('page forwards and backwards with the cursors a list hands out', async () => {
    const first = (await api.data(b.token, PAGE, { first: 2 })).store.customers;
    expect(first.nodes.map((c: { firstName: string }) => c.firstName)).toEqual(['Dee', 'Eve']);
    const rest = (await api.data(b.token, PAGE, { first: 2, after: first.pageInfo.endCursor })).store.customers;
    expect(rest.nodes.map((c: { firstName: string }) => c.firstName)).toEqual(['Fay']);
    const back = await api.data(b.token, `query($before: String) { store { customers(last: 5, before: $before) { nodes { firstName } } } }`, {
      before: first.pageInfo.endCursor,
    });
    expect(back.store.customers.nodes.map((c: { firstName: string }) => c.firstName)).toEqual(['Dee']);
  });

  it.each(FORGED.map((cursor) => [cursor.slice(0, 40), cursor]))('refuse a forged cursor (%s) on that list only, with BAD_USER_INPUT', async (_label, after) => {
    const response = await api.errors(b.token, PAGE, { after });
    expect(response.status).toBe(200);
    expect(response.body.errors).toHaveLength(1);
    expect(response.body.errors?.[0]).toMatchObject({ path: ['store', 'customers'], extensions: { code: 'BAD_USER_INPUT' } });
    expect(response.body.data).toEqual({ store: { name: expect.any(String), customers: null, cards: { totalCount: 1 } } });
  });

  it('refuse a cursor of another store exactly like one naming nothing', async () => {
    const answer = async (after: string) => {
      const response = await api.raw(PAGE, { token: b.token, variables: { after } });
      return { status: response.status, body: response.body };
    };
    // As a client could write them: the plugin's own format, naming A's customer or no record.
    expect(await answer(base64(`GPC:N:${aCustomerId}`))).toEqual(await answer(base64('GPC:N:2000000000')));
    // A cursor A was handed, replayed by B.
    const aCursor = (await api.data(a.token, PAGE, { first: 1 })).store.customers.pageInfo.endCursor;
    expect(await answer(aCursor)).toEqual(await answer(base64('GPC:N:2000000000')));
  });

  it('page from a correctly sealed position of another store exactly as from a position naming nothing', async () => {
    // Even a cursor the gateway had sealed for B's customers list cannot reach A's record: the page
    // starts from a record of B's own or from none.
    const sealed = (id: number) => seal.seal(formatPrismaCursor({ id }, 'id'), { storeId: b.actor.storeId, model: 'Customer' });
    const foreign = await api.raw(PAGE, { token: b.token, variables: { after: sealed(aCustomerId) } });
    const nowhere = await api.raw(PAGE, { token: b.token, variables: { after: sealed(2_000_000_000) } });
    expect(foreign.body).toEqual(nowhere.body);
    expect(foreign.body.data.store.customers.nodes).toEqual([]);
  });

  it('refuse a cursor of another list of the same store', async () => {
    const cardCursor = (await api.data(b.token, '{ store { cards { pageInfo { endCursor } } } }')).store.cards.pageInfo.endCursor;
    const response = await api.errors(b.token, PAGE, { after: cardCursor });
    expect(response.body.errors?.[0]).toMatchObject({ path: ['store', 'customers'], extensions: { code: 'BAD_USER_INPUT' } });
  });
});

describe('a bad page argument errors its own field only', () => {
  it.each([
    ['first: -1', { first: -1 }],
    ['first: 101', { first: 101 }],
    ['a garbage cursor', { after: 'garbage' }],
  ])('%s: siblings keep their data, the field is null with BAD_USER_INPUT, and the log has one line', async (_label, variables) => {
    const log = captureLog();
    const response = await api.raw(PAGE, { token: b.token, variables });
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ store: { name: expect.any(String), customers: null, cards: { totalCount: 1 } } });
    expect(response.body.errors).toEqual([expect.objectContaining({ path: ['store', 'customers'], extensions: { code: 'BAD_USER_INPUT' } })]);
    expect(log.messages('error')).toEqual([]);
    expect(log.messages('warn')).toHaveLength(1);
    const line = log.messages('warn')[0]!;
    expect(line).toMatch(/store\.customers.*BAD_USER_INPUT/);
    expect(line).not.toMatch(/\n/);
    expect(log.lines.find((l) => l.level === 'warn')).not.toHaveProperty('err');
  });

  it('a nested list with a bad argument errors that list, not its parent', async () => {
    const response = await api.raw('{ store { cards { nodes { name rewards(first: -1) { totalCount } } } } }', { token: b.token });
    expect(response.body.data.store.cards.nodes).toEqual([{ name: 'B card', rewards: null }]);
    expect(response.body.errors?.[0]).toMatchObject({ path: ['store', 'cards', 'nodes', 0, 'rewards'], extensions: { code: 'BAD_USER_INPUT' } });
  });
});
