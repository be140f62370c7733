import { describe, expect, it } from 'vitest';
import { addStamps } from '../../src/domain/customer-cards/customer-card.service.ts';
import { hashToken } from '../../src/domain/stores/store.service.ts';
import { globalIdOf } from '../../src/graphql/global-ids.ts';
import { LiveConnections } from '../../src/http/live-connections.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { postGraphQL } from '../helpers/graphql.ts';
import { connectWs, eventually, type LiveResult, subscribeSse, type WsConnection } from '../helpers/live.ts';
import { newStore, type TestStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';

// No token cache: a revocation counts from the next lookup, and the sweep runs every half second.
const t = useServer({ TOKEN_CACHE_SECONDS: '0' });

const ADD_STAMPS = 'mutation ($input: AddStampsInput!) { addStamps(input: $input) { customerCard { stampsCount } userErrors { message } } }';
const UPDATE_STORE = 'mutation ($input: UpdateStoreInput!) { updateStore(input: $input) { store { name } userErrors { message } } }';
const EMAILS = '{ store { customers(first: 10) { edges { node { email } } } } }';
const WATCH = 'subscription ($s: ID) { stampsChanged(storeId: $s) { delta customerCard { customer { email phone } } } }';

/**
 * Revokes the token in the database only, as another gateway (or an operator) does without telling
 * this one: what the gateway must notice by itself.
 */
async function revokeBehindTheGatewaysBack(token: string) {
  await t.runtime.deps.db.apiToken.update({ where: { tokenHash: hashToken(token) }, data: { revokedAt: new Date() } });
}

async function scene() {
  const store = await newStore(t.runtime);
  const { card } = await seedCard(t.runtime.deps, store.actor);
  const { customerCard } = await seedCustomerCard(t.runtime.deps, store.actor, card.id);
  return { store, customerCard };
}

async function openSocket(store: TestStore): Promise<WsConnection> {
  const socket = connectWs(t.url, { authorization: `Bearer ${store.token}` });
  await socket.acknowledged;
  return socket;
}

/** Runs one operation on the socket: its first result, or undefined when the socket closed first. */
async function run(socket: WsConnection, query: string, variables: Record<string, unknown> = {}): Promise<LiveResult | undefined> {
  const operation = socket.subscribe(query, variables);
  return operation.results.next();
}

/** Stamps until both subscriptions have delivered (graphql-ws does not acknowledge a subscription). */
async function stampUntilBothStream(store: TestStore, customerCardId: number, ...inboxes: Array<{ received: LiveResult[] }>) {
  await eventually(
    async () => {
      await addStamps(t.runtime.deps, store.actor, { customerCardId, stamps: 1 });
      return inboxes.map((inbox) => inbox.received.length);
    },
    (counts) => counts.every((count) => count > 0),
  );
}

describe('a token revoked while a WebSocket is open', () => {
  it('can no longer stamp, update the store or read customer emails on that socket: UNAUTHENTICATED, then close 4401', async () => {
    const { store, customerCard } = await scene();
    const stamp = { input: { customerCardId: globalIdOf('CustomerCard', customerCard.id), stamps: 1 } };
    const rename = { input: { id: globalIdOf('Store', store.actor.storeId), name: 'Renamed after revocation' } };
    const sockets = [await openSocket(store), await openSocket(store), await openSocket(store)];
    // The same sockets work before the revocation.
    expect((await run(sockets[0]!, ADD_STAMPS, stamp))?.data?.addStamps.customerCard.stampsCount).toBe(1);
    expect((await run(sockets[1]!, EMAILS))?.data?.store.customers.edges).toHaveLength(1);

    await revokeBehindTheGatewaysBack(store.token);
    const results = await Promise.all([
      run(sockets[0]!, ADD_STAMPS, stamp),
      run(sockets[1]!, UPDATE_STORE, rename),
      run(sockets[2]!, EMAILS),
    ]);
    for (const [i, result] of results.entries()) {
      // Refused when it ran, or the sweep closed the socket just before: either way, nothing ran.
      if (result) expect(result, `operation ${i}`).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
      expect(result?.data, `operation ${i}`).toBeUndefined();
      expect((await sockets[i]!.closed).code).toBe(4401);
    }
    const stored = await t.runtime.deps.db.customerCard.findUniqueOrThrow({ where: { id: customerCard.id } });
    expect(stored.stampsCount).toBe(1);
    const storeRow = await t.runtime.deps.db.store.findUniqueOrThrow({ where: { id: store.actor.storeId } });
    expect(storeRow.name).not.toBe('Renamed after revocation');
  });
});

describe('live connections of a credential that stops working', () => {
  it('ends SSE and WebSocket subscriptions of a revoked token (coded error event, then the end; close 4401 with a reason)', async () => {
    const { store, customerCard } = await scene();
    const variables = { s: globalIdOf('Store', store.actor.storeId) };
    const sse = await subscribeSse(t.url, store.token, WATCH, variables);
    expect(sse.status).toBe(200);
    const socket = await openSocket(store);
    const ws = socket.subscribe(WATCH, variables);
    // Both stream until the revocation.
    await stampUntilBothStream(store, customerCard.id, sse.results, ws.results);

    await revokeBehindTheGatewaysBack(store.token);
    const closed = await socket.closed;
    expect(closed.code).toBe(4401);
    expect(closed.reason).toMatch(/revoked/);
    await sse.ended;
    const last = sse.results.received.at(-1);
    expect(last).toMatchObject({ errors: [{ message: 'The API token was revoked', extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(sse.completed()).toBe(true);

    // Nothing of later stamps reaches the ended streams, and their slots are free.
    const seen = sse.results.received.length;
    await addStamps(t.runtime.deps, store.actor, { customerCardId: customerCard.id, stamps: 1 });
    expect(sse.results.received.length).toBe(seen);
    const live = LiveConnections.of(t.runtime);
    await eventually(
      () => live.count({ kind: 'token', tokenHash: hashToken(store.token) }),
      (open) => open === 0,
    );
    // And the token is refused over HTTP.
    expect((await postGraphQL(t, '{ store { name } }', { token: store.token })).status).toBe(401);
  });

  it("ends a customer page's SSE stream and WebSocket when its card no longer exists", async () => {
    const { store, customerCard } = await scene();
    const holder = `CustomerCard ${customerCard.uuid}`;
    const watch = 'subscription ($c: ID) { stampsChanged(customerCardId: $c) { delta } }';
    const variables = { c: globalIdOf('CustomerCard', customerCard.id) };
    const sse = await subscribeSse(t.url, undefined, watch, variables, holder);
    expect(sse.status).toBe(200);
    const socket = connectWs(t.url, { authorization: holder });
    await socket.acknowledged;
    const ws = socket.subscribe(watch, variables);
    await stampUntilBothStream(store, customerCard.id, sse.results, ws.results);

    await t.runtime.deps.db.customerCard.delete({ where: { id: customerCard.id } });
    expect(await socket.closed).toMatchObject({ code: 4401, reason: 'The customer card no longer exists' });
    await sse.ended;
    expect(sse.results.received.at(-1)).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
  });

  it('leaves the connections of other tokens streaming', async () => {
    const revoked = await scene();
    const kept = await scene();
    const sse = await subscribeSse(t.url, kept.store.token, WATCH, { s: globalIdOf('Store', kept.store.actor.storeId) });
    const socket = await openSocket(kept.store);
    const doomed = await subscribeSse(t.url, revoked.store.token, WATCH, { s: globalIdOf('Store', revoked.store.actor.storeId) });
    await revokeBehindTheGatewaysBack(revoked.store.token);
    await doomed.ended;
    // Past a sweep that ended the revoked token's stream, the others still deliver and still run operations.
    await addStamps(t.runtime.deps, kept.store.actor, { customerCardId: kept.customerCard.id, stamps: 2 });
    expect((await sse.results.data()).stampsChanged.delta).toBe(2);
    expect((await run(socket, '{ store { name } }'))?.data?.store.name).toBeTruthy();
    sse.close();
    socket.close();
  });
});
