import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { applyMigrations } from '../../src/db/migrations.ts';

/** Which database this test project runs on (set per vitest project). */
export const testProvider = process.env.TEST_DB === 'postgresql' ? 'postgresql' : 'sqlite';

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database for one test file: a temporary SQLite file, or a new database on the
 * PostgreSQL server named by TEST_DATABASE_URL. Migrations run through the same code as `npm start`;
 * `migrate: false` leaves the database empty.
 */
export async function createScratchDatabase({ migrate = true }: { migrate?: boolean } = {}): Promise<ScratchDatabase> {
  if (testProvider === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'stampline-test-'));
    const url = `file:${join(dir, 'test.db')}`;
    if (migrate) await applyMigrations(url);
    return { url, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const server = process.env.TEST_DATABASE_URL;
  if (!server) throw new Error('TEST_DATABASE_URL is not set');
  const name = `stampline_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(server, `CREATE DATABASE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  if (migrate) await applyMigrations(url.toString());
  return {
    url: url.toString(),
    drop: () => adminQuery(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
