// Writes the next migration of both databases: the SQL that takes the schema of the last migration
// (prisma/migrations/schema.snapshot.prisma) to the current template. Diffing two schemas needs no
// shadow database, which the WebAssembly schema engine cannot create.
// Usage: npm run migration:create -- <name>
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Provider } from '../src/db/client.ts';
import { migrationsRoot, withSchemaEngine } from '../src/db/migrations.ts';
import { noFilters } from '../src/db/schema-engine.ts';
// @ts-expect-error: a plain ES module without types
import { renderSchema } from './generate.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const name = (process.argv[2] ?? '').replace(/[^a-z0-9_]/gi, '_').toLowerCase();
if (!name) {
  console.error('usage: npm run migration:create -- <name>');
  process.exit(2);
}

const template = readFileSync(join(here, 'schema.template.prisma'), 'utf8');
const snapshotPath = join(migrationsRoot, 'schema.snapshot.prisma');
const previous = existsSync(snapshotPath) ? readFileSync(snapshotPath, 'utf8') : undefined;
const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
// Any reachable database of each kind will do: the engine only needs it to know the dialect.
const scratchUrls: Record<Provider, string> = {
  sqlite: 'file::memory:',
  postgresql: process.env.MIGRATION_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
};

let wrote = 0;
for (const provider of ['sqlite', 'postgresql'] as const) {
  const to = { tag: 'schemaDatamodel' as const, files: [{ path: 'schema.prisma', content: renderSchema(provider, template) }] };
  const from = previous
    ? { tag: 'schemaDatamodel' as const, files: [{ path: 'schema.prisma', content: renderSchema(provider, previous) }] }
    : { tag: 'empty' as const };
  const stdout = (await withSchemaEngine(scratchUrls[provider], (engine) =>
    engine.diff({ from, to, script: true, exitCode: null, filters: noFilters }),
  )).stdout ?? '';
  if (/empty migration/i.test(stdout)) {
    console.log(`${provider}: no changes`);
    continue;
  }
  const dir = join(migrationsRoot, provider, `${stamp}_${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'migration.sql'), stdout);
  writeFileSync(join(migrationsRoot, provider, 'migration_lock.toml'), `provider = "${provider}"\n`);
  console.log(`${provider}: wrote ${dir}`);
  wrote++;
}
if (wrote) writeFileSync(snapshotPath, template);
// The engine keeps a handle open after free().
process.exit(0);
