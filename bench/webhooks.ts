// How fast a stamp reaches a webhook receiver: from the moment the stamp's REST call is answered (its
// transaction has committed) to the delivery arriving at a receiver on loopback and passing the
// standardwebhooks signature check. Measured with 1 and with 20 subscriptions to `stamp.earned`:
// latency one stamp at a time (p50/p95 over every delivery), then throughput with concurrent stampers
// (events per second until every delivery of every stamp has been verified).
//   npm run bench:webhooks -- [--stamps 50] [--burst 200] [--clients 4] [--database-url postgresql://…]
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { loadConfig } from '../src/config.ts';
import { createCard } from '../src/domain/cards/card.service.ts';
import { systemActor, WriteSource } from '../src/domain/context.ts';
import { createCustomer } from '../src/domain/customers/customer.service.ts';
import { createStore } from '../src/domain/stores/store.service.ts';
import { createWebhookSubscription, withSecret } from '../src/domain/webhooks/webhook-subscription.service.ts';
import { startRuntime } from '../src/runtime.ts';
import { startServer } from '../src/server.ts';

const { values } = parseArgs({
  options: {
    stamps: { type: 'string', default: '50' },
    burst: { type: 'string', default: '200' },
    clients: { type: 'string', default: '4' },
    'database-url': { type: 'string' },
  },
});
const rounds = Number(values.stamps);
const burst = Number(values.burst);
const clients = Number(values.clients);

const dir = mkdtempSync(join(tmpdir(), 'stampline-bench-webhooks-'));
const databaseUrl = values['database-url'] ?? `file:${join(dir, 'bench.db')}`;
const runtime = await startRuntime(
  loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: databaseUrl, SEED_DEMO: 'false', WEBHOOK_ALLOW_PRIVATE_URLS: 'true', LOG_REQUESTS: 'false' }),
);
const server = await startServer(runtime);

/**
 * Every first verified delivery of an event to a subscription, in order of arrival. The receiver
 * shares the gateway's process, so its bookkeeping is constant work per request: a scan of every
 * arrival per request grows quadratically and starves the gateway it is measuring.
 */
const arrivals: Array<{ scenario: string; at: number }> = [];
const seen = new Set<string>();
const arrivedPerScenario = new Map<string, number>();
const verifiers = new Map<string, Webhook>();
let rejected = 0;
let waiter: (() => void) | undefined;
/** `/s20-3` (scenario with 20 subscriptions, its fourth) belongs to scenario `s20`. */
const scenarioOf = (path: string) => path.slice(1).split('-')[0]!;
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const at = performance.now();
    const path = req.url ?? '';
    const headers = Object.fromEntries(Object.entries(req.headers).map(([key, value]) => [key, String(value)]));
    try {
      verifiers.get(path)!.verify(Buffer.concat(chunks).toString('utf8'), headers);
      const key = `${path} ${headers['webhook-id']}`;
      if (!seen.has(key)) {
        seen.add(key);
        const scenario = scenarioOf(path);
        arrivals.push({ scenario, at });
        arrivedPerScenario.set(scenario, (arrivedPerScenario.get(scenario) ?? 0) + 1);
      }
    } catch {
      rejected++;
    }
    res.writeHead(204).end();
    waiter?.();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

function until(predicate: () => boolean, timeoutMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out with ${arrivals.length} deliveries verified, ${rejected} rejected`)), timeoutMs);
    const check = () => {
      if (!predicate()) return;
      clearTimeout(timer);
      waiter = undefined;
      resolve();
    };
    waiter = check;
    check();
  });
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function scenario(subscriptions: number) {
  const { store, token } = await createStore(runtime.deps.db, `Webhook bench ${subscriptions}`);
  const actor = systemActor(store.id, WriteSource.REST);
  const card = await createCard(runtime.deps, actor, { name: 'Coffee', stampsRequired: 18 });
  const cards = [];
  for (let i = 0; i < clients; i++) {
    const { customer, customerCard } = await createCustomer(runtime.deps, actor, { firstName: `Bench ${i}`, email: `bench${i}-${subscriptions}@example.com` }, { cardId: card.id });
    cards.push(`${server.url}/api/v1/accounts/${store.id}/customers/${customer.id}/customer_cards/${customerCard!.id}/stamp`);
  }
  for (let i = 0; i < subscriptions; i++) {
    const path = `/s${subscriptions}-${i}`;
    const row = await createWebhookSubscription(runtime.deps, actor, { targetUrl: `${receiverUrl}${path}`, events: ['stamp.earned'] });
    verifiers.set(path, new Webhook((await withSecret(runtime.deps, row)).secret));
  }
  const received = () => arrivedPerScenario.get(`s${subscriptions}`) ?? 0;
  let stampCount = 0;
  let unavailable = 0;
  const stamp = async (url: string) => {
    // A 503 (the database busier than DATABASE_TIMEOUT_MS allows) is retried with the same key, as a till would.
    const key = `bench-${subscriptions}-${stampCount}-${Math.random()}`;
    for (;;) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({ stamps: 1 }),
      });
      await response.arrayBuffer();
      if (response.status === 200) break;
      if (response.status !== 503) throw new Error(`stamp answered ${response.status}`);
      unavailable++;
    }
    stampCount++;
  };

  // Latency: one stamp at a time, each delivery timed from the stamp's answer.
  const latencies: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const before = arrivals.length;
    await stamp(cards[i % cards.length]!);
    const committed = performance.now();
    await until(() => received() >= stampCount * subscriptions);
    for (const { scenario, at } of arrivals.slice(before)) if (scenario === `s${subscriptions}`) latencies.push(at - committed);
  }
  latencies.sort((a, b) => a - b);
  console.log(
    `${String(subscriptions).padStart(2)} subscription(s): latency p50 ${percentile(latencies, 0.5).toFixed(1)} ms, p95 ${percentile(latencies, 0.95).toFixed(1)} ms (${latencies.length} deliveries)`,
  );

  // Throughput: `clients` stampers, `burst` stamps in all, until every delivery is verified.
  const started = performance.now();
  let next = 0;
  await Promise.all(
    cards.map(async (url) => {
      while (next < burst) {
        next++;
        await stamp(url);
      }
    }),
  );
  await until(() => received() >= stampCount * subscriptions, 300_000);
  const seconds = (performance.now() - started) / 1000;
  return { subscriptions, eventsPerSecond: burst / seconds, deliveriesPerSecond: (burst * subscriptions) / seconds, unavailable };
}

try {
  const kind = databaseUrl.startsWith('file:') ? 'SQLite' : 'PostgreSQL';
  console.log(`webhooks on ${kind}: ${rounds} stamps one at a time, then ${burst} stamps from ${clients} clients`);
  for (const subscriptions of [1, 20]) {
    const result = await scenario(subscriptions);
    console.log(
      `${String(result.subscriptions).padStart(2)} subscription(s): ${result.eventsPerSecond.toFixed(0)} events/s ` +
        `(${result.deliveriesPerSecond.toFixed(0)} verified deliveries/s; stamps retried after a 503: ${result.unavailable})`,
    );
  }
  if (rejected > 0) throw new Error(`${rejected} deliveries failed the signature check`);
} finally {
  await server.close();
  await runtime.close();
  receiver.closeAllConnections();
  receiver.close();
  rmSync(dir, { recursive: true, force: true });
}
