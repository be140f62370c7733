import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { globalIdOf } from '../src/graphql/global-ids.ts';
import { testProvider } from './helpers/database.ts';
import { seedCard, seedCustomerCard } from './helpers/factories.ts';
import { postGraphQL } from './helpers/graphql.ts';
import { expectStatus, restStore } from './helpers/rest.ts';
import { useServer } from './helpers/server.ts';

/**
 * A database whose storage refuses writes (here: made read-only, the same answer as a full disk) is an
 * outage: 503 with Retry-After and a message naming the problem, a degraded health check, and writes
 * that work again, with no restart, once the database is writable.
 */

const t = useServer();

/** Makes the test database read-only (or writable again) under the running gateway. */
async function setReadOnly(on: boolean): Promise<void> {
  if (testProvider === 'sqlite') {
    await t.runtime.database.db.$executeRawUnsafe(`PRAGMA query_only = ${on ? 'ON' : 'OFF'}`);
    return;
  }
  const url = new URL(t.runtime.config.databaseUrl);
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await admin.query(`ALTER DATABASE ${name} ${on ? 'SET default_transaction_read_only = on' : 'RESET default_transaction_read_only'}`);
    // Sessions read the setting when they start: end the gateway's so its pool opens new ones.
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
  } finally {
    await admin.end();
  }
}

/** Retries `send` past the answers of the gateway's pool replacing ended sessions. */
async function settled<T extends { status: number; text: string }>(send: () => Promise<T>, done: (answer: T) => boolean): Promise<T> {
  let answer = await send();
  for (let attempt = 0; attempt < 50 && !done(answer); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    answer = await send();
  }
  return answer;
}

async function rest(method: string, path: string, token: string, body?: unknown) {
  const response = await fetch(`${t.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text ? JSON.parse(text) : null };
}

const READ_ONLY = /read-only/;

describe('a database that refuses writes', () => {
  it('answers 503 with Retry-After and the reason on both APIs, takes the gateway out of /readyz, and recovers without a restart', async () => {
    const store = await restStore(t);
    const { card } = await seedCard(t.runtime.deps, store.actor, { stampsRequired: 10 });
    const { customer, customerCard } = await seedCustomerCard(t.runtime.deps, store.actor, card.id);
    const stampPath = `/api/v1${store.path}/customers/${customer.id}/customer_cards/${customerCard.id}/stamp`;

    await setReadOnly(true);
    try {
      const refused = await settled(
        () => rest('POST', stampPath, store.token, { stamps: 1 }),
        (answer) => READ_ONLY.test(answer.text),
      );
      expect(refused.status).toBe(503);
      expect(refused.body).toEqual({ error: expect.stringMatching(READ_ONLY), request_id: expect.any(String) });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);

      const graphql = await postGraphQL(t, 'mutation ($input: AddStampsInput!) { addStamps(input: $input) { customerCard { stampsCount } } }', {
        token: store.token,
        variables: { input: { customerCardId: globalIdOf('CustomerCard', customerCard.id), stamps: 1 } },
      });
      expect(graphql.body.errors?.[0]).toMatchObject({
        message: expect.stringMatching(READ_ONLY),
        extensions: { code: 'SERVICE_UNAVAILABLE', reason: 'read-only' },
      });
      expect(JSON.stringify(graphql.body)).not.toMatch(/at .*\.ts:\d+|stack/i);

      expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
      const health = await fetch(`${t.url}/readyz`);
      expect(health.status).toBe(503);
      expect(await health.json()).toEqual({
        status: 'degraded',
        down: ['database'],
        checks: { database: 'down' },
        problem: 'read-only',
        message: expect.stringMatching(READ_ONLY),
        request_id: expect.any(String),
      });
      expect(health.headers.get('retry-after')).toBeTruthy();

      // Reads still work.
      expectStatus(await settled(() => rest('GET', `/api/v1${store.path}/customers/${customer.id}`, store.token), (a) => a.status === 200), 200);
    } finally {
      await setReadOnly(false);
    }

    const healthy = await settled(
      async () => {
        const response = await fetch(`${t.url}/readyz`);
        return { status: response.status, text: await response.text() };
      },
      (answer) => answer.status === 200,
    );
    expect(JSON.parse(healthy.text)).toEqual({ status: 'ready', checks: { database: 'up' } });
    const stamped = expectStatus(await settled(() => rest('POST', stampPath, store.token, { stamps: 2 }), (a) => a.status === 201 || a.status === 200), 200);
    expect(stamped.body.stamps_count).toBe(2);
    // Nothing of the refused writes was half-written: one ledger entry, the one that succeeded.
    const entries = await t.runtime.deps.db.ledgerEntry.findMany({ where: { customerCardId: customerCard.id, kind: 'STAMP' } });
    expect(entries.map((e) => e.delta)).toEqual([2]);
  });
});
