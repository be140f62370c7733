// The benchmark's dataset: a scratch database (a temporary SQLite file, or a PostgreSQL database
// created for the run and dropped after it), migrated like a real deployment and seeded with one
// store, 5 cards with 3 rewards each, 1,000 customers holding 2 cards each, and 10 stamps on every
// customer card (20,000 ledger entries). The store, cards and rewards go through the domain
// services; the bulk rows through createMany, which is what an import would do.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { createCard } from '../src/domain/cards/card.service.ts';
import { systemActor, WriteSource } from '../src/domain/context.ts';
import { searchTextOf } from '../src/domain/customers/customer.rules.ts';
import { createReward } from '../src/domain/rewards/reward.service.ts';
import { createStore } from '../src/domain/stores/store.service.ts';
import { startRuntime } from '../src/runtime.ts';

export const DATASET = { customers: 1000, cards: 5, rewardsPerCard: 3, cardsPerCustomer: 2, stampsPerCustomerCard: 10 } as const;

export type BenchDatabase = 'sqlite' | 'postgresql';

export interface Dataset {
  database: BenchDatabase;
  url: string;
  token: string;
  storeId: number;
  customerCards: Array<{ id: number; customerId: number }>;
  drop(): Promise<void>;
}

const DEFAULT_POSTGRES = 'postgresql://postgres@127.0.0.1:5432/postgres';

/** Creates, migrates and seeds a scratch database of the given kind. */
export async function seedDataset(database: BenchDatabase): Promise<Dataset> {
  const scratch = database === 'sqlite' ? scratchSqlite() : await scratchPostgres();
  try {
    return { ...(await seed(database, scratch.url)), drop: scratch.drop };
  } catch (error) {
    await scratch.drop();
    throw error;
  }
}

function scratchSqlite() {
  const dir = mkdtempSync(join(tmpdir(), 'stampline-bench-'));
  return { url: `file:${join(dir, 'bench.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

async function scratchPostgres() {
  const admin = new URL(process.env.BENCH_POSTGRES_URL || process.env.TEST_DATABASE_URL || DEFAULT_POSTGRES);
  const name = `stampline_bench_${process.pid}_${Date.now()}`;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function seed(database: BenchDatabase, url: string): Promise<Omit<Dataset, 'drop'>> {
  const runtime = await startRuntime(loadConfig({ ...process.env, DATABASE_URL: url, SEED_DEMO: 'false' }));
  try {
    const { deps } = runtime;
    const { db } = deps;
    const { store, token } = await createStore(db, 'Benchmark cafe');
    const actor = systemActor(store.id, WriteSource.REST);
    const cardIds: number[] = [];
    for (let c = 0; c < DATASET.cards; c++) {
      const card = await createCard(deps, actor, { name: `Card ${c + 1}`, stampsRequired: 8 + c });
      for (let r = 0; r < DATASET.rewardsPerCard; r++) {
        await createReward(deps, actor, card.id, { name: `Reward ${r + 1}`, description: 'On the house', stampsRequired: 4 + 2 * r, position: r });
      }
      cardIds.push(card.id);
    }
    await db.customer.createMany({
      data: Array.from({ length: DATASET.customers }, (_, i) => {
        const details = { firstName: `Customer${i}`, lastName: `Bench`, email: `customer${i}@example.com`, phone: null, birthday: null };
        return { storeId: store.id, ...details, metadata: {}, searchText: searchTextOf(details) };
      }),
    });
    const customers = await db.customer.findMany({ where: { storeId: store.id }, select: { id: true }, orderBy: { id: 'asc' } });
    await db.customerCard.createMany({
      data: customers.flatMap((customer, i) =>
        Array.from({ length: DATASET.cardsPerCustomer }, (_, k) => ({
          uuid: randomUUID(),
          storeId: store.id,
          customerId: customer.id,
          cardId: cardIds[(i + k) % cardIds.length]!,
          stampsCount: DATASET.stampsPerCustomerCard,
          passToken: randomBytes(16).toString('hex'),
        })),
      ),
    });
    const customerCards = await db.customerCard.findMany({
      where: { storeId: store.id },
      select: { id: true, customerId: true },
      orderBy: { id: 'asc' },
    });
    const ledger = customerCards.flatMap((customerCard) =>
      Array.from({ length: DATASET.stampsPerCustomerCard }, (_, n) => ({
        storeId: store.id,
        customerCardId: customerCard.id,
        kind: 'STAMP' as const,
        delta: 1,
        balanceAfter: n + 1,
        source: WriteSource.REST,
      })),
    );
    for (let at = 0; at < ledger.length; at += 5000) await db.ledgerEntry.createMany({ data: ledger.slice(at, at + 5000) });
    if (database === 'postgresql') await db.$executeRawUnsafe('ANALYZE');
    return { database, url, token, storeId: store.id, customerCards };
  } finally {
    await runtime.close();
  }
}
