import { isDeepStrictEqual } from 'node:util';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, expect, it, onTestFinished } from 'vitest';
import { createWebhookSubscription, withSecret } from '../../src/domain/webhooks/webhook-subscription.service.ts';
import { DELIVERY_TOPIC } from '../../src/webhooks/deliver.ts';
import { useReceiver } from '../helpers/webhook-receiver.ts';
import { eventually } from '../helpers/wallet.ts';
import { type Gateway, type Scene, seedScene, startGateway } from './gateway.ts';
import { type PrivatePostgres, startPrivatePostgres } from './private-postgres.ts';
import { startStampers } from './stampers.ts';

const CLIENTS = 6;
const KILLS = 3;
const PATH = '/hook';
// The first request for every fifth event is answered 500, so retries are part of the run, not only
// of the crashes (only the first: later retries wait 15 s, 45 s… and would outlast the scenario).
const FAIL_EVERY = 5;

let postgres: PrivatePostgres;
let scene: Scene;
let secret: string;
const gateways: Gateway[] = [];
const receiver = useReceiver();
/** Deliveries the receiver accepted (answered 2xx), by webhook-id, with their bodies. */
const accepted = new Map<string, string[]>();
const seen = new Set<string>();
let inFlight = 0;
let requests = 0;
let refused = 0;

const gatewayEnv = () => ({ DATABASE_URL: postgres.url, WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WALLET_OUTBOX_POLL_MS: '50', LOG_REQUESTS: 'false' });

beforeAll(async () => {
  postgres = await startPrivatePostgres();
  // The subscription exists before the store's first event, so every row of its log must arrive.
  scene = await seedScene(postgres.url, CLIENTS, async (runtime, actor) => {
    const row = await createWebhookSubscription(runtime.deps, actor, { targetUrl: receiver.url(PATH), events: ['*'] });
    secret = (await withSecret(runtime.deps, row)).secret;
  });
  receiver.respond(PATH, (request, res) => {
    requests++;
    inFlight++;
    const id = request.headers['webhook-id']!;
    const refuse = !seen.has(id) && seen.size % FAIL_EVERY === 0;
    seen.add(id);
    // A slow answer keeps deliveries in flight, so each kill lands in the middle of some.
    setTimeout(() => {
      inFlight--;
      if (refuse) {
        refused++;
        return void res.writeHead(500).end();
      }
      accepted.set(id, [...(accepted.get(id) ?? []), request.body]);
      res.writeHead(204).end();
    }, 50);
  });
  gateways.push(await startGateway(gatewayEnv()), await startGateway(gatewayEnv()));
});

afterAll(async () => {
  for (const gateway of gateways) await gateway.process.stop('SIGKILL');
  postgres?.destroy();
});

it('loses no webhook delivery when gateways sharing one PostgreSQL database are killed (SIGKILL) mid-delivery', async () => {
  let turn = 0;
  const stampers = startStampers(() => gateways[turn++ % gateways.length]!.url, scene);
  onTestFinished(() => stampers.abort());
  await stampers.waitForAcknowledged(3);

  const signals = [];
  for (let kill = 0; kill < KILLS; kill++) {
    await eventually(async () => inFlight > 0, 30_000);
    const victim = kill % gateways.length;
    signals.push((await gateways[victim]!.process.stop('SIGKILL')).signal);
    gateways[victim] = await startGateway(gatewayEnv());
    await stampers.waitForAcknowledged(1);
  }
  const log = await stampers.stop();

  const client = new pg.Client({ connectionString: postgres.url });
  await client.connect();
  onTestFinished(() => client.end());
  const drainStarted = Date.now();
  const pending = async () =>
    Number((await client.query(`SELECT count(*) AS n FROM outbox_messages WHERE topic = $1 AND done_at IS NULL`, [DELIVERY_TOPIC])).rows[0].n);
  // Deliveries claimed by a killed process come back when their lease runs out.
  await eventually(async () => (await pending()) === 0, 100_000).catch(async (error: unknown) => {
    const stuck = await client.query(`SELECT id, attempts, next_attempt_at, last_error FROM outbox_messages WHERE done_at IS NULL LIMIT 10`);
    console.log('undelivered', stuck.rows);
    throw error;
  });
  const drainMs = Date.now() - drainStarted;
  const events = (
    await client.query<{ id: string; type: string; data: unknown }>(`SELECT id, type, data FROM events WHERE store_id = $1`, [scene.storeId])
  ).rows;

  const verifier = new Webhook(secret);
  let badSignatures = 0;
  for (const request of receiver.at(PATH)) {
    try {
      verifier.verify(request.body, request.headers);
    } catch {
      badSignatures++;
    }
  }
  const lost = events.filter((event) => !accepted.has(event.id));
  const mismatched = events.filter((event) =>
    (accepted.get(event.id) ?? []).some((body) => {
      const parsed = JSON.parse(body) as { type: string; data: unknown };
      return parsed.type !== event.type || !isDeepStrictEqual(parsed.data, event.data);
    }),
  );
  const duplicated = [...accepted.values()].reduce((sum, bodies) => sum + bodies.length - 1, 0);
  console.log(
    `FAULTS webhook-kill: events=${events.length} delivered=${accepted.size} duplicated=${duplicated} lost=${lost.length} ` +
      `kills=${KILLS} badSignatures=${badSignatures} requests=${requests} refused=${refused} stamps=${log.acknowledged.length} drainMs=${drainMs}`,
  );

  expect(signals).toEqual(Array(KILLS).fill('SIGKILL'));
  expect(log.unacknowledged).toEqual([]);
  expect(events.length).toBeGreaterThan(CLIENTS * (3 + KILLS));
  expect(lost.map((event) => event.id)).toEqual([]);
  expect(mismatched.map((event) => event.id)).toEqual([]);
  expect([...accepted.keys()].filter((id) => !events.some((event) => event.id === id))).toEqual([]);
  expect(badSignatures).toBe(0);
});
