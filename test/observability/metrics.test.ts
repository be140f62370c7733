import { describe, expect, it } from 'vitest';
import { createWebhookSubscription } from '../../src/domain/webhooks/webhook-subscription.service.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { connectWs, eventually, subscribeSse } from '../helpers/live.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';
import { useReceiver } from '../helpers/webhook-receiver.ts';
import { parseTrustProxy } from '../../src/http/trust-proxy.ts';

const t = useServer({ WEBHOOK_ALLOW_PRIVATE_URLS: 'true' });
const receiver = useReceiver();

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

// One sample line of the Prometheus text format: name, optional {label="value",...}, a number
// (Prometheus reads NaN and Inf in any case; prom-client writes an empty event-loop histogram as `Nan`).
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?(?:[0-9.e+-]+|nan|\+?inf))$/i;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Parses an exposition strictly: every line is a HELP, a TYPE or a sample of a declared family. */
function parse(text: string): Sample[] {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = line.match(/^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .+$/.test(line)) continue;
    const sample = line.match(SAMPLE);
    if (!sample) throw new Error(`not a Prometheus sample line: ${JSON.stringify(line)}`);
    const name = sample[1]!;
    const family = [name, name.replace(/_(bucket|sum|count|total|created)$/, '')].find((n) => types.has(n));
    if (!family) throw new Error(`sample of an undeclared family: ${line}`);
    const labels = Object.fromEntries([...(sample[2] ?? '').matchAll(LABEL)].map((m) => [m[1]!, m[2]!]));
    samples.push({ name, labels, value: Number(sample[3]) });
  }
  return samples;
}

async function scrape(headers: Record<string, string> = {}): Promise<Sample[]> {
  const response = await fetch(`${t.url}/metrics`, { headers });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parse(await response.text());
}

function value(samples: Sample[], name: string, labels: Record<string, string>): number {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return found.reduce((sum, s) => sum + s.value, 0);
}

async function seed() {
  const store = await newStore(t.runtime);
  const { card } = await seedCard(t.runtime.deps, store.actor);
  const { customerCard } = await seedCustomerCard(t.runtime.deps, store.actor, card.id);
  return { store, card, customerCard };
}

async function addStamps(token: string, customerCardId: number, stamps: number) {
  const id = Buffer.from(`CustomerCard:${customerCardId}`).toString('base64');
  const response = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: `mutation { addStamps(input: {customerCardId: "${id}", stamps: ${stamps}}) { userErrors { message } } }` }),
  });
  expect(await response.json()).toMatchObject({ data: { addStamps: { userErrors: [] } } });
}

