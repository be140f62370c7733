import { createClient } from 'graphql-sse';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/client.ts';
import { systemActor, WriteSource } from '../src/domain/context.ts';
import { addStamps } from '../src/domain/customer-cards/customer-card.service.ts';
import { createStore } from '../src/domain/stores/store.service.ts';
import { globalIdOf } from '../src/graphql/global-ids.ts';
import { startRuntime } from '../src/runtime.ts';
import { createScratchDatabase, type ScratchDatabase } from './helpers/database.ts';
import { seedCard, seedCustomerCard } from './helpers/factories.ts';
import { eventually } from './helpers/live.ts';
import { freePort, RunningProcess } from './helpers/process.ts';

// A deploy, as SSE consumers see it: the gateway is stopped with SIGTERM and started again on the same
// address, and a stock graphql-sse client keeps its subscription with nothing missed. The client's only
// help is a `headers` function sending the last cursor it received as `Last-Event-ID`.

let scratch: ScratchDatabase;
let scene: { token: string; storeId: number; customerId: number; customerCardId: number };
let port: number;
let gateway: RunningProcess | undefined;

async function startGateway(): Promise<void> {
  gateway = new RunningProcess(['--import', 'tsx', 'src/main.ts'], { DATABASE_URL: scratch.url, PORT: String(port), SEED_DEMO: 'false' });
  await gateway.waitForOutput(/listening on (http:\/\/\S+)/);
}

/** Writes through the database while no gateway runs (as another gateway of the deployment would). */
async function stampOffline(times: number): Promise<void> {
  const runtime = await startRuntime(loadConfig({ DATABASE_URL: scratch.url, SEED_DEMO: 'false' }), { migrate: false });
  try {
    const actor = systemActor(scene.storeId, WriteSource.REST);
    for (let i = 0; i < times; i++) await addStamps(runtime.deps, actor, { customerCardId: scene.customerCardId, stamps: 1 });
  } finally {
    await runtime.close();
  }
}

async function stampRest(): Promise<void> {
  const response = await fetch(
    `http://127.0.0.1:${port}/api/v1/accounts/${scene.storeId}/customers/${scene.customerId}/customer_cards/${scene.customerCardId}/stamp`,
    { method: 'POST', headers: { authorization: `Bearer ${scene.token}`, 'content-type': 'application/json' }, body: '{"stamps":1}' },
  );
  expect(response.status).toBe(200);
}

beforeAll(async () => {
  scratch = await createScratchDatabase();
  const runtime = await startRuntime(loadConfig({ DATABASE_URL: scratch.url, SEED_DEMO: 'false' }), { migrate: false });
  try {
    const { store, token } = await createStore(runtime.deps.db, 'Deploy day');
    const actor = systemActor(store.id, WriteSource.REST);
    const { card } = await seedCard(runtime.deps, actor, { stampsRequired: 21 });
    const { customer, customerCard } = await seedCustomerCard(runtime.deps, actor, card.id);
    scene = { token, storeId: store.id, customerId: customer.id, customerCardId: customerCard.id };
  } finally {
    await runtime.close();
  }
  port = await freePort();
  await startGateway();
}, 90_000);

afterAll(async () => {
  await gateway?.stop('SIGKILL');
  await scratch?.drop();
});

it('a stock graphql-sse client keeps receiving across SIGTERM and restart, with nothing missed', async () => {
  let lastCursor: string | undefined;
  let reconnects = 0;
  const client = createClient({
    url: `http://127.0.0.1:${port}/graphql`,
    headers: () => ({ authorization: `Bearer ${scene.token}`, ...(lastCursor ? { 'Last-Event-ID': lastCursor } : {}) }),
    retryAttempts: 200,
    retry: () => new Promise((resolve) => setTimeout(resolve, 250)),
    on: { connected: (reconnected) => void (reconnected && reconnects++) },
  });
  const received: number[] = [];
  const query = `subscription($s: ID) { stampsChanged(storeId: $s) { cursor ledgerEntry { databaseId } } }`;
  const done = (async () => {
    for await (const result of client.iterate<{ stampsChanged: { cursor: string; ledgerEntry: { databaseId: number } } }>({
      query,
      variables: { s: globalIdOf('Store', scene.storeId) },
    })) {
      if (result.errors) throw new Error(JSON.stringify(result.errors));
      received.push(result.data!.stampsChanged.ledgerEntry.databaseId);
      lastCursor = result.data!.stampsChanged.cursor;
    }
  })();
  done.catch(() => {});

  // Live before the restart: stamp until the stream shows one (it may open after the first).
  await eventually(
    async () => {
      await stampRest();
      return received.length;
    },
    (n) => n > 0,
    20_000,
  );
  await stampRest();
  await stampRest();

  const stopping = gateway!;
  expect(await stopping.stop('SIGTERM')).toEqual({ status: 0, signal: null });
  await stampOffline(5);
  await startGateway();
  await stampRest();
  await stampRest();

  const { db, close } = await openDatabase(scratch.url);
  try {
    const all = (await db.ledgerEntry.findMany({ where: { customerCardId: scene.customerCardId, kind: 'STAMP' }, orderBy: { id: 'asc' } })).map(
      (entry) => entry.id,
    );
    const firstSeen = all.indexOf(received[0]!);
    await eventually(() => received.length, (n) => n >= all.length - firstSeen, 30_000);
    expect(received).toEqual(all.slice(firstSeen));
    expect(reconnects).toBeGreaterThan(0);
  } finally {
    await close();
    client.dispose();
  }
}, 120_000);
