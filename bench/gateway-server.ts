// The gateway under benchmark: startServer on the seeded database named by BENCH_DATABASE_URL, as
// `npm start` would run it, except that the REST rate limit is lifted (the load generator is one
// client sending thousands of requests a second). With BENCH_COUNT_STATEMENTS=1 it counts the SQL
// statements it sends; that costs time, so the bench counts in a separate, unmeasured process.
import { loadConfig } from '../src/config.ts';
import { startRuntime } from '../src/runtime.ts';
import { startServer } from '../src/server.ts';
import { serveTarget } from './target-ipc.ts';

const counting = process.env.BENCH_COUNT_STATEMENTS === '1';
let statements = 0;
const config = loadConfig({
  ...process.env,
  PORT: '0',
  HOST: '127.0.0.1',
  DATABASE_URL: process.env.BENCH_DATABASE_URL,
  SEED_DEMO: 'false',
  RATE_LIMIT_PER_MINUTE: '1000000000',
  // No baseline logs its requests; a line per request through the parent's pipe would be measured too.
  LOG_REQUESTS: process.env.LOG_REQUESTS ?? 'false',
});
const runtime = await startRuntime(config, { migrate: false, ...(counting ? { onQuery: () => statements++ } : {}) });
const server = await startServer(runtime);

serveTarget(server.url, {
  ...(counting ? { statements: () => statements } : {}),
  stop: async () => {
    await server.close();
    await runtime.close();
  },
});