describe('/metrics', () => {
  it('parses as Prometheus text, with the process metrics and every gateway family declared', async () => {
    const samples = await scrape();
    const names = new Set(samples.map((s) => s.name));
    for (const name of ['process_cpu_user_seconds_total', 'nodejs_eventloop_lag_seconds', 'stampline_live_connections', 'stampline_outbox_pending']) {
      expect(names, name).toContain(name);
    }
  });

  it('labels requests with the route pattern, never the path with its ids and uuids', async () => {
    const { store, card, customerCard } = await seed();
    const auth = { authorization: `Bearer ${store.token}` };
    const account = `/api/v1/accounts/${store.actor.storeId}`;
    for (const path of [`${account}/cards/${card.id}`, `${account}/customers/${customerCard.customerId}/customer_cards/${customerCard.id}`]) {
      expect((await fetch(`${t.url}${path}`, { headers: auth })).status).toBe(200);
    }
    await fetch(`${t.url}/api/v1/accounts/${store.actor.storeId}/cards/999999999`, { headers: auth });
    await fetch(`${t.url}/wallet/apple/${customerCard.uuid}.pkpass`);
    await fetch(`${t.url}/no/such/${customerCard.uuid}`);
    const samples = (await scrape()).filter((s) => s.name === 'stampline_http_requests_total');
    const routes = new Set(samples.map((s) => s.labels.route));
    expect(routes).toContain('/api/v1/accounts/:account_id/cards/:id');
    expect(routes).toContain('/api/v1/accounts/:account_id/customers/:customer_id/customer_cards/:id');
    expect(routes).toContain('unmatched');
    for (const route of routes) {
      expect(route).not.toMatch(/\/\d+(\/|$)/);
      expect(route).not.toContain(customerCard.uuid);
    }
    expect(value(samples, 'stampline_http_requests_total', { route: '/api/v1/accounts/:account_id/cards/:id', method: 'GET', status: '404' })).toBeGreaterThanOrEqual(1);
    const latency = await scrape();
    expect(value(latency, 'stampline_http_request_duration_seconds_count', { route: '/api/v1/accounts/:account_id/cards/:id' })).toBeGreaterThanOrEqual(2);
    expect(value(latency, 'stampline_http_request_duration_seconds_bucket', { route: '/api/v1/accounts/:account_id/cards/:id', le: '+Inf' })).toBeGreaterThanOrEqual(2);
  });

  it('counts ledger entries and stamps by kind as they are written', async () => {
    const { store, customerCard } = await seed();
    const before = await scrape();
    await addStamps(store.token, customerCard.id, 3);
    const after = await scrape();
    const moved = (name: string) => value(after, name, { kind: 'STAMP' }) - value(before, name, { kind: 'STAMP' });
    expect(moved('stampline_ledger_entries_total')).toBe(1);
    expect(moved('stampline_stamps_total')).toBe(3);
  });

  it('counts webhook deliveries by outcome', async () => {
    const { store, customerCard } = await seed();
    await createWebhookSubscription(t.runtime.deps, store.actor, { targetUrl: receiver.url('/metrics-hook'), events: ['*'] });
    const before = value(await scrape(), 'stampline_webhook_deliveries_total', { outcome: 'delivered' });
    await addStamps(store.token, customerCard.id, 1);
    await eventually(() => receiver.at('/metrics-hook').length, (n) => n >= 1);
    const after = await eventually(
      async () => value(await scrape(), 'stampline_webhook_deliveries_total', { outcome: 'delivered' }),
      (n) => n > before,
    );
    expect(after).toBeGreaterThan(before);
  });

  it('reads the outbox depth and the age of its oldest message at scrape time', async () => {
    // A topic no worker handles, so the rows stay put; the older one is two minutes old.
    const topic = 'metrics.test';
    const db = t.runtime.deps.db;
    await db.outboxMessage.create({ data: { topic, payload: {}, createdAt: new Date(Date.now() - 120_000), nextAttemptAt: new Date() } });
    await db.outboxMessage.create({ data: { topic, payload: {}, nextAttemptAt: new Date() } });
    try {
      const samples = await scrape();
      expect(value(samples, 'stampline_outbox_pending', { topic })).toBe(2);
      expect(value(samples, 'stampline_outbox_oldest_age_seconds', { topic })).toBeGreaterThanOrEqual(120);
    } finally {
      await db.outboxMessage.deleteMany({ where: { topic } });
    }
    expect(value(await scrape(), 'stampline_outbox_pending', { topic })).toBe(0);
  });

  it('shows live connections by transport while they are open', async () => {
    const { store, customerCard } = await seed();
    const id = Buffer.from(`CustomerCard:${customerCard.id}`).toString('base64');
    const query = `subscription { stampsChanged(customerCardId: "${id}") { delta } }`;
    const open = async () => {
      const samples = await scrape();
      return { sse: value(samples, 'stampline_live_connections', { transport: 'sse' }), websocket: value(samples, 'stampline_live_connections', { transport: 'websocket' }) };
    };
    const before = await open();
    const sse = await subscribeSse(t.url, store.token, query);
    expect(sse.status).toBe(200);
    const ws = connectWs(t.url, { authorization: `Bearer ${store.token}` });
    await ws.acknowledged;
    const during = await open();
    expect(during).toEqual({ sse: before.sse + 1, websocket: before.websocket + 1 });
    sse.close();
    ws.close();
    await eventually(open, (now) => now.sse === before.sse && now.websocket === before.websocket);
  });
});

describe('who may read /metrics', () => {
  it('without METRICS_TOKEN: clients on this host, not requests a proxy forwarded', async () => {
    const forwarded = await fetch(`${t.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(forwarded.status).toBe(403);
    expect(await forwarded.json()).toEqual({ error: expect.stringContaining('METRICS_TOKEN') });
    expect((await fetch(`${t.url}/metrics`, { headers: { 'x-real-ip': '203.0.113.7' } })).status).toBe(403);
  });

  it('without METRICS_TOKEN behind a declared proxy (TRUST_PROXY): nobody, since the proxy connects from loopback for anyone', async () => {
    expect((await fetch(`${t.url}/metrics`)).status).toBe(200);
    const trusted = t.runtime.config.trustProxy;
    t.runtime.config.trustProxy = parseTrustProxy('1');
    try {
      expect((await fetch(`${t.url}/metrics`)).status).toBe(403);
    } finally {
      t.runtime.config.trustProxy = trusted;
    }
  });

  it('with METRICS_TOKEN: that bearer token, from anywhere, and nothing else', async () => {
    // The setting is read per request; set it on this gateway for the test only.
    t.runtime.config.metricsToken = 'scrape-secret-1';
    try {
      expect((await fetch(`${t.url}/metrics`)).status).toBe(401);
      const wrong = await fetch(`${t.url}/metrics`, { headers: { authorization: 'Bearer scrape-secret-2' } });
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer/);
      await scrape({ authorization: 'Bearer scrape-secret-1', 'x-forwarded-for': '203.0.113.7' });
    } finally {
      t.runtime.config.metricsToken = undefined;
    }
  });
});
