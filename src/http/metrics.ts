import { timingSafeEqual } from 'node:crypto';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import ipaddr from 'ipaddr.js';
import type { Metrics } from '../observability/metrics.ts';
import type { Runtime } from '../runtime.ts';
import { clientAddress } from './rate-limit.ts';
import { routeOf } from './request-id.ts';

// Any other method a client makes up is counted as `other`: label values must stay a short list.
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Counts every answered request and its latency by method, route pattern and status. */
export function httpMetrics(metrics: Metrics): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const method = METHODS.has(c.req.method) ? c.req.method : 'other';
    const route = routeOf(c);
    metrics.httpRequests.inc({ method, route, status: String(c.res.status) });
    metrics.httpDuration.observe({ method, route }, (performance.now() - started) / 1000);
  };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function isLoopback(address: string | undefined): boolean {
  if (!address || !ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'loopback';
}

/**
 * Who may read `/metrics`. With `METRICS_TOKEN` set, a client sending it as a bearer token, from
 * anywhere. Without it, clients on this host only: a loopback address that no proxy forwarded (a
 * reverse proxy on the same host connects from loopback, but says whom it forwards). Metrics name no
 * customer, but they tell a competitor a shop's trade, so they are not public by default.
 */
function refusal(c: Context, runtime: Runtime): Response | undefined {
  const token = runtime.config.metricsToken;
  if (token) {
    if (sameSecret(c.req.header('authorization') ?? '', `Bearer ${token}`)) return undefined;
    return c.json({ error: 'Unauthorized: send Authorization: Bearer <METRICS_TOKEN>' }, 401, {
      'WWW-Authenticate': 'Bearer realm="metrics"',
      'Cache-Control': 'no-store',
    });
  }
  // A proxy in front (TRUST_PROXY set, or any forwarding header) may connect from loopback for anyone.
  const forwarded = c.req.header('forwarded') ?? c.req.header('x-forwarded-for') ?? c.req.header('x-real-ip');
  const proxied = runtime.config.trustProxy.kind !== 'none';
  if (isLoopback(clientAddress(c, runtime)) && !forwarded && !proxied) return undefined;
  return c.json({ error: 'Forbidden: /metrics answers clients on this host only; set METRICS_TOKEN to scrape it from elsewhere' }, 403, {
    'Cache-Control': 'no-store',
  });
}

/** `GET /metrics`: Prometheus text format (see README, "Operate it"). */
export function mountMetrics(app: Hono, runtime: Runtime): void {
  app.get('/metrics', async (c) => {
    const refused = refusal(c, runtime);
    if (refused) return refused;
    const body = await runtime.metrics.scrape();
    return c.body(body, 200, { 'Content-Type': runtime.metrics.contentType, 'Cache-Control': 'no-store' });
  });
}
