import { loadConfig } from './config.ts';
import { seedDemoIfEmpty } from './demo.ts';
import { startRuntime } from './runtime.ts';
import { startServer } from './server.ts';

const config = loadConfig();
const runtime = await startRuntime(config);
if (config.seedDemo) {
  const demo = await seedDemoIfEmpty(runtime.deps);
  if (demo) {
    console.log(`Seeded a demo store (account_id ${demo.accountId}). Its API token, shown only now:\n  ${demo.token}`);
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
