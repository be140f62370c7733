import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import nodeModule from 'node:module';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/client.ts';
import { loadMigrations } from '../src/db/migrations.ts';
import { authenticateToken } from '../src/domain/stores/store.service.ts';
import { createScratchDatabase, type ScratchDatabase, testProvider } from './helpers/database.ts';
import { freePort, RunningProcess, repoRoot } from './helpers/process.ts';

const LISTENING = /Stampline listening on (http:\/\/\S+) /;
const running: RunningProcess[] = [];
const scratches: ScratchDatabase[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((gateway) => gateway.stop('SIGKILL')));
  await Promise.all(scratches.splice(0).map((scratch) => scratch.drop()));
});

async function scratchDatabase(): Promise<ScratchDatabase> {
  const scratch = await createScratchDatabase({ migrate: false });
  scratches.push(scratch);
  return scratch;
}

/** `npm start`'s entry point on `databaseUrl`, listening on a free port; resolves once it listens. */
async function startGateway(databaseUrl: string, env: Record<string, string> = {}) {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    // SEED_DEMO is cleared so that only `env` decides it.
    const gateway = new RunningProcess(['--import', 'tsx', 'src/main.ts'], {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      SEED_DEMO: undefined,
      REDIS_URL: undefined,
      ...env,
    });
    running.push(gateway);
    try {
      const [, url] = await gateway.waitForOutput(LISTENING);
      expect(url).toBe(`http://127.0.0.1:${port}`);
      return { gateway, url: url! };
    } catch (error) {
      // Another process on this machine may bind the free port before the gateway does.
      if (attempt < 3 && gateway.stderr.includes('EADDRINUSE')) continue;
      throw error;
    }
  }
}

async function stopCleanly(gateway: RunningProcess) {
  expect(await gateway.stop('SIGTERM')).toEqual({ status: 0, signal: null });
  expect(gateway.stdout).toContain('SIGTERM: finishing in-flight requests and stopping');
}

async function contents(databaseUrl: string) {
  const { db, close } = await openDatabase(databaseUrl);
  try {
    const [stores, cards, rewards, customers, customerCards, ledger, migrations] = await Promise.all([
      db.store.findMany(),
      db.card.findMany(),
      db.reward.findMany({ orderBy: { position: 'asc' } }),
      db.customer.findMany(),
      db.customerCard.findMany(),
      db.ledgerEntry.findMany(),
      db.$queryRawUnsafe<{ migration_name: string }[]>('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL'),
    ]);
    return { db, close, stores, cards, rewards, customers, customerCards, ledger, migrations: migrations.map((m) => m.migration_name).sort() };
  } catch (error) {
    await close();
    throw error;
  }
}

function demoTokens(stdout: string): string[] {
  return stdout.match(/sl_[A-Za-z0-9_-]+/g) ?? [];
}

