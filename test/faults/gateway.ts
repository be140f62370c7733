import { loadConfig } from '../../src/config.ts';
import { type Actor, systemActor, WriteSource } from '../../src/domain/context.ts';
import { createStore } from '../../src/domain/stores/store.service.ts';
import { type Runtime, startRuntime } from '../../src/runtime.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { RunningProcess } from '../helpers/process.ts';

export interface Gateway {
  url: string;
  process: RunningProcess;
}

/** `node --import tsx src/main.ts` as a real child process, resolved once it says where it listens. */
export async function startGateway(env: Record<string, string>): Promise<Gateway> {
  const child = new RunningProcess(['--import', 'tsx', 'src/main.ts'], {
    PORT: '0',
    HOST: '127.0.0.1',
    SEED_DEMO: 'false',
    // The suite's clients share one token and would trip the per-token limit meant for one till.
    RATE_LIMIT_PER_MINUTE: '1000000',
    ...env,
  });
  const [, url] = await child.waitForOutput(/listening on (http:\/\/\S+)/);
  return { url: url!, process: child };
}

export interface Scene {
  storeId: number;
  token: string;
  /** One customer card per client, so each client's writes can be checked on their own. */
  cards: Array<{ customerCardId: number; customerId: number }>;
}

/**
 * A store with `clients` customer cards on one card, written through the domain like any setup.
 * `prepare` runs on the new store before its first event (a webhook subscription that must see them all).
 */
export async function seedScene(
  databaseUrl: string,
  clients: number,
  prepare?: (runtime: Runtime, actor: Actor) => Promise<void>,
): Promise<Scene> {
  const runtime = await startRuntime(loadConfig({ DATABASE_URL: databaseUrl, SEED_DEMO: 'false', WEBHOOK_ALLOW_PRIVATE_URLS: 'true' }));
  try {
    const { store, token } = await createStore(runtime.deps.db, 'Fault suite');
    const actor = systemActor(store.id, WriteSource.REST);
    await prepare?.(runtime, actor);
    const { card } = await seedCard(runtime.deps, actor, { stampsRequired: 10 });
    const cards = [];
    for (let i = 0; i < clients; i++) {
      const { customer, customerCard } = await seedCustomerCard(runtime.deps, actor, card.id);
      cards.push({ customerCardId: customerCard.id, customerId: customer.id });
    }
    return { storeId: store.id, token, cards };
  } finally {
    await runtime.close();
  }
}
