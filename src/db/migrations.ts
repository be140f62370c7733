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

/** Applies the committed migrations the database has not seen yet; returns their names. */
export async function applyMigrations(url: string): Promise<string[]> {
  return withSchemaEngine(url, async (engine) => {
    const result = await engine.applyMigrations({ migrationsList: loadMigrations(providerOf(url)), filters: noFilters });
    return result.appliedMigrationNames;
  });
}
