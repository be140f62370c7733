import { afterAll, beforeAll } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { type Actor, systemActor, WriteSource } from '../../src/domain/context.ts';
import { tokenDisplayName } from '../../src/auth/principal.ts';
import { scopeOf } from '../../src/auth/scopes.ts';
import { createStore, findWorkingToken } from '../../src/domain/stores/store.service.ts';
import { type Runtime, startRuntime } from '../../src/runtime.ts';
import { createScratchDatabase, type ScratchDatabase } from './database.ts';
import { seedCard, seedCustomerCard } from './factories.ts';

/**
 * Statements of the wallet's outbox worker, which polls in the background: they would land in
 * whichever request a statement-counting test happens to be measuring.
 */
const BACKGROUND = /outbox_messages/;

export interface TestRuntime {
  runtime: Runtime;
  /** SQL statements sent since the last `resetQueries()` (for N+1 guards). */
  queries: string[];
}

/**
 * A runtime on a scratch database for the whole test file. Tests isolate themselves by creating
 * their own store (see `newStore`), so nothing is truncated between them.
 */
export function useRuntime(env: Record<string, string> = {}): TestRuntime {
  const state = { queries: [] as string[] } as TestRuntime;
  let scratch: ScratchDatabase;
  beforeAll(async () => {
    scratch = await createScratchDatabase();
    // Request log lines would bury the test report; the test of the log line turns them on.
    const config = loadConfig({ PORT: '0', DATABASE_URL: scratch.url, SEED_DEMO: 'false', LOG_REQUESTS: 'false', ...env });
    state.runtime = await startRuntime(config, { migrate: false, onQuery: (sql) => !BACKGROUND.test(sql) && state.queries.push(sql) });
  });
  afterAll(async () => {
    await state.runtime?.close();
    await scratch?.drop();
  });
  return state;
}

export interface TestStore {
  actor: Actor;
  token: string;
}

let storeCounter = 0;

export async function newStore(runtime: Runtime, source: WriteSource = WriteSource.GRAPHQL): Promise<TestStore> {
  const { store, token } = await createStore(runtime.deps.db, `Test store ${++storeCounter}`);
  return { actor: await tokenActor(runtime, token, source), token };
}

/** The actor an API token acts as, as the transports build it (its scope, id and name). */
export async function tokenActor(runtime: Runtime, token: string, source: WriteSource = WriteSource.GRAPHQL): Promise<Actor> {
  const row = (await findWorkingToken(runtime.deps.db, token))!;
  return {
    storeId: row.storeId,
    source,
    principal: { kind: 'TOKEN', tokenId: row.id, scope: scopeOf(row.scope), name: tokenDisplayName(row) },
  };
}

/** What `seedScratchStore` made: a store with its token, a card and one customer card on it. */
export interface SeededStore {
  token: string;
  storeId: number;
  cardId: number;
  customerCardId: number;
}

/**
 * Seeds a store, a card and a customer card into the (migrated) database at `databaseUrl`, for tests
 * that then start a gateway process on it.
 */
export async function seedScratchStore(databaseUrl: string, name: string): Promise<SeededStore> {
  const runtime = await startRuntime(loadConfig({ DATABASE_URL: databaseUrl, SEED_DEMO: 'false' }), { migrate: false });
  try {
    const { store, token } = await createStore(runtime.deps.db, name);
    const actor = systemActor(store.id, WriteSource.REST);
    const { card } = await seedCard(runtime.deps, actor);
    const { customerCard } = await seedCustomerCard(runtime.deps, actor, card.id);
    return { token, storeId: store.id, cardId: card.id, customerCardId: customerCard.id };
  } finally {
    await runtime.close();
  }
}
