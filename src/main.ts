import nodeModule from 'node:module';
import { loadConfig } from './config.ts';
import { seedDemoIfEmpty } from './demo.ts';
import { installLogRedaction } from './log-redaction.ts';
import { configureLog, log } from './observability/log.ts';
import { startTracing, stopTracing } from './observability/tracing.ts';
import { type Runtime, startRuntime } from './runtime.ts';
import { type RunningServer, startServer } from './server.ts';

installLogRedaction();

// Signals are taken from the first moment: one that arrives while the gateway is still starting stops
// it as soon as what has started can be closed, instead of killing it mid-migration.
let server: RunningServer | undefined;
let runtime: Runtime | undefined;
let stopSignal: string | undefined;
let stopping = false;
async function shutdown(signal: string): Promise<void> {
  stopSignal ??= signal;
  if (stopping || !server) return;
  stopping = true;
  log.info(`${signal}: finishing in-flight requests and stopping`);
  await server.close();
  await runtime?.close();
  await stopTracing();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

const config = loadConfig();
configureLog({ level: config.logLevel });
// Before anything serves a request, so the first one is traced; loads nothing when tracing is off.
if (await startTracing(config.tracing)) log.info(`tracing: spans go to ${config.tracing.tracesUrl}`);
runtime = await startRuntime(config);
if (config.seedDemo) {
  const demo = await seedDemoIfEmpty(runtime.deps);
  if (demo) {
    // The one token ever printed, on purpose (the log redaction would mask it): the demo's only way in.
    process.stdout.write(`Seeded a demo store (account_id ${demo.accountId}). Its API token, shown only now:\n  ${demo.token}\n`);
  }
}
server = await startServer(runtime);
log.info(`Stampline listening on ${server.url} (GraphQL ${server.url}/graphql, REST ${server.url}/api/v1, till ${server.url}/till, database ${runtime.database.provider})`);
// `npm start` sets NODE_COMPILE_CACHE (Node 22.1 and later; Node 20 ignores it): the code compiled
// for this start is written out now (Node 22.10 and later), not only at a clean exit, so that the
// next start reads it even after a crash or a SIGKILL.
(nodeModule as { flushCompileCache?: () => void }).flushCompileCache?.();
if (stopSignal) await shutdown(stopSignal);
