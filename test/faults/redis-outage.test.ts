import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it, onTestFinished } from 'vitest';
import { globalIdOf } from '../../src/graphql/global-ids.ts';
import { connectWs, eventually, subscribeSse } from '../helpers/live.ts';
import { type Gateway, type Scene, seedScene, startGateway } from './gateway.ts';
import { auditLedger, report } from './ledger-audit.ts';
import { type PrivatePostgres, startPrivatePostgres } from './private-postgres.ts';
import { type PrivateRedis, startPrivateRedis } from './private-redis.ts';
import { startStampers } from './stampers.ts';

const CLIENTS = 10;
const SUBSCRIPTION = `subscription Watch($storeId: ID) { stampsChanged(storeId: $storeId) { delta customerCard { databaseId } } }`;

let postgres: PrivatePostgres;
let redis: PrivateRedis;
let writer: Gateway;
let reader: Gateway;
let scene: Scene;

beforeAll(async () => {
  [postgres, redis] = await Promise.all([startPrivatePostgres(), startPrivateRedis()]);
  scene = await seedScene(postgres.url, CLIENTS);
  const env = { DATABASE_URL: postgres.url, REDIS_URL: redis.url, REDIS_PREFIX: `faults-${randomBytes(4).toString('hex')}:` };
  // Writes go to one gateway and subscribers listen on the other, so every event crosses Redis.
  [writer, reader] = await Promise.all([startGateway(env), startGateway(env)]);
});

afterAll(async () => {
  await Promise.all([writer?.process.stop('SIGKILL'), reader?.process.stop('SIGKILL'), redis?.stop()]);
  postgres?.destroy();
});

it('keeps acknowledging stamps while Redis is down, and subscribers of another gateway resume when it returns', async () => {
  const variables = { storeId: globalIdOf('Store', scene.storeId) };
  const sse = await subscribeSse(reader.url, scene.token, SUBSCRIPTION, variables);
  const ws = connectWs(reader.url, { authorization: `Bearer ${scene.token}` });
  const wsSubscription = ws.subscribe(SUBSCRIPTION, variables);
  await ws.acknowledged;

  const stampers = startStampers(() => writer.url, scene);
  onTestFinished(() => stampers.abort());
  await eventually(() => [sse.results.received.length, wsSubscription.results.received.length], ([a, b]) => a! > 0 && b! > 0, 30_000);

  await redis.stop();
  const acknowledgedAtStop = stampers.log.acknowledged.length;
  await stampers.waitForAcknowledged(5);
  const acknowledgedWhileDown = stampers.log.acknowledged.length - acknowledgedAtStop;

  await redis.start();
  const seenAtRestart = [sse.results.received.length, wsSubscription.results.received.length];
  // Events written after Redis is back reach both subscribers on the other gateway again.
  await eventually(
    () => [sse.results.received.length, wsSubscription.results.received.length],
    ([a, b]) => a! > seenAtRestart[0]! && b! > seenAtRestart[1]!,
    60_000,
  );
  const log = await stampers.stop();
  const audit = await auditLedger(postgres.url, log);
  // What was written while Redis was down reaches the open streams as well: the first event after
  // it shows the hole, which the reader's gateway fills from the log.
  const landed = audit.found + audit.landedUnacknowledged;
  await eventually(
    () => [sse.results.received.length, wsSubscription.results.received.length],
    ([a, b]) => a! >= landed && b! >= landed,
    60_000,
  );
  report('redis-outage', audit, {
    clients: CLIENTS,
    acknowledgedWhileRedisDown: acknowledgedWhileDown,
    sseEvents: sse.results.received.length,
    wsEvents: wsSubscription.results.received.length,
    statuses: JSON.stringify(Object.fromEntries(log.statuses)),
  });
  sse.close();
  ws.close();

  expect(acknowledgedWhileDown).toBeGreaterThanOrEqual(5 * CLIENTS);
  expect([...log.statuses.keys()]).toEqual(['200']);
  expect(sse.results.received.every((result) => result.data && !result.errors)).toBe(true);
  expect(audit.lost).toBe(0);
  expect(audit.doubled).toBe(0);
  expect(audit.balanceMismatches).toBe(0);
  expect(audit.runningSumMismatches).toBe(0);
});
