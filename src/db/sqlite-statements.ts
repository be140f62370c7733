import type { Database, Statement } from 'better-sqlite3';

/** How many distinct statements a connection keeps prepared; the gateway sends a few hundred at most. */
const MAX_PREPARED = 500;

/**
 * Makes `db.prepare(sql)` reuse the statement prepared for the same SQL before. Prisma's SQLite
 * adapter prepares every query afresh and binds its arguments with `bind()`, which better-sqlite3
 * allows once per statement; so what `prepare` returns here is a handle on the cached statement
 * whose `bind()` only remembers the arguments, passing them to `run()` and `all()`. Preparing is a
 * tenth of the gateway's time on a read without this (docs/performance.md).
 */
export function reusePreparedStatements(db: Database): void {
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, Statement>();
  const statementFor = (sql: string): Statement => {
    let statement = cache.get(sql);
    if (statement) {
      // Most recently used last, so the first key is the one to evict.
      cache.delete(sql);
    } else {
      statement = prepare(sql);
      if (cache.size >= MAX_PREPARED) cache.delete(cache.keys().next().value!);
    }
    cache.set(sql, statement);
    return statement;
  };
  db.prepare = ((sql: string) => {
    const statement = statementFor(sql);
    const bound = (args: unknown[]) => ({
      reader: statement.reader,
      run: () => statement.run(...args),
      get: () => statement.get(...args),
      all: () => statement.raw(false).all(...args),
      columns: () => statement.columns(),
      raw: (toggle = true) => ({ all: () => statement.raw(toggle).all(...args) }),
    });
    return {
      reader: statement.reader,
      bind: (...args: unknown[]) => bound(args.length === 1 && Array.isArray(args[0]) ? args[0] : args),
      run: (...args: unknown[]) => statement.run(...args),
      get: (...args: unknown[]) => statement.raw(false).get(...args),
      all: (...args: unknown[]) => statement.raw(false).all(...args),
      columns: () => statement.columns(),
    } as unknown as Statement;
  }) as Database['prepare'];
}
