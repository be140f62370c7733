import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalIdOf } from '../../src/graphql/global-ids.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { graphqlClient } from '../helpers/graphql.ts';
import { eventually, type SseSubscription, subscribeSse } from '../helpers/live.ts';
import { expectStatus, restClient } from '../helpers/rest.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
// Other test files and the other database's run share the Redis server: a prefix of our own.
const prefix = `stampline-test-${randomBytes(6).toString('hex')}:`;
const env: Record<string, string> = { REDIS_PREFIX: prefix };
let proxy: TcpProxy;
let redis: Redis;

// Registered before useServer, so the gateway connects to Redis through the proxy.
beforeAll(async () => {
  proxy = await startTcpProxy(redisUrl);
  env.REDIS_URL = proxy.url;
  redis = new Redis(redisUrl);
});
afterAll(async () => {
  redis?.disconnect();
  await proxy?.close();
});

const t = useServer(env);
const api = graphqlClient(t);

const WATCH = `subscription Watch($id: ID) {
  stampsChanged(customerCardId: $id) { delta ledgerEntry { databaseId balanceAfter } }
}`;

async function scene() {
  const store = await newStore(t.runtime);
  const { card } = await seedCard(t.runtime.deps, store.actor, { stampsRequired: 18 });
  const { customer, customerCard } = await seedCustomerCard(t.runtime.deps, store.actor, card.id);
  const rest = restClient(t, store.token);
  const id = globalIdOf('CustomerCard', customerCard.id);
  return {
    ...store,
    id,
    customerCardId: customerCard.id,
    stampRest: async () =>
      expectStatus(
        await rest.post(`/accounts/${store.actor.storeId}/customers/${customer.id}/customer_cards/${customerCard.id}/stamp`, { stamps: 1 }),
        200,
      ),
    stampGraphQL: async () => {
      const data = await api.data(
        store.token,
        'mutation ($input: AddStampsInput!) { addStamps(input: $input) { ledgerEntry { databaseId } userErrors { message } } }',
        { input: { customerCardId: id, stamps: 1 } },
      );
      expect(data.addStamps.userErrors).toEqual([]);
      return data.addStamps.ledgerEntry.databaseId as number;
    },
  };
}

/** Stamps until `sse` receives one of them (Redis reconnects on its own schedule); the ledger ids written. */
async function stampUntilDelivered(stamp: () => Promise<number>, sse: SseSubscription): Promise<{ written: number[]; received: number }> {
  const written: number[] = [];
  for (let attempt = 0; attempt < 60; attempt++) {
    written.push(await stamp());
    const result = await sse.results.next(500).catch(() => undefined);
    if (result) return { written, received: result.data.stampsChanged.ledgerEntry.databaseId };
  }
  throw new Error('no event got through after 60 stamps');
}

describe('stampsChanged through Redis', () => {
  it('delivers through Redis on a channel under REDIS_PREFIX, released with its last subscriber', async () => {
    const s = await scene();
    const sse = await subscribeSse(t.url, s.token, WATCH, { id: s.id });
    // The revocation notices' channel is held for the gateway's lifetime; a store's only while watched.
    expect(((await redis.pubsub('CHANNELS', `${prefix}*`)) as string[]).sort()).toEqual([
      `${prefix}revocations`,
      `${prefix}stamps:${s.actor.storeId}`,
    ]);
    const ledgerEntryId = await s.stampGraphQL();
    expect((await sse.results.data()).stampsChanged.ledgerEntry.databaseId).toBe(ledgerEntryId);
    sse.close();
    await eventually(
      () => redis.pubsub('CHANNELS', `${prefix}stamps:*`),
      (channels) => (channels as string[]).length === 0,
    );
  });

  it('keeps writes working while Redis is down and resumes open and new subscriptions when it returns', async () => {
    const s = await scene();
    const open = await subscribeSse(t.url, s.token, WATCH, { id: s.id });
    await s.stampGraphQL();
    await open.results.data();

    proxy.cut();
    const during = [(await s.stampRest()).body, await s.stampGraphQL()];
    expect(during[0]).toMatchObject({ stamps_count: 2 });
    // A subscription made during the outage starts at once and goes live when Redis returns.
    const late = await subscribeSse(t.url, s.token, WATCH, { id: s.id });
    expect(late.status).toBe(200);

    proxy.restore();
    const resumed = await stampUntilDelivered(s.stampGraphQL, open);
    expect(open.results.ended).toBe(false);
    const next = await s.stampGraphQL();
    const openIds = [resumed.received];
    while (openIds.at(-1) !== next) openIds.push((await open.results.data()).stampsChanged.ledgerEntry.databaseId);
    // Nothing written while Redis was down is lost to the open stream: the first event after the outage
    // shows the hole, which the gateway reads from the log and sends first, in order.
    const entries = await t.runtime.deps.db.ledgerEntry.findMany({ where: { customerCardId: s.customerCardId }, orderBy: { id: 'asc' }, select: { id: true } });
    const afterFirst = entries.slice(1).map((entry) => entry.id);
    expect(openIds).toEqual(afterFirst);
    expect(resumed.written.length).toBeGreaterThan(0);
    // The late stream joined the store's channel: from where it joined, the same order, nothing skipped.
    const lateIds: number[] = [];
    for (let result = await late.results.next(); ; result = await late.results.next()) {
      lateIds.push(result?.data.stampsChanged.ledgerEntry.databaseId);
      if (lateIds.at(-1) === next) break;
    }
    expect(lateIds).toEqual(afterFirst.slice(afterFirst.length - lateIds.length));
    open.close();
    late.close();
  });
});
