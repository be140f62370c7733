import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, onTestFinished } from 'vitest';
import { type Gateway, type Scene, seedScene, startGateway } from './gateway.ts';
import { auditLedger, report } from './ledger-audit.ts';
import { startStampers } from './stampers.ts';

/**
 * A gateway's SQLite database on a small tmpfs that fills up while clients stamp: the gateway answers
 * 503 (not 500) while the disk is full, /readyz says why, and once space is freed the same process
 * takes writes again. Every client retries with its idempotency key, so none may be lost or doubled.
 */

const CLIENTS = 10;
// Room for the migrated database and a WAL that has not yet reached its first checkpoint (1,000 pages).
const TMPFS_SIZE = '16m';

let dir: string;
let mounted = false;
let mountError = '';
let gateway: Gateway | undefined;
let scene: Scene;
let databaseUrl: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stampline-full-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_SIZE}`, 'tmpfs', dir], { stdio: 'pipe' });
    mounted = true;
  } catch (error) {
    mountError = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    return;
  }
  databaseUrl = `file:${join(dir, 'stampline.db')}`;
  scene = await seedScene(databaseUrl, CLIENTS);
  gateway = await startGateway({ DATABASE_URL: databaseUrl });
});

afterAll(async () => {
  if (gateway && gateway.process.child.exitCode !== null) console.error(`gateway exited:\n${gateway.process.stderr.slice(-5000)}`);
  await gateway?.process.stop('SIGKILL');
  if (mounted) execFileSync('umount', [dir]);
  rmSync(dir, { recursive: true, force: true });
});

/** Writes zeros into `path` until the file system has no space left; returns the bytes written. */
function fill(path: string): number {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  let written = 0;
  try {
    for (;;) written += writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  return written;
}

async function waitFor(check: () => Promise<boolean>, ms = 30_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

it('answers 503 while its SQLite disk is full, loses and doubles no acknowledged stamp, and takes writes again once space is freed', async (context) => {
  if (!mounted) {
    console.warn(`SKIPPED full-disk: cannot mount a tmpfs (${mountError}); this scenario needs root`);
    context.skip();
  }
  const url = gateway!.url;
  const stampers = startStampers(() => url, scene);
  onTestFinished(() => stampers.abort());
  await stampers.waitForAcknowledged(3);

  const filler = join(dir, 'filler');
  const fullSince = Date.now();
  const filled = fill(filler);

  // While the disk is full: a stamp is refused as an outage, with the reason, and health says degraded.
  const card = scene.cards[0]!;
  const stampUrl = `${url}/api/v1/accounts/${scene.storeId}/customers/${card.customerId}/customer_cards/${card.customerCardId}/stamp`;
  let refused: { status: number; retryAfter: string | null; body: string } | undefined;
  const sawFull = await waitFor(async () => {
    const response = await fetch(stampUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${scene.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ stamps: 1 }),
    });
    refused = { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.text() };
    return response.status === 503;
  });
  const health = await fetch(`${url}/readyz`);
  const healthBody = (await health.json()) as Record<string, unknown>;
  const acknowledgedWhileFull = stampers.log.acknowledged.length;
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const acknowledgedAfterFullSecond = stampers.log.acknowledged.length;

  rmSync(filler);
  const freedAt = Date.now();
  const before = stampers.log.acknowledged.length;
  await waitFor(async () => stampers.log.acknowledged.length > before);
  const firstWriteAfterFreeMs = Date.now() - freedAt;
  const recovered = await waitFor(async () => (await fetch(`${url}/readyz`)).status === 200);
  await stampers.waitForAcknowledged(3);
  const log = await stampers.stop();

  const audit = await auditLedger(databaseUrl, log);
  report('full-disk', audit, {
    clients: CLIENTS,
    tmpfs: TMPFS_SIZE,
    fillerBytes: filled,
    fullMs: freedAt - fullSince,
    firstWriteAfterFreeMs,
    statuses: JSON.stringify(Object.fromEntries(log.statuses)),
  });

  expect(sawFull).toBe(true);
  expect(refused).toMatchObject({ status: 503, retryAfter: expect.stringMatching(/^\d+$/) });
  expect(JSON.parse(refused!.body)).toEqual({ error: expect.stringMatching(/out of storage space/), request_id: expect.any(String) });
  expect(health.status).toBe(503);
  expect(healthBody).toMatchObject({ status: 'degraded', down: ['database'], problem: 'storage-full' });
  // No stamp is acknowledged while nothing can be written.
  expect(acknowledgedAfterFullSecond).toBe(acknowledgedWhileFull);
  expect(recovered).toBe(true);
  expect(gateway!.process.child.exitCode).toBeNull();
  expect(log.unacknowledged).toEqual([]);
  expect(log.malformed).toEqual([]);
  expect(log.statuses.get('500') ?? 0).toBe(0);
  expect(log.statuses.get('503') ?? 0).toBeGreaterThan(0);
  expect(audit.lost).toBe(0);
  expect(audit.doubled).toBe(0);
  expect(audit.balanceMismatches).toBe(0);
  expect(audit.runningSumMismatches).toBe(0);
});
