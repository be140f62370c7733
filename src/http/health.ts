import type { Hono } from 'hono';
import { databaseFault } from '../db/unavailable.ts';
import type { Runtime } from '../runtime.ts';
import { pendingStorage, storageRecovered } from './unavailable.ts';

/** A dependency the gateway cannot serve without: resolves while it answers, rejects (with why) when it does not. */
export type ReadinessCheck = () => Promise<void>;

/** How long one readiness check may take before it counts as down; a balancer polls every few seconds. */
const CHECK_TIMEOUT_MS = 2000;

const PROBE_KEY = 'readyz:write-probe';

/** Storage that refuses writes (full, read-only, I/O errors), with what to tell the operator. */
class StorageFault extends Error {
  readonly problem: string;
  readonly retryAfterSeconds: number;

  constructor(problem: string, message: string, retryAfterSeconds: number) {
    super(message);
    this.problem = problem;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

function within(check: ReadinessCheck, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([check(), timeout]).finally(() => clearTimeout(timer));
}

/**
 * The database answers, and takes writes. Reads may still work while its storage refuses writes, but a
 * gateway that cannot record a stamp should not be sent stamps. A storage fault is noticed by the
 * requests that meet it; from then on each check tries one small write, and the first that succeeds
 * clears it, so recovery needs no restart.
 */
function databaseCheck(runtime: Runtime): ReadinessCheck {
  return async () => {
    const { db } = runtime.database;
    await db.$queryRawUnsafe('SELECT 1');
    if (!pendingStorage()) return;
    const started = Date.now();
    try {
      await db.setting.upsert({ where: { key: PROBE_KEY }, create: { key: PROBE_KEY, value: String(started) }, update: { value: String(started) } });
    } catch (error) {
      const found = databaseFault(error);
      const fault = found && found.kind !== 'unreachable' ? found : pendingStorage();
      if (fault) throw new StorageFault(fault.kind, fault.message, fault.retryAfterSeconds);
      throw error;
    }
    storageRecovered(started);
  };
}

/**
 * `/healthz` is liveness: the process serves HTTP (restart it when this fails); it touches nothing
 * else, so a database outage does not get every gateway restarted. `/readyz` is readiness: 200 only
 * while every dependency answers (the database taking writes, and Redis when configured), else 503
 * naming what is down and, for storage that refuses writes, why; a load balancer sends requests
 * elsewhere until it recovers. Neither needs a token, and neither may be cached.
 */
export function mountHealth(app: Hono, runtime: Runtime, extra: Record<string, ReadinessCheck>): void {
  const checks: Record<string, ReadinessCheck> = { database: databaseCheck(runtime), ...extra };
  const noStore = { 'Cache-Control': 'no-store' };
  app.get('/healthz', (c) => c.json({ status: 'ok', database: runtime.database.provider }, 200, noStore));
  app.get('/readyz', async (c) => {
    const names = Object.keys(checks);
    const results = await Promise.allSettled(names.map((name) => within(checks[name]!, CHECK_TIMEOUT_MS)));
    const status = Object.fromEntries(names.map((name, i) => [name, results[i]!.status === 'fulfilled' ? 'up' : 'down']));
    const down = names.filter((name) => status[name] === 'down');
    if (down.length === 0) return c.json({ status: 'ready', checks: status }, 200, noStore);
    const storage = results.map((r) => (r.status === 'rejected' ? r.reason : undefined)).find((r): r is StorageFault => r instanceof StorageFault);
    const body = storage
      ? { status: 'degraded', down, checks: status, problem: storage.problem, message: storage.message }
      : { status: 'unavailable', down, checks: status };
    return c.json(body, 503, { ...noStore, 'Retry-After': String(storage?.retryAfterSeconds ?? 5) });
  });
}
