import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { testProvider } from './helpers/database.ts';
import { seedCard, seedCustomerCard } from './helpers/factories.ts';
import { expectError, expectStatus, restStore } from './helpers/rest.ts';
import { useServer } from './helpers/server.ts';

// Short, so the test does not wait long; what it checks is that the wait ends at all.
const t = useServer({ DATABASE_TIMEOUT_MS: '300' });

/**
 * Holds the write lock a stamp needs from another connection, as a stuck process or a long
 * migration would: PostgreSQL a row lock on the customer card, SQLite the database's write lock.
 */
async function holdLock(customerCardId: number): Promise<() => Promise<void>> {
  if (testProvider === 'postgresql') {
    const client = new pg.Client({ connectionString: t.runtime.database.url });
    await client.connect();
    await client.query('BEGIN');
    await client.query('SELECT id FROM customer_cards WHERE id = $1 FOR UPDATE', [customerCardId]);
    return async () => {
      await client.query('ROLLBACK');
      await client.end();
    };
  }
  const sqlite = new Sqlite(t.runtime.database.url.slice('file:'.length));
  sqlite.exec('BEGIN IMMEDIATE');
  return async () => {
    sqlite.exec('ROLLBACK');
    sqlite.close();
  };
}

describe('database timeouts', () => {
  it('answer a write stuck behind a lock with 503 and the error shape, change nothing, and let the retry succeed', async () => {
    const { api, path, actor } = await restStore(t);
    const { card } = await seedCard(t.runtime.deps, actor);
    const { customer, customerCard } = await seedCustomerCard(t.runtime.deps, actor, card.id);
    const stamp = () =>
      api.post(`${path}/customers/${customer.id}/customer_cards/${customerCard.id}/stamp`, { stamps: 1 }, { headers: { 'Idempotency-Key': 'till-1' } });

    const release = await holdLock(customerCard.id);
    let blocked;
    try {
      blocked = await stamp();
    } finally {
      await release();
    }
    expectError(blocked, 503);
    expect(blocked.headers.get('retry-after')).toBe('1');
    expect(await t.runtime.deps.db.ledgerEntry.count({ where: { customerCardId: customerCard.id, kind: 'STAMP' } })).toBe(0);

    expect(expectStatus(await stamp(), 200).body).toMatchObject({ stamps_count: 1 });
    expect(expectStatus(await stamp(), 200).body).toMatchObject({ stamps_count: 1 });
  });

  it.runIf(testProvider === 'postgresql')('set statement and lock timeouts on every PostgreSQL session', async () => {
    const rows = await t.runtime.deps.db.$queryRawUnsafe<Array<{ s: string; l: string }>>(
      "SELECT current_setting('statement_timeout') AS s, current_setting('lock_timeout') AS l",
    );
    expect(rows).toEqual([{ s: '300ms', l: '300ms' }]);
  });

  it.runIf(testProvider === 'postgresql')('cancel a runaway statement', async () => {
    await expect(t.runtime.deps.db.$queryRawUnsafe('SELECT pg_sleep(5)')).rejects.toThrow(/statement timeout|57014/);
  });
});
