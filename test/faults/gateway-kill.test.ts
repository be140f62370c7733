import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Gateway, type Scene, seedScene, startGateway } from './gateway.ts';
import { auditLedger, report } from './ledger-audit.ts';
import { type PrivatePostgres, startPrivatePostgres } from './private-postgres.ts';
import { startStampers } from './stampers.ts';

const CLIENTS = 20;

let postgres: PrivatePostgres;
let first: Gateway;
let second: Gateway | undefined;
let scene: Scene;

beforeAll(async () => {
  postgres = await startPrivatePostgres();
  scene = await seedScene(postgres.url, CLIENTS);
  first = await startGateway({ DATABASE_URL: postgres.url });
});

afterAll(async () => {
  await Promise.all([first?.process.stop('SIGKILL'), second?.process.stop('SIGKILL')]);
  postgres?.destroy();
});

it('leaves no half-written ledger entry or balance when a gateway is killed (SIGKILL) mid-stamp, and a new one carries on', async () => {
  let current = first;
  const stampers = startStampers(() => current.url, scene);
  await stampers.waitForAcknowledged(5);

  // 20 writes are in flight at any moment; the kill lands in the middle of some of them.
  const killed = await first.process.stop('SIGKILL');
  const acknowledgedAtKill = stampers.log.acknowledged.length;
  // The clients retry their unacknowledged writes, with the same keys, against the replacement.
  second = await startGateway({ DATABASE_URL: postgres.url });
  current = second;
  await stampers.waitForAcknowledged(5);
  const log = await stampers.stop();

  const audit = await auditLedger(postgres.url, log);
  report('gateway-sigkill', audit, {
    clients: CLIENTS,
    acknowledgedBeforeKill: acknowledgedAtKill,
    statuses: JSON.stringify(Object.fromEntries(log.statuses)),
  });

  expect(killed.signal).toBe('SIGKILL');
  expect(log.acknowledged.length).toBeGreaterThan(acknowledgedAtKill);
  expect(log.unacknowledged).toEqual([]);
  expect(log.statuses.get('500') ?? 0).toBe(0);
  expect(audit.lost).toBe(0);
  expect(audit.doubled).toBe(0);
  expect(audit.balanceMismatches).toBe(0);
  expect(audit.runningSumMismatches).toBe(0);
});
