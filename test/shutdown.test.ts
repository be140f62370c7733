import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/client.ts';
import { systemActor, WriteSource } from '../src/domain/context.ts';
import { createStore } from '../src/domain/stores/store.service.ts';
import { PASS_UPDATE_TOPIC } from '../src/domain/wallet/pass-updates.ts';
import { globalIdOf } from '../src/graphql/global-ids.ts';
import { startRuntime } from '../src/runtime.ts';
import { createScratchDatabase, type ScratchDatabase } from './helpers/database.ts';
import { seedCard, seedCustomerCard } from './helpers/factories.ts';
import { subscribeSse } from './helpers/live.ts';
import { RunningProcess } from './helpers/process.ts';

let scratch: ScratchDatabase;
let gateway: RunningProcess;
let url: string;
let scene: { token: string; storeId: number; customerId: number; customerCardId: number };

beforeAll(async () => {
  scratch = await createScratchDatabase();
  const runtime = await startRuntime(loadConfig({ DATABASE_URL: scratch.url, SEED_DEMO: 'false' }), { migrate: false });
  try {
    const { store, token } = await createStore(runtime.deps.db, 'Closing time');
    const actor = systemActor(store.id, WriteSource.REST);
    const { card } = await seedCard(runtime.deps, actor);
    const { customer, customerCard } = await seedCustomerCard(runtime.deps, actor, card.id);
    scene = { token, storeId: store.id, customerId: customer.id, customerCardId: customerCard.id };
  } finally {
    await runtime.close();
  }
  // The worker polls once at start and then not for an hour: only shutdown can drain what comes later.
  gateway = new RunningProcess(['--import', 'tsx', 'src/main.ts'], {
    DATABASE_URL: scratch.url,
    PORT: '0',
    SEED_DEMO: 'false',
    WALLET_OUTBOX_POLL_MS: '3600000',
  });
  url = (await gateway.waitForOutput(/listening on (http:\/\/\S+)/))[1]!;
}, 60_000);

afterAll(async () => {
  await gateway?.stop('SIGKILL');
  await scratch?.drop();
});

/** A stamp whose body is sent in two parts, so the request is in flight until `finish()`. */
function slowStamp() {
  const body = JSON.stringify({ stamps: 1 });
  const { port } = new URL(url);
  const request = httpRequest({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: `/api/v1/accounts/${scene.storeId}/customers/${scene.customerId}/customer_cards/${scene.customerCardId}/stamp`,
    headers: { authorization: `Bearer ${scene.token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
    request.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, body: text }));
    });
    request.on('error', reject);
  });
  request.write(body.slice(0, 5));
  return { answered, finish: () => request.end(body.slice(5)) };
}

it('on SIGTERM stops accepting, finishes the request in flight, ends streams, drains the outbox and exits 0', async () => {
  const sse = await subscribeSse(url, scene.token, 'subscription($s: ID) { stampsChanged(storeId: $s) { delta } }', {
    s: globalIdOf('Store', scene.storeId),
  });
  expect(sse.status).toBe(200);

  const { db, close } = await openDatabase(scratch.url);
  try {
    await db.outboxMessage.createMany({
      data: [1, 2, 3].map(() => ({ topic: PASS_UPDATE_TOPIC, payload: { customerCardId: scene.customerCardId, notify: true } })),
    });

    const stamp = slowStamp();
    // The gateway has the request once its headers are parsed; an idle connection would just be closed.
    await new Promise((resolve) => setTimeout(resolve, 500));
    gateway.child.kill('SIGTERM');
    await gateway.waitForOutput(/SIGTERM: finishing in-flight requests/);

    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    await sse.ended;
    // Ended as a dropped connection, with a retry hint: stock clients reconnect and resume.
    expect(sse.completed()).toBe(false);
    expect(sse.retryHint()).toBeGreaterThan(0);

    stamp.finish();
    const answer = await stamp.answered;
    expect(answer.status, answer.body).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ stamps_count: 1 });

    expect(await gateway.exited).toEqual({ status: 0, signal: null });
    const pending = await db.outboxMessage.count({ where: { doneAt: null } });
    expect(pending).toBe(0);
    expect(await db.ledgerEntry.count({ where: { customerCardId: scene.customerCardId, kind: 'STAMP' } })).toBe(1);
  } finally {
    await close();
  }
});
