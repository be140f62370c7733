// Run as `node --import tsx test/helpers/otel-probe.ts` with DATABASE_URL (a migrated database):
// starts tracing and a gateway as src/main.ts does, answers a few requests, stops, and prints on its
// last line which OpenTelemetry packages this process loaded. OpenTelemetry's packages are CommonJS,
// so an import of theirs, static or dynamic, lands in the CommonJS module cache.
import { createRequire } from 'node:module';
import { loadConfig } from '../../src/config.ts';
import { startTracing, stopTracing, tracingActive } from '../../src/observability/tracing.ts';
import { startRuntime } from '../../src/runtime.ts';
import { startServer } from '../../src/server.ts';

const config = loadConfig({ ...process.env, PORT: '0', SEED_DEMO: 'false', LOG_REQUESTS: 'false' });
await startTracing(config.tracing);
const runtime = await startRuntime(config, { migrate: false });
const server = await startServer(runtime);
await fetch(`${server.url}/healthz`);
await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
const active = tracingActive();
await server.close();
await runtime.close();
await stopTracing();
const cache = createRequire(import.meta.url).cache;
const packages = new Set(Object.keys(cache).flatMap((file) => file.match(/\/node_modules\/(@opentelemetry\/[^/]+)\//)?.[1] ?? []));
process.stdout.write(`\n${JSON.stringify({ active, packages: [...packages].sort() })}\n`);
process.exit(0);
