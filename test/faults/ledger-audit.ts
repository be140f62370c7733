import Sqlite from 'better-sqlite3';
import pg from 'pg';
import type { StampLog } from './stampers.ts';

/** Acknowledged writes compared with the ledger, and every card's balance with the sum of its ledger. */
export interface Audit {
  acknowledged: number;
  found: number;
  lost: number;
  doubled: number;
  /** Writes that landed although the client gave up on them (it never saw a 200). */
  landedUnacknowledged: number;
  /** Acknowledged writes retried with their key after a failed attempt (each is in the ledger once). */
  retried: number;
  /** Customer cards whose stamps_count differs from the sum of their ledger. */
  balanceMismatches: number;
  /** Ledger entries whose balance_after is not the running sum of their card's ledger up to them. */
  runningSumMismatches: number;
}

type Query = <Row>(sql: string) => Promise<Row[]>;

/** Runs `audit` with a query function on the database at `databaseUrl` (PostgreSQL or a SQLite file). */
async function withQuery<T>(databaseUrl: string, audit: (query: Query) => Promise<T>): Promise<T> {
  if (databaseUrl.startsWith('file:')) {
    const db = new Sqlite(databaseUrl.slice('file:'.length), { readonly: true });
    try {
      return await audit(async <Row>(sql: string) => db.prepare(sql).all() as Row[]);
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await audit(async <Row>(sql: string) => (await client.query(sql)).rows as Row[]);
  } finally {
    await client.end();
  }
}

export async function auditLedger(databaseUrl: string, log: StampLog): Promise<Audit> {
  return withQuery(databaseUrl, async (query) => {
    const entries = await query<{ key: string; n: string }>(
      `SELECT idempotency_key AS key, count(*) AS n FROM ledger_entries WHERE kind = 'STAMP' GROUP BY idempotency_key`,
    );
    const counts = new Map(entries.map((row) => [row.key, Number(row.n)]));
    const mismatches = await query<{ id: number }>(
      `SELECT c.id FROM customer_cards c LEFT JOIN ledger_entries l ON l.customer_card_id = c.id
       GROUP BY c.id, c.stamps_count HAVING c.stamps_count <> coalesce(sum(l.delta), 0)`,
    );
    const running = await query(
      `SELECT id FROM (SELECT id, balance_after, sum(delta) OVER (PARTITION BY customer_card_id ORDER BY id) AS total
       FROM ledger_entries) entries WHERE balance_after <> total`,
    );
    const found = log.acknowledged.filter((key) => counts.has(key)).length;
    return {
      acknowledged: log.acknowledged.length,
      found,
      lost: log.acknowledged.length - found,
      doubled: [...counts.values()].filter((n) => n > 1).length,
      landedUnacknowledged: log.unacknowledged.filter((key) => counts.has(key)).length,
      retried: log.retried,
      balanceMismatches: mismatches.length,
      runningSumMismatches: running.length,
    };
  });
}

/** One plain line per scenario, for the CI log and the issue's closing note. */
export function report(scenario: string, audit: Audit, extra: Record<string, string | number> = {}): string {
  const fields = { ...audit, ...extra };
  const line = `FAULTS ${scenario}: ${Object.entries(fields)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ')}`;
  console.log(line);
  return line;
}
