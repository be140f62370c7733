import { afterAll, beforeAll, expect, it, onTestFinished } from 'vitest';
import { type Gateway, type Scene, seedScene, startGateway } from './gateway.ts';
import { auditLedger, report } from './ledger-audit.ts';
import { type PrivatePostgres, startPrivatePostgres } from './private-postgres.ts';
import { startStampers } from './stampers.ts';

const CLIENTS = 20;
const KILLS = 3;

let postgres: PrivatePostgres;
let current: Gateway;
let scene: Scene;

beforeAll(async () => {
  postgres = await startPrivatePostgres();
  scene = await seedScene(postgres.url, CLIENTS);
  current = await startGateway({ DATABASE_URL: postgres.url });
});

afterAll(async () => {
  await current?.process.stop('SIGKILL');
  postgres?.destroy();
});

it('leaves no half-written ledger entry or balance when a gateway is killed (SIGKILL) mid-stamp, and a new one carries on', async () => {
  const stampers = startStampers(() => current.url, scene);
  onTestFinished(() => stampers.abort());
  await stampers.waitForAcknowledged(5);

  const signals = [];
  for (let kill = 0; kill < KILLS; kill++) {
    // 20 writes are in flight at any moment; the kill lands in the middle of some of them.
    signals.push((await current.process.stop('SIGKILL')).signal);
    // The clients retry their unacknowledged writes, with the same keys, against the replacement.
    current = await startGateway({ DATABASE_URL: postgres.url });
    await stampers.waitForAcknowledged(3);
  }
  const log = await stampers.stop();

  const audit = await auditLedger(postgres.url, log);
  report('gateway-sigkill', audit, {
    clients: CLIENTS,
    kills: KILLS,
    statuses: JSON.stringify(Object.fromEntries(log.statuses)),
  });

  expect(signals).toEqual(Array(KILLS).fill('SIGKILL'));
  expect(log.unacknowledged).toEqual([]);
  expect(log.statuses.get('500') ?? 0).toBe(0);
  expect(audit.lost).toBe(0);
  expect(audit.doubled).toBe(0);
  expect(audit.balanceMismatches).toBe(0);
  expect(audit.runningSumMismatches).toBe(0);
});
