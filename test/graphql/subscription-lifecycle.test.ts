import { describe, expect, it } from 'vitest';
import { addStamps } from '../../src/domain/customer-cards/customer-card.service.ts';
import { globalIdOf } from '../../src/graphql/global-ids.ts';
import { startServer } from '../../src/server.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { connectWs, eventually, subscribeSse } from '../helpers/live.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';

// Thousands of subscriptions a minute on one token: far past the per-token rate limit meant for a till.
const t = useServer({ RATE_LIMIT_PER_MINUTE: '1000000' });

const WATCH = `subscription Watch($id: ID) { stampsChanged(customerCardId: $id) { delta ledgerEntry { balanceAfter } } }`;

async function scene() {
  const store = await newStore(t.runtime);
  const { card } = await seedCard(t.runtime.deps, store.actor);
  const { customerCard } = await seedCustomerCard(t.runtime.deps, store.actor, card.id);
  return { ...store, customerCard, variables: { id: globalIdOf('CustomerCard', customerCard.id) } };
}

const connections = () =>
  new Promise<number>((resolve, reject) => t.server.server.getConnections((error, count) => (error ? reject(error) : resolve(count))));

const idle = { stores: 0, subscribers: 0, websockets: 0 };

describe('subscription lifecycle', () => {
  it('releases every listener after 1,000 SSE and 1,000 WebSocket subscribe/unsubscribe cycles', { timeout: 180_000 }, async () => {
    const s = await scene();
    const eventListeners = t.runtime.deps.events.listenerCount;
    expect(t.server.liveStats()).toEqual(idle);

    // Ten at a time, so that streams of one store come and go while others stay.
    for (let round = 0; round < 100; round++) {
      const streams = await Promise.all(Array.from({ length: 10 }, () => subscribeSse(t.url, s.token, WATCH, s.variables)));
      expect(streams.map((sse) => sse.status)).toEqual(Array(10).fill(200));
      expect(t.server.liveStats()).toMatchObject({ stores: 1, subscribers: 10 });
      for (const sse of streams) sse.close();
      await eventually(() => t.server.liveStats().subscribers, (n) => n === 0);
    }
    expect(t.server.liveStats()).toEqual(idle);

    const ws = connectWs(t.url, { authorization: `Bearer ${s.token}` });
    await ws.acknowledged;
    for (let round = 0; round < 100; round++) {
      const subscriptions = Array.from({ length: 10 }, () => ws.subscribe(WATCH, s.variables));
      await eventually(() => t.server.liveStats().subscribers, (n) => n === 10);
      for (const subscription of subscriptions) subscription.complete();
      await eventually(() => t.server.liveStats().subscribers, (n) => n === 0);
    }
    ws.close();
    await ws.closed;

    await eventually(() => t.server.liveStats(), (stats) => JSON.stringify(stats) === JSON.stringify(idle));
    expect(t.runtime.deps.events.listenerCount).toBe(eventListeners);
    await eventually(connections, (count) => count === 0);
    // The subscription still works after all that churn.
    const sse = await subscribeSse(t.url, s.token, WATCH, s.variables);
    await addStamps(t.runtime.deps, s.actor, { customerCardId: s.customerCard.id, stamps: 1 });
    expect((await sse.results.data()).stampsChanged.delta).toBe(1);
    sse.close();
    await eventually(() => t.server.liveStats(), (stats) => stats.subscribers === 0);
  });

  it('releases subscriptions whose client went away before the stream started', async () => {
    const s = await scene();
    for (let i = 0; i < 200; i++) {
      const abort = new AbortController();
      const request = fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${s.token}` },
        body: JSON.stringify({ query: WATCH, variables: s.variables }),
        signal: abort.signal,
      });
      // Abort at varying points: before the request is sent, while it is authenticated, after.
      await new Promise((resolve) => setTimeout(resolve, i % 5));
      abort.abort();
      await request.catch(() => undefined);
    }
    await eventually(() => t.server.liveStats(), (stats) => stats.subscribers === 0 && stats.stores === 0);
    await eventually(connections, (count) => count === 0);
  });

  it('ends SSE streams and closes WebSocket connections on shutdown, so close() completes', async () => {
    const s = await scene();
    const server = await startServer(t.runtime);
    const sse = await subscribeSse(server.url, s.token, WATCH, s.variables);
    const ws = connectWs(server.url, { authorization: `Bearer ${s.token}` });
    await ws.acknowledged;
    const wsSubscription = ws.subscribe(WATCH, s.variables);
    await eventually(() => server.liveStats(), (stats) => stats.subscribers === 2);
    expect(server.liveStats()).toEqual({ stores: 1, subscribers: 2, websockets: 1 });

    await server.close();

    await sse.ended;
    // Not `complete`: clients take it for a dropped connection and reconnect (docs/subscriptions.md).
    expect(sse.completed()).toBe(false);
    expect(sse.retryHint()).toBeGreaterThan(0);
    expect((await ws.closed).code).toBe(1001);
    await wsSubscription.completed;
    expect(server.liveStats()).toEqual(idle);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});
