import { loadConfig } from './config.ts';
import { seedDemoIfEmpty } from './demo.ts';
import { installLogRedaction } from './log-redaction.ts';
import { startRuntime } from './runtime.ts';
import { startServer } from './server.ts';

installLogRedaction();
const config = loadConfig();
const runtime = await startRuntime(config);
if (config.seedDemo) {
  const demo = await seedDemoIfEmpty(runtime.deps);
  if (demo) {
    // The one token ever printed, on purpose (the log redaction would mask it): the demo's only way in.
    process.stdout.write(`Seeded a demo store (account_id ${demo.accountId}). Its API token, shown only now:\n  ${demo.token}\n`);
  }
}
const server = await startServer(runtime);
console.log(`Stampline listening on ${server.url} (GraphQL ${server.url}/graphql, REST ${server.url}/api/v1, till ${server.url}/till, database ${runtime.database.provider})`);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: finishing in-flight requests and stopping`);
  await server.close();
  await runtime.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
