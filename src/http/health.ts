import type { Context } from 'hono';
import { databaseFault } from '../db/unavailable.ts';
import type { Runtime } from '../runtime.ts';
import { pendingStorage, storageRecovered } from './unavailable.ts';

const PROBE_KEY = 'healthz:write-probe';

/**
 * `/healthz`: 200 `ok` when the database answers; 503 `unavailable` when it does not; 503 `degraded`
 * while its storage refuses writes (full, read-only, I/O errors). Reads may still work when degraded,
 * but a gateway that cannot record a stamp should not be sent stamps. A storage fault is noticed by
 * the requests that meet it; from then on each health check tries one small write, and the first that
 * succeeds clears it, so recovery needs no restart.
 */
export async function health(c: Context, runtime: Runtime): Promise<Response> {
  const database = runtime.database.provider;
  const db = runtime.database.db;
  try {
    await db.$queryRawUnsafe('SELECT 1');
  } catch {
    return c.json({ status: 'unavailable', database }, 503, { 'Retry-After': '1' });
  }
  if (!pendingStorage()) return c.json({ status: 'ok', database });
  const started = Date.now();
  try {
    await db.setting.upsert({ where: { key: PROBE_KEY }, create: { key: PROBE_KEY, value: String(started) }, update: { value: String(started) } });
  } catch (error) {
    const found = databaseFault(error);
    const fault = found && found.kind !== 'unreachable' ? found : pendingStorage();
    if (fault) {
      return c.json({ status: 'degraded', database, problem: fault.kind, message: fault.message }, 503, {
        'Retry-After': String(fault.retryAfterSeconds),
      });
    }
    throw error;
  }
  storageRecovered(started);
  return c.json({ status: 'ok', database });
}
