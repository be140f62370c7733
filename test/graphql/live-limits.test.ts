import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { addStamps } from '../../src/domain/customer-cards/customer-card.service.ts';
import { globalIdOf } from '../../src/graphql/global-ids.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { connectWs, openOnceFreed, subscribeSse } from '../helpers/live.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';

const t = useServer({ LIVE_CONNECTIONS_PER_TOKEN: '2', SUBSCRIPTIONS_PER_WEBSOCKET: '3' });
const WATCH = 'subscription($s: ID) { stampsChanged(storeId: $s) { delta } }';

/**
 * A subscription request sent as is (no Accept unless given, GET or POST), held open until `close`;
 * resolves with the status once the head arrives.
 */
function openRaw(method: 'GET' | 'POST', token: string, query: string, variables: Record<string, unknown>, accept?: string) {
  const params = new URLSearchParams({ query, variables: JSON.stringify(variables) });
  const body = method === 'POST' ? JSON.stringify({ query, variables }) : undefined;
  return new Promise<{ status: number; close: () => void }>((resolve, reject) => {
    const request = httpRequest(`${t.url}/graphql${method === 'GET' ? `?${params}` : ''}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(accept ? { accept } : {}),
        ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
      },
    });
    request.on('response', (response) => {
      response.resume();
      resolve({ status: response.statusCode ?? 0, close: () => request.destroy() });
    });
    request.on('error', reject);
    request.end(body);
  });
}

describe('live connection limits count every way of opening a stream', () => {
  it.each([
    ['POST, Accept: */*', 'POST', '*/*'],
    ['GET without Accept', 'GET', undefined],
    ['POST without Accept', 'POST', undefined],
  ] as const)('%s streams count against the token (the third is refused) and free their slot when closed', async (_name, method, accept) => {
    const a = await newStore(t.runtime);
    const variables = { s: globalIdOf('Store', a.actor.storeId) };
    const first = await openRaw(method, a.token, WATCH, variables, accept);
    const second = await openRaw(method, a.token, WATCH, variables, accept);
    expect([first.status, second.status]).toEqual([200, 200]);
    const third = await openRaw(method, a.token, WATCH, variables, accept);
    expect(third.status).toBe(429);
    // Whichever way the next one asks.
    const sse = await subscribeSse(t.url, a.token, WATCH, variables);
    expect(sse.status).toBe(429);
    first.close();
    const again = await openOnceFreed(() => openRaw(method, a.token, WATCH, variables, accept));
    for (const stream of [second, third, again]) stream.close();
  });

  it('holds no slot for a subscription the gateway could not stream (nothing acceptable: 406)', async () => {
    const a = await newStore(t.runtime);
    const variables = { s: globalIdOf('Store', a.actor.storeId) };
    for (let i = 0; i < 3; i++) {
      const refused = await openRaw('POST', a.token, WATCH, variables, 'multipart/mixed');
      expect(refused.status).toBe(406);
      refused.close();
    }
    const streams = [await subscribeSse(t.url, a.token, WATCH, variables), await subscribeSse(t.url, a.token, WATCH, variables)];
    expect(streams.map((stream) => stream.status)).toEqual([200, 200]);
    for (const stream of streams) stream.close();
  });
});

describe('subscriptions per WebSocket', () => {
  it('refuses an operation past the cap with TOO_MANY_SUBSCRIPTIONS, keeps the socket, and accepts again once one completes', async () => {
    const a = await newStore(t.runtime);
    const { card } = await seedCard(t.runtime.deps, a.actor);
    const { customerCard } = await seedCustomerCard(t.runtime.deps, a.actor, card.id);
    const variables = { s: globalIdOf('Store', a.actor.storeId) };
    const socket = connectWs(t.url, { authorization: `Bearer ${a.token}` });
    await socket.acknowledged;
    const held = [socket.subscribe(WATCH, variables), socket.subscribe(WATCH, variables), socket.subscribe(WATCH, variables)];
    const over = socket.subscribe(WATCH, variables);
    expect(await over.results.next()).toMatchObject({ errors: [{ extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } }] });

    held[0]!.complete();
    const replacement = socket.subscribe(WATCH, variables);
    // graphql-ws does not acknowledge a subscription: stamp until it delivers (refused, it would end with an error).
    let first: Awaited<ReturnType<typeof replacement.results.next>>;
    do {
      await addStamps(t.runtime.deps, a.actor, { customerCardId: customerCard.id, stamps: 1 });
      first = await replacement.results.next(500).catch(() => undefined);
    } while (!first);
    expect(first.data?.stampsChanged.delta).toBe(1);
    expect(socket.socket.readyState).toBe(socket.socket.OPEN);
    socket.close();
  });
});
