import type { Hono } from 'hono';
import type { Runtime } from '../runtime.ts';

/** A dependency the gateway cannot serve without: resolves while it answers, rejects when it does not. */
export type ReadinessCheck = () => Promise<void>;

/** How long one readiness check may take before it counts as down; a balancer polls every few seconds. */
const CHECK_TIMEOUT_MS = 2000;

function within(check: ReadinessCheck, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([check(), timeout]).finally(() => clearTimeout(timer));
}

/**
 * `/healthz` is liveness: the process serves HTTP (restart it when this fails); it touches nothing
 * else, so a database outage does not get every gateway restarted. `/readyz` is readiness: 200 only
 * while every dependency answers (the database, and Redis when configured), else 503 naming what is
 * down, so a load balancer sends requests elsewhere until it recovers. Neither needs a token, and
 * neither may be cached.
 */
export function mountHealth(app: Hono, runtime: Runtime, checks: Record<string, ReadinessCheck>): void {
  const noStore = { 'Cache-Control': 'no-store' };
  app.get('/healthz', (c) => c.json({ status: 'ok', database: runtime.database.provider }, 200, noStore));
  app.get('/readyz', async (c) => {
    const names = Object.keys(checks);
    const results = await Promise.allSettled(names.map((name) => within(checks[name]!, CHECK_TIMEOUT_MS)));
    const status = Object.fromEntries(names.map((name, i) => [name, results[i]!.status === 'fulfilled' ? 'up' : 'down']));
    const down = names.filter((name) => status[name] === 'down');
    if (down.length === 0) return c.json({ status: 'ready', checks: status }, 200, noStore);
    return c.json({ status: 'unavailable', down, checks: status }, 503, { ...noStore, 'Retry-After': '5' });
  });
}
