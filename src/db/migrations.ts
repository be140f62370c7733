import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm';
import { ensureSqliteDirectory, type Provider, providerOf } from './client.ts';
import { createSchemaEngine, noFilters } from './schema-engine.ts';

export const migrationsRoot = fileURLToPath(new URL('../../prisma/migrations/', import.meta.url));

/** The committed migrations of one provider, in the shape the schema engine reads. */
export function loadMigrations(provider: Provider): MigrationList {
  const baseDir = join(migrationsRoot, provider);
  const lockPath = join(baseDir, 'migration_lock.toml');
  const dirs = existsSync(baseDir)
    ? readdirSync(baseDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort()
    : [];
  return {
    baseDir,
    lockfile: {
      path: 'migration_lock.toml',
      content: existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : null,
    },
    shadowDbInitScript: '',
    migrationDirectories: dirs.map((dir) => ({
      path: dir,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok' as const, value: readFileSync(join(baseDir, dir, 'migration.sql'), 'utf8') },
      },
    })),
  };
}

export async function adapterFactoryFor(url: string): Promise<SqlMigrationAwareDriverAdapterFactory> {
  if (providerOf(url) === 'sqlite') {
    ensureSqliteDirectory(url);
    const { PrismaBetterSqlite3 } = await import('@prisma/adapter-better-sqlite3');
    return new PrismaBetterSqlite3({ url, timeout: 5000 });
  }
  const { PrismaPg } = await import('@prisma/adapter-pg');
  return new PrismaPg({ connectionString: url, max: 1 });
}

/**
 * Runs `work` on a schema engine connected to `url`. The engine's `free()` leaves its connections
 * open (on SQLite in exclusive locking mode, which would lock the gateway out), so they are closed here.
 */
export async function withSchemaEngine<T>(url: string, work: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const factory = await adapterFactoryFor(url);
  const opened: SqlDriverAdapter[] = [];
  const track = (connect: () => Promise<SqlDriverAdapter>) => async () => {
    const adapter = await connect();
    opened.push(adapter);
    return adapter;
  };
  const engine = await createSchemaEngine({
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: track(() => factory.connect()),
    connectToShadowDb: track(() => factory.connectToShadowDb()),
  });
  try {
    return await work(engine);
  } finally {
    engine.free();
    await Promise.allSettled(opened.map((adapter) => adapter.dispose()));
  }
}

/**
 * Applies the committed migrations the database has not seen yet; returns their names.
 *
 * The schema engine locks a SQLite database exclusively, which fails while any other process has it
 * open (a running gateway, when the admin CLI starts). So it only runs when something is pending.
 */
export async function applyMigrations(url: string): Promise<string[]> {
  const migrations = loadMigrations(providerOf(url));
  if (!(await hasPendingMigrations(url, migrations))) return [];
  try {
    return await withSchemaEngine(url, async (engine) => {
      const result = await engine.applyMigrations({ migrationsList: migrations, filters: noFilters });
      return result.appliedMigrationNames;
    });
  } catch (error) {
    // The SQLite adapter reports a lock it waited for in vain as a timeout the engine cannot name.
    if (providerOf(url) === 'sqlite' && /SocketTimeout|database is locked|SQLITE_BUSY/.test(String(error))) {
      throw new Error('Could not lock the SQLite database to migrate it: stop the other processes using it (a running gateway) and retry');
    }
    throw error;
  }
}

/**
 * True unless every committed migration is recorded as applied. An ordinary read: it works while other
 * processes use the database. A database without Prisma's migrations table has everything pending.
 */
export async function hasPendingMigrations(url: string, migrations: MigrationList = loadMigrations(providerOf(url))): Promise<boolean> {
  const committed = migrations.migrationDirectories.map((dir) => dir.path);
  if (committed.length === 0) return false;
  const adapter = await (await adapterFactoryFor(url)).connect();
  try {
    const result = await adapter.queryRaw({
      sql: 'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
      args: [],
      argTypes: [],
    });
    const applied = new Set(result.rows.map((row) => String(row[0])));
    return committed.some((name) => !applied.has(name));
  } catch {
    return true;
  } finally {
    await adapter.dispose();
  }
}
