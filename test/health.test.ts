import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase, testProvider } from './helpers/database.ts';
import { useServer } from './helpers/server.ts';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.ts';
import { eventually } from './helpers/wallet.ts';

const REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

// One gateway with Redis reached through a proxy the test can cut, the way an outage looks to it;
// on PostgreSQL its database is reached through one as well.
const env: Record<string, string> = { REDIS_PREFIX: `stampline-health-${randomBytes(4).toString('hex')}:`, DATABASE_TIMEOUT_MS: '500' };
let redis: TcpProxy;
let database: TcpProxy | undefined;
let scratch: ScratchDatabase | undefined;
beforeAll(async () => {
  redis = await startTcpProxy(REDIS);
  env.REDIS_URL = redis.url;
  if (testProvider === 'postgresql') {
    scratch = await createScratchDatabase();
    database = await startTcpProxy(scratch.url);
    env.DATABASE_URL = database.url;
  }
});
const t = useServer(env);
afterAll(async () => {
  await redis?.close();
  await database?.close();
  await scratch?.drop();
});

const get = async (path: string) => {
  const response = await fetch(`${t.url}${path}`);
  return { status: response.status, headers: response.headers, body: await response.json() };
};

describe('/healthz (liveness)', () => {
  it('answers 200 with the database in use, uncached', async () => {
    const health = await get('/healthz');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok', database: testProvider });
    expect(health.headers.get('cache-control')).toBe('no-store');
  });
});

describe('/readyz (readiness)', () => {
  it('answers 200 while the database and Redis answer', async () => {
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { database: 'up', redis: 'up' } });
    expect(ready.headers.get('cache-control')).toBe('no-store');
  });

  it('answers 503 naming Redis while it is down, then 200 once it is back; liveness stays 200', async () => {
    redis.cut();
    try {
      const down = await eventually(async () => {
        const answer = await get('/readyz');
        return answer.status === 503 && answer;
      });
      expect(down.body).toEqual({ status: 'unavailable', down: ['redis'], checks: { database: 'up', redis: 'down' }, request_id: expect.any(String) });
      expect(down.headers.get('retry-after')).toBe('5');
      expect((await get('/healthz')).status).toBe(200);
    } finally {
      redis.restore();
    }
    await eventually(async () => (await get('/readyz')).status === 200, 20_000);
  });

  it.runIf(testProvider === 'postgresql')('answers 503 naming the database while it is down, then 200 once it is back', async () => {
    database!.cut();
    try {
      const down = await eventually(async () => {
        const answer = await get('/readyz');
        return answer.status === 503 && answer;
      });
      expect(down.body).toEqual({ status: 'unavailable', down: ['database'], checks: { database: 'down', redis: 'up' }, request_id: expect.any(String) });
      expect((await get('/healthz')).status).toBe(200);
    } finally {
      database!.restore();
    }
    await eventually(async () => (await get('/readyz')).status === 200, 20_000);
  });
});

describe('/readyz without Redis', () => {
  const memory = useServer();

  it('checks only the database', async () => {
    const response = await fetch(`${memory.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready', checks: { database: 'up' } });
  });
});