describe.runIf(testProvider === 'sqlite')('npm start on an embedded database', () => {
  it('migrates, seeds the demo store once, prints its token once, serves /healthz and stops on SIGTERM', async () => {
    const scratch = await scratchDatabase();
    const first = await startGateway(scratch.url);
    expect(first.gateway.stdout).toMatch(/Seeded a demo store \(account_id \d+\)/);
    const [token, ...others] = demoTokens(first.gateway.stdout);
    expect(others).toEqual([]);

    const health = await fetch(`${first.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: 'sqlite' });
    await stopCleanly(first.gateway);

    const seeded = await contents(scratch.url);
    try {
      expect(seeded.migrations).toEqual(loadMigrations('sqlite').migrationDirectories.map((d) => d.path).sort());
      expect(seeded.stores).toHaveLength(1);
      expect(await authenticateToken(seeded.db, token!)).toBe(seeded.stores[0]!.id);
      expect(seeded.cards).toHaveLength(1);
      expect(seeded.rewards.map((r) => r.name)).toEqual(['Free pastry', 'Free coffee']);
      expect(seeded.customers).toHaveLength(1);
      expect(seeded.customerCards).toHaveLength(1);
      expect(seeded.customerCards[0]!.stampsCount).toBe(seeded.cards[0]!.initialStamps);
      expect(seeded.ledger.map((e) => e.kind)).toEqual(['WELCOME']);
    } finally {
      await seeded.close();
    }

    const second = await startGateway(scratch.url);
    expect(second.gateway.stdout).not.toMatch(/Seeded/);
    expect(demoTokens(second.gateway.stdout)).toEqual([]);
    expect((await fetch(`${second.url}/healthz`)).status).toBe(200);
    await stopCleanly(second.gateway);
    const after = await contents(scratch.url);
    await after.close();
    expect({ stores: after.stores.length, customers: after.customers.length }).toEqual({ stores: 1, customers: 1 });
  });

  it('does not seed when SEED_DEMO=false', async () => {
    const scratch = await scratchDatabase();
    const { gateway } = await startGateway(scratch.url, { SEED_DEMO: 'false' });
    expect(gateway.stdout).not.toMatch(/Seeded/);
    await stopCleanly(gateway);
    const result = await contents(scratch.url);
    await result.close();
    expect(result.stores).toEqual([]);
  });
});

describe.runIf(testProvider === 'postgresql')('npm start on PostgreSQL', () => {
  it('migrates an empty database and seeds nothing unless asked', async () => {
    const scratch = await scratchDatabase();
    const { gateway, url } = await startGateway(scratch.url);
    expect(gateway.stdout).not.toMatch(/Seeded/);
    expect(demoTokens(gateway.stdout)).toEqual([]);
    const health = await fetch(`${url}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok', database: 'postgresql' });
    await stopCleanly(gateway);
    const result = await contents(scratch.url);
    await result.close();
    expect(result.stores).toEqual([]);
    expect(result.migrations).toEqual(loadMigrations('postgresql').migrationDirectories.map((d) => d.path).sort());
  });

  it('seeds the demo store once with SEED_DEMO=true', async () => {
    const scratch = await scratchDatabase();
    const first = await startGateway(scratch.url, { SEED_DEMO: 'true' });
    expect(demoTokens(first.gateway.stdout)).toHaveLength(1);
    await stopCleanly(first.gateway);
    const second = await startGateway(scratch.url, { SEED_DEMO: 'true' });
    expect(second.gateway.stdout).not.toMatch(/Seeded/);
    await stopCleanly(second.gateway);
    const result = await contents(scratch.url);
    try {
      expect(result.stores).toHaveLength(1);
      expect(await authenticateToken(result.db, demoTokens(first.gateway.stdout)[0]!)).toBe(result.stores[0]!.id);
    } finally {
      await result.close();
    }
  });
});

/** The command lines of `pid` and its descendants (Linux /proc). */
function processTree(pid: number): string[] {
  let children: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const list = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (list) children = children.concat(list.split(/\s+/).map(Number));
    }
    const self = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    return [self, ...children.flatMap(processTree)];
  } catch {
    return [];
  }
}

describe.runIf(testProvider === 'sqlite')('npm start itself', () => {
  // `npm start` rebuilds dist/ first when a source is newer than the last build (prestart), which
  // takes a while on a busy machine; after `npm install` or `npm ci` the build is current.
  it('runs the compiled gateway from dist/ with plain Node and serves /healthz', { timeout: 120_000 }, async () => {
    const scratch = await scratchDatabase();
    const port = await freePort();
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: repoRoot,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: scratch.url, SEED_DEMO: 'false', REDIS_URL: undefined },
    });
    let stdout = '';
    let stderr = '';
    npm.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    npm.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => npm.on('exit', (code) => resolve(code)));
    try {
      for (;;) {
        if (LISTENING.test(stdout)) break;
        if (npm.exitCode !== null) throw new Error(`npm start exited with ${npm.exitCode}\n${stdout}\n${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok', database: 'sqlite' });
      if (existsSync('/proc/self/task')) {
        const tree = processTree(npm.pid!);
        // npm, then Node on the compiled entry point: no shell left waiting, no TypeScript loader.
        expect(tree.at(-1)).toMatch(/node .*dist\/main\.js$/);
        expect(tree.join('\n')).not.toMatch(/tsx/);
      }
      // dist/main.js is one bundle of the sources; its source map leads stack traces back to them
      // (NODE_OPTIONS=--enable-source-maps).
      const sourceMap = JSON.parse(readFileSync(join(repoRoot, 'dist', 'main.js.map'), 'utf8')) as { sources: string[] };
      expect(sourceMap.sources).toEqual(expect.arrayContaining(['../src/main.ts', '../src/server.ts']));
      // Node 22.10 and later keep the code compiled for this start, for the next one (Node 20 cannot).
      if ('flushCompileCache' in nodeModule) expect(readdirSync(join(repoRoot, 'dist', '.compile-cache'))).not.toEqual([]);
    } finally {
      // Only npm gets the signal, as from a process manager: it passes it on to the gateway.
      npm.kill('SIGTERM');
      await exited;
    }
    expect(stdout).toContain('SIGTERM: finishing in-flight requests and stopping');
  });
});
