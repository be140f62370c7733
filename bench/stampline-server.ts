// The gateway under benchmark: startServer on a fresh embedded database (or BENCH_DATABASE_URL),
// with one store, card and customer card that every subscriber watches. REDIS_URL/REDIS_PREFIX pass
// through, so the same run can measure delivery through Redis. Forked by bench/subscriptions.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { createCard } from '../src/domain/cards/card.service.ts';
import { systemActor, WriteSource } from '../src/domain/context.ts';
import { createCustomer } from '../src/domain/customers/customer.service.ts';
import { createStore } from '../src/domain/stores/store.service.ts';
import { globalIdOf } from '../src/graphql/global-ids.ts';
import { startRuntime } from '../src/runtime.ts';
import { startServer } from '../src/server.ts';
import { serveBenchmark } from './ipc.ts';

const dir = mkdtempSync(join(tmpdir(), 'stampline-bench-'));
const config = loadConfig({
  // Thousands of subscribers share one token here; the per-token limits would refuse them.
  RATE_LIMIT_PER_MINUTE: '100000000',
  LIVE_CONNECTIONS_PER_TOKEN: '1000000',
  // A log line per subscriber's request would be measured as the gateway's work; the baseline logs none.
  LOG_REQUESTS: 'false',
  ...process.env,
  PORT: '0',
  HOST: '127.0.0.1',
  DATABASE_URL: process.env.BENCH_DATABASE_URL || `file:${join(dir, 'bench.db')}`,
  SEED_DEMO: 'false',
});
const runtime = await startRuntime(config);
const { store, token } = await createStore(runtime.deps.db, 'Benchmark cafe');
const actor = systemActor(store.id, WriteSource.GRAPHQL);
const card = await createCard(runtime.deps, actor, { name: 'Coffee', stampsRequired: 10 });
const { customerCard } = await createCustomer(runtime.deps, actor, { firstName: 'Bench', email: 'bench@example.com' }, { cardId: card.id });
if (!customerCard) throw new Error('enrolment failed');
const server = await startServer(runtime);
const customerCardId = globalIdOf('CustomerCard', customerCard.id);

serveBenchmark({
  url: server.url,
  token,
  // What a customer's page or a till screen would ask for.
  subscription: `subscription Watch($id: ID) {
    stampsChanged(customerCardId: $id) {
      kind delta occurredAt
      customerCard { id stampsCount stampsRemaining status }
      ledgerEntry { id balanceAfter source }
    }
  }`,
  variables: { id: customerCardId },
  trigger: {
    query: 'mutation Stamp($input: AddStampsInput!) { addStamps(input: $input) { userErrors { message } } }',
    variables: { input: { customerCardId, stamps: 1 } },
  },
  subscribers: () => server.liveStats().subscribers,
  stop: async () => {
    await server.close();
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  },
});
