import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createApiToken, createStore } from '../src/domain/stores/store.service.ts';
import { globalIdOf } from '../src/graphql/global-ids.ts';
import { startRuntime } from '../src/runtime.ts';
import { createScratchDatabase, type ScratchDatabase, testProvider } from './helpers/database.ts';
import { connectWs, type SseSubscription, subscribeSse } from './helpers/live.ts';
import { RunningProcess } from './helpers/process.ts';

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const WATCH = 'subscription($s: ID) { stampsChanged(storeId: $s) { delta } }';

interface Gateway {
  url: string;
  process: RunningProcess;
}

async function startGateway(env: Record<string, string>): Promise<Gateway> {
  const process = new RunningProcess(['--import', 'tsx', 'src/main.ts'], { PORT: '0', HOST: '127.0.0.1', SEED_DEMO: 'false', ...env });
  const [, url] = await process.waitForOutput(/listening on (http:\/\/\S+)/);
  return { url: url!, process };
}

/**
 * Opens a stream until one is accepted, pausing between tries: every try is a request, and the
 * token's request budget (small here) must outlast the wait.
 */
async function openWhenFreed(open: () => Promise<SseSubscription>): Promise<SseSubscription> {
  for (let tries = 0; ; tries++) {
    const stream = await open();
    if (stream.status === 200 || tries === 40) return stream;
    stream.close();
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function anonymous(url: string, forwardedFor?: string): Promise<Response> {
  return fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
}

// Runs in the PostgreSQL project only: several processes need a database server they can share.
describe.runIf(testProvider === 'postgresql')('limits shared by gateway processes through Redis', () => {
  let scratch: ScratchDatabase;
  let env: Record<string, string>;
  let a: Gateway;
  let b: Gateway;
  let tokens: string[];
  let storeGlobalId: string;

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    const runtime = await startRuntime(loadConfig({ DATABASE_URL: scratch.url, SEED_DEMO: 'false' }), { migrate: false });
    try {
      const { store, token } = await createStore(runtime.deps.db, 'Shared limits');
      tokens = [token, await createApiToken(runtime.deps.db, store.id), await createApiToken(runtime.deps.db, store.id)];
      storeGlobalId = globalIdOf('Store', store.id);
    } finally {
      await runtime.close();
    }
    env = {
      DATABASE_URL: scratch.url,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: `stampline-test-${randomBytes(6).toString('hex')}:`,
      RATE_LIMIT_PER_MINUTE: '60',
      LIVE_CONNECTIONS_PER_TOKEN: '2',
      LIVE_LEASE_SECONDS: '2',
      TRUST_PROXY: '127.0.0.1/32',
      SIGNUPS_PER_ADDRESS_PER_HOUR: '2',
      SIGNUPS_PER_POSTER_PER_HOUR: '3',
    };
    [a, b] = await Promise.all([startGateway(env), startGateway(env)]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([a?.process.stop('SIGKILL'), b?.process.stop('SIGKILL')]);
    await scratch?.drop();
  }, 60_000);

  it('a request budget spent on one gateway is refused on the other', async () => {
    const token = tokens[0]!;
    const call = (gateway: Gateway) =>
      fetch(`${gateway.url}/api/v1/accounts`, { headers: { authorization: `Bearer ${token}` } });
    const remaining: Array<string | null> = [];
    for (let i = 0; i < 60; i++) {
      const response = await call(i % 2 ? b : a);
      expect(response.status).not.toBe(429);
      remaining.push(response.headers.get('ratelimit-remaining'));
      await response.body?.cancel();
    }
    expect(remaining.slice(0, 3)).toEqual(['59', '58', '57']);
    expect(remaining.at(-1)).toBe('0');
    const refused = await call(b);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // GraphQL spends the same budget, on either gateway.
    const graphql = await fetch(`${a.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ store { name } }' }),
    });
    expect(graphql.status).toBe(429);

    // Anonymous callers count per forwarded address (TRUST_PROXY), across gateways too.
    for (let i = 0; i < 60; i++) expect((await anonymous(i % 2 ? b.url : a.url, '198.51.100.7')).status).toBe(200);
    expect((await anonymous(b.url, '198.51.100.7')).status).toBe(429);
    expect((await anonymous(b.url, '198.51.100.8')).status).toBe(200);
  });

  it('live connections of one token are counted across gateways, and a slot freed on one is usable on the other', async () => {
    const token = tokens[1]!;
    const onA = await subscribeSse(a.url, token, WATCH, { s: storeGlobalId });
    const onB = connectWs(b.url, { authorization: `Bearer ${token}` });
    await onB.acknowledged;
    expect(onA.status).toBe(200);
    const third = await subscribeSse(a.url, token, WATCH, { s: storeGlobalId });
    expect(third.status).toBe(429);
    third.close();
    const thirdWs = connectWs(b.url, { authorization: `Bearer ${token}` });
    expect((await thirdWs.closed).code).toBe(4429);

    onA.close();
    const again = await openWhenFreed(() => subscribeSse(b.url, token, WATCH, { s: storeGlobalId }));
    expect(again.status).toBe(200);
    again.close();
    onB.close();
  });

  it('the slots of a killed gateway free themselves when their leases run out', async () => {
    const token = tokens[2]!;
    const doomed = await startGateway(env);
    try {
      const held = [await subscribeSse(doomed.url, token, WATCH, { s: storeGlobalId }), await subscribeSse(doomed.url, token, WATCH, { s: storeGlobalId })];
      expect(held.map((stream) => stream.status)).toEqual([200, 200]);
      // Held while the gateway lives and refreshes them.
      const refused = await subscribeSse(a.url, token, WATCH, { s: storeGlobalId });
      expect(refused.status).toBe(429);
      refused.close();

      // A crash releases nothing: only the leases running out frees the slots.
      await doomed.process.stop('SIGKILL');
      const freed = await openWhenFreed(() => subscribeSse(a.url, token, WATCH, { s: storeGlobalId }));
      // The two leases were refreshed together but not at the same instant: the second may lag a little.
      const second = await openWhenFreed(() => subscribeSse(b.url, token, WATCH, { s: storeGlobalId }));
      expect([freed.status, second.status]).toEqual([200, 200]);
      // And the limit holds again once both slots are taken.
      const third = await subscribeSse(a.url, token, WATCH, { s: storeGlobalId });
      expect(third.status).toBe(429);
      third.close();
      freed.close();
      second.close();
    } finally {
      await doomed.process.stop('SIGKILL');
    }
  });

  it('sign-ups are counted per address and per poster on every gateway', async () => {
    const submit = (gateway: Gateway, slug: string, address: string) =>
      fetch(`${gateway.url}/p/${slug}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': address },
        body: 'name=Ana',
      }).then(async (response) => {
        await response.body?.cancel();
        return response.status;
      });
    // Every submission counts, accepted or not (here: no CSRF token, no such poster).
    const perAddress = [await submit(a, 'one', '203.0.113.1'), await submit(b, 'two', '203.0.113.1'), await submit(a, 'three', '203.0.113.1')];
    expect(perAddress.slice(0, 2)).not.toContain(429);
    expect(perAddress[2]).toBe(429);
    const perPoster = [
      await submit(a, 'shared', '203.0.113.11'),
      await submit(b, 'shared', '203.0.113.12'),
      await submit(a, 'shared', '203.0.113.13'),
      await submit(b, 'shared', '203.0.113.14'),
    ];
    expect(perPoster.slice(0, 3)).not.toContain(429);
    expect(perPoster[3]).toBe(429);
  });

  it('says so in the log only when Redis fails', () => {
    expect(a.process.stdout + a.process.stderr + b.process.stdout + b.process.stderr).not.toMatch(/redis unavailable for limits/);
  });
});
