import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DiffTarget } from '@prisma/schema-engine-wasm';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/client.ts';
import { applyMigrations, hasPendingMigrations, loadMigrations, migrationsRoot, withSchemaEngine } from '../src/db/migrations.ts';
import { noFilters } from '../src/db/schema-engine.ts';
// @ts-expect-error: a plain ES module without types
import { renderSchema } from '../prisma/generate.mjs';
import { createScratchDatabase, type ScratchDatabase, testProvider } from './helpers/database.ts';
import { repoRoot } from './helpers/process.ts';

const provider = testProvider;
const template = readFileSync(join(repoRoot, 'prisma', 'schema.template.prisma'), 'utf8');
const snapshot = readFileSync(join(migrationsRoot, 'schema.snapshot.prisma'), 'utf8');
const FORGOT = 'the Prisma schema template and the committed migrations differ: run `npm run migration:create -- <name>`';

const scratches: ScratchDatabase[] = [];
afterEach(async () => {
  await Promise.all(scratches.splice(0).map((scratch) => scratch.drop()));
});
async function scratchDatabase(migrate: boolean): Promise<ScratchDatabase> {
  const scratch = await createScratchDatabase({ migrate });
  scratches.push(scratch);
  return scratch;
}

function datamodel(schema: string) {
  return { tag: 'schemaDatamodel' as const, files: [{ path: 'schema.prisma', content: renderSchema(provider, schema) as string }] };
}

/** The SQL that would take `from` to the template; "-- This is an empty migration." when none. */
async function diffToTemplate(url: string, from: DiffTarget) {
  const result = await withSchemaEngine(url, (engine) =>
    engine.diff({ from, to: datamodel(template), script: true, exitCode: true, filters: noFilters }),
  );
  return result.stdout ?? '';
}

const names = () => loadMigrations(provider).migrationDirectories.map((dir) => dir.path);

describe('applying migrations', () => {
  it('applies every committed migration once; a second run is a no-op', async () => {
    const scratch = await scratchDatabase(false);
    expect(await hasPendingMigrations(scratch.url)).toBe(true);
    expect(await applyMigrations(scratch.url)).toEqual(names());
    expect(await hasPendingMigrations(scratch.url)).toBe(false);
    expect(await applyMigrations(scratch.url)).toEqual([]);
    // The schema engine itself agrees that nothing is left, not only the shortcut that skips it.
    const again = await withSchemaEngine(scratch.url, (engine) =>
      engine.applyMigrations({ migrationsList: loadMigrations(provider), filters: noFilters }),
    );
    expect(again.appliedMigrationNames).toEqual([]);
  });

  it('applies only what is pending on a database at an older migration, keeping its data', async () => {
    const all = loadMigrations(provider);
    const scratch = await scratchDatabase(false);
    await withSchemaEngine(scratch.url, (engine) =>
      engine.applyMigrations({ migrationsList: { ...all, migrationDirectories: all.migrationDirectories.slice(0, 1) }, filters: noFilters }),
    );
    const { db, close } = await openDatabase(scratch.url);
    try {
      // In SQL: the client would also write the columns later migrations add to stores and cards.
      await db.$executeRaw`INSERT INTO stores (name, updated_at) VALUES ('Old', CURRENT_TIMESTAMP)`;
      const [store] = await db.$queryRaw<Array<{ id: number }>>`SELECT id FROM stores WHERE name = 'Old'`;
      if (!store) throw new Error('the store was not written');
      await db.$executeRaw`INSERT INTO cards (store_id, name, card_color, text_color, stamp_icon, stamp_color, stamps_required, strip_type, updated_at)
        VALUES (${store.id}, 'C', '#000000', '#FFFFFF', 'coffee', '#FFFFFF', 5, 'color', CURRENT_TIMESTAMP)`;
      const [card] = await db.$queryRaw<Array<{ id: number }>>`SELECT id FROM cards WHERE store_id = ${store.id}`;
      if (!card) throw new Error('the card was not written');
      const customer = await db.customer.create({ data: { storeId: store.id, firstName: 'A', email: 'a@example.com', metadata: {}, searchText: 'a' }, select: { id: true } });
      const customerCard = await db.customerCard.create({ data: { storeId: store.id, customerId: customer.id, cardId: card.id, passToken: 't', stampsCount: 1 }, select: { id: true } });
      const reward = await db.reward.create({ data: { storeId: store.id, cardId: card.id, name: 'R', stampsRequired: 1 }, select: { id: true } });
      await db.redemption.create({
        data: { storeId: store.id, customerCardId: customerCard.id, rewardId: reward.id, rewardName: 'R', stampsSpent: 1, stampsRemaining: 0 },
        select: { id: true },
      });
      await close();

      expect(await hasPendingMigrations(scratch.url)).toBe(all.migrationDirectories.length > 1);
      expect(await applyMigrations(scratch.url)).toEqual(names().slice(1));
      const reopened = await openDatabase(scratch.url);
      try {
        expect(await reopened.db.redemption.count()).toBe(1);
        expect(await reopened.db.customerCard.count()).toBe(1);
      } finally {
        await reopened.close();
      }
    } catch (error) {
      await close();
      throw error;
    }
  });

  it('keeps a redeemed reward: the database refuses to delete it', async () => {
    const scratch = await scratchDatabase(true);
    const { db, close } = await openDatabase(scratch.url);
    try {
      const store = await db.store.create({ data: { name: 'S' } });
      const card = await db.card.create({
        data: { storeId: store.id, name: 'C', cardColor: '#000000', textColor: '#FFFFFF', stampIcon: 'coffee', stampColor: '#FFFFFF', stampsRequired: 5, stripType: 'color' },
      });
      const customer = await db.customer.create({ data: { storeId: store.id, firstName: 'A', email: 'a@example.com', metadata: {}, searchText: 'a' } });
      const customerCard = await db.customerCard.create({ data: { storeId: store.id, customerId: customer.id, cardId: card.id, passToken: 't' } });
      const reward = await db.reward.create({ data: { storeId: store.id, cardId: card.id, name: 'R', stampsRequired: 1 } });
      await db.redemption.create({
        data: { storeId: store.id, customerCardId: customerCard.id, rewardId: reward.id, rewardName: 'R', stampsSpent: 1, stampsRemaining: 0 },
      });
      await expect(db.reward.delete({ where: { id: reward.id } })).rejects.toMatchObject({ code: 'P2003' });
      // Deleting the whole store still takes everything with it.
      await db.store.delete({ where: { id: store.id } });
      expect(await db.redemption.count()).toBe(0);
    } finally {
      await close();
    }
  });
});

