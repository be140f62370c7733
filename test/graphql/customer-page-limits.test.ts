import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { addStamps } from '../../src/domain/customer-cards/customer-card.service.ts';
import { globalIdOf } from '../../src/graphql/global-ids.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { connectWs, eventually } from '../helpers/live.ts';
import { subscribeSse } from '../helpers/live.ts';
import { newStore, type TestStore } from '../helpers/runtime.ts';
import { type TestServer, useServer } from '../helpers/server.ts';

// What the customer page (src/pages/assets/card.js) sends: a catch-up query and a live subscription.
const CATCH_UP = 'query CardPage { viewerCustomerCard { stampsCount } }';
const WATCH = 'subscription CardPageLive($id: ID!) { stampsChanged(customerCardId: $id) { delta ledgerEntry { balanceAfter } } }';

async function post(t: TestServer, query: string, authorization?: string): Promise<Response> {
  return fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ query }),
  });
}

async function customerPage(t: TestServer, store: TestStore) {
  const { card } = await seedCard(t.runtime.deps, store.actor);
  const { customerCard } = await seedCustomerCard(t.runtime.deps, store.actor, card.id);
  return { customerCard, holder: `CustomerCard ${customerCard.uuid}`, id: globalIdOf('CustomerCard', customerCard.id) };
}

describe('660 anonymous requests from one address (the default budget of 600 a minute)', () => {
  const t = useServer();

  it('spend that address’s budget and leave every customer page from the same address live', async () => {
    const store = await newStore(t.runtime);
    const pages = [await customerPage(t, store), await customerPage(t, store)];

    // Anonymous traffic from 127.0.0.1 — as every customer page behind one proxy is — half without
    // credentials, half with made-up card numbers, 20 at a time.
    const statuses = new Map<number, number>();
    for (let sent = 0; sent < 660; sent += 20) {
      const batch = await Promise.all(
        Array.from({ length: 20 }, (_, i) => post(t, '{ __typename }', (sent + i) % 2 ? `CustomerCard ${randomUUID()}` : undefined)),
      );
      for (const response of batch) {
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        await response.body?.cancel();
      }
    }
    // The address's budget is spent: the rest were refused.
    expect(statuses.get(429)).toBeGreaterThanOrEqual(60);
    expect((await post(t, '{ __typename }')).status).toBe(429);

    // Every customer page, from the same address, still loads, catches up and gets its live updates.
    const page = await fetch(`${t.url}/cards/${pages[0]!.customerCard.uuid}`);
    expect(page.status).toBe(200);
    await page.body?.cancel();
    for (const { holder } of pages) {
      const caughtUp = await post(t, CATCH_UP, holder);
      expect(caughtUp.status).toBe(200);
      expect((await caughtUp.json()).data).toEqual({ viewerCustomerCard: { stampsCount: 0 } });
    }
    const [first, second] = pages as [(typeof pages)[0], (typeof pages)[0]];
    const sse = await subscribeSse(t.url, undefined, WATCH, { id: first.id }, first.holder);
    const socket = connectWs(t.url, { authorization: second.holder });
    try {
      expect(sse.status).toBe(200);
      await socket.acknowledged;
      const before = t.server.liveStats().subscribers;
      const ws = socket.subscribe(WATCH, { id: second.id });
      await eventually(() => t.server.liveStats().subscribers, (n) => n > before);
      await addStamps(t.runtime.deps, store.actor, { customerCardId: first.customerCard.id, stamps: 2 });
      await addStamps(t.runtime.deps, store.actor, { customerCardId: second.customerCard.id, stamps: 1 });
      expect(await sse.results.data()).toEqual({ stampsChanged: { delta: 2, ledgerEntry: { balanceAfter: 2 } } });
      expect(await ws.results.data()).toEqual({ stampsChanged: { delta: 1, ledgerEntry: { balanceAfter: 1 } } });
    } finally {
      sse.close();
      socket.close();
    }
  });
});

describe('a customer page’s budget', () => {
  const t = useServer({ RATE_LIMIT_PER_MINUTE: '3' });

  it('is its card’s own: a page that spends it leaves other pages and the address alone', async () => {
    const store = await newStore(t.runtime);
    const [spender, other] = [await customerPage(t, store), await customerPage(t, store)];
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await post(t, CATCH_UP, spender.holder)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    // Over WebSocket too: the refused operation gets RATE_LIMITED, another page's socket works.
    const spent = connectWs(t.url, { authorization: spender.holder });
    const fresh = connectWs(t.url, { authorization: other.holder });
    try {
      await Promise.all([spent.acknowledged, fresh.acknowledged]);
      const refused = await spent.subscribe(CATCH_UP).results.next();
      expect(refused?.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
      expect(await fresh.subscribe(CATCH_UP).results.data()).toEqual({ viewerCustomerCard: { stampsCount: 0 } });
    } finally {
      spent.close();
      fresh.close();
    }
    expect((await post(t, CATCH_UP, other.holder)).status).toBe(200);
    expect((await post(t, '{ __typename }')).status).toBe(200);
  });
});