describe('committed migrations', () => {
  it('the snapshot they were made from equals the template', async () => {
    const scratch = await scratchDatabase(false);
    const sql = await diffToTemplate(scratch.url, datamodel(snapshot));
    expect(sql.trim(), FORGOT).toBe('-- This is an empty migration.');
  });

  it.runIf(provider === 'sqlite')('end in the schema of the template (SQLite, as the engine sees the database)', async () => {
    const scratch = await scratchDatabase(true);
    const sql = await diffToTemplate(scratch.url, { tag: 'schemaDatasource', files: datamodel(template).files, configDir: repoRoot });
    expect(sql.trim(), FORGOT).toBe('-- This is an empty migration.');
  });

  it.runIf(provider === 'postgresql')('end in the schema of the template (PostgreSQL catalogs compared)', async () => {
    const migrated = await scratchDatabase(true);
    const direct = await scratchDatabase(false);
    const script = await diffToTemplate(direct.url, { tag: 'empty' });
    await withClient(direct.url, (client) => client.query(script));
    const [fromMigrations, fromTemplate] = await Promise.all([catalog(migrated.url), catalog(direct.url)]);
    expect(fromMigrations, FORGOT).toEqual(fromTemplate);
    expect(fromTemplate.columns.length).toBeGreaterThan(50);
  });
});

async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Tables, columns, indexes, constraints and enums of the public schema, bar Prisma's own table. */
function catalog(url: string) {
  return withClient(url, async (client) => {
    const rows = async (sql: string) => (await client.query(sql)).rows as unknown[];
    return {
      columns: await rows(`SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default
        FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations' ORDER BY 1, 2`),
      indexes: await rows(`SELECT tablename, indexname, indexdef FROM pg_indexes
        WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY 1, 2`),
      constraints: await rows(`SELECT conrelid::regclass::text AS table_name, conname, pg_get_constraintdef(oid) AS definition
        FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> '_prisma_migrations' ORDER BY 1, 2`),
      enums: await rows(`SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder) AS labels
        FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY 1 ORDER BY 1`),
    };
  });
}
