import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Prisma, PrismaClient } from '../generated/sqlite/client.ts';

/**
 * The Prisma client, typed against the SQLite client: the subset both databases support, so a
 * PostgreSQL-only feature fails to typecheck instead of failing on the embedded database.
 */
export type Db = PrismaClient;
/** The client handed to a `$transaction` callback. */
export type Tx = Prisma.TransactionClient;
export type Provider = 'sqlite' | 'postgresql';

export function providerOf(url: string): Provider {
  if (url.startsWith('file:')) return 'sqlite';
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgresql';
  throw new Error('DATABASE_URL must start with file: (SQLite) or postgres:// / postgresql:// (PostgreSQL)');
}

export interface Database {
  db: Db;
  provider: Provider;
  url: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Called with every SQL statement the client sends (tests count them). */
  onQuery?: (sql: string) => void;
  /**
   * Longest a statement, a lock wait or a new connection may take (PostgreSQL), or a wait for SQLite's
   * write lock. A stuck database then fails the request (503) instead of holding it and its
   * connection for ever. Default DEFAULT_DATABASE_TIMEOUT_MS.
   */
  timeoutMs?: number;
}

export const DEFAULT_DATABASE_TIMEOUT_MS = 5000;

/**
 * Opens the database named by `url`. Each provider's client and driver are imported only when used,
 * so a PostgreSQL deployment never loads better-sqlite3.
 */
export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Database> {
  const provider = providerOf(url);
  const timeoutMs = options.timeoutMs ?? DEFAULT_DATABASE_TIMEOUT_MS;
  const log = options.onQuery ? [{ emit: 'event' as const, level: 'query' as const }] : [];
  let db: Db;
  if (provider === 'sqlite') {
    ensureSqliteDirectory(url);
    const [{ PrismaClient }, { SerializedSqliteAdapterFactory }] = await Promise.all([
      import('../generated/sqlite/client.ts'),
      import('./sqlite-adapter.ts'),
    ]);
    db = new PrismaClient({ adapter: new SerializedSqliteAdapterFactory(url, timeoutMs), log });
  } else {
    const [{ PrismaClient }, { PrismaPg }, { statementNames }, { default: pg }] = await Promise.all([
      import('../generated/postgresql/client.ts'),
      import('@prisma/adapter-pg'),
      import('./pg-statements.ts'),
      import('pg'),
    ]);
    const pool = new pg.Pool({
      connectionString: url,
      max: poolSize(url),
      // Enforced by the server, per session: a runaway statement or lock wait is cancelled (57014, 55P03).
      statement_timeout: timeoutMs,
      lock_timeout: timeoutMs,
      // A transaction left open by a process that stalls releases its row locks.
      idle_in_transaction_session_timeout: timeoutMs * 2,
      // Enforced by the client: a server that accepts no connection (down, unreachable) fails fast.
      connectionTimeoutMillis: timeoutMs,
    });
    // A server that ends a session (restart, crash, admin command) makes its client emit 'error'. The
    // pool listens only while a client is idle; a client handed out at that moment would otherwise
    // take the whole process down with an unhandled 'error' event. The query in flight fails on its
    // own (answered 503), and the pool drops the broken client.
    pool.on('connect', (client) => {
      client.on('error', () => {});
    });
    const adapter = new PrismaPg(pool, { statementNameGenerator: statementNames(), disposeExternalPool: true });
    // The PostgreSQL client differs from the SQLite one only in PostgreSQL-only extras we do not use.
    db = new PrismaClient({ adapter, log }) as unknown as Db;
  }
  if (options.onQuery) {
    const onQuery = options.onQuery;
    (db as unknown as { $on(event: 'query', cb: (e: { query: string }) => void): void }).$on('query', (e) =>
      onQuery(e.query),
    );
  }
  return { db, provider, url, close: () => db.$disconnect() };
}

/** SQLite creates the database file but not its folder (`data/` on a fresh clone). */
export function ensureSqliteDirectory(url: string): void {
  const file = url.slice('file:'.length);
  if (file !== ':memory:' && !file.startsWith(':memory:')) mkdirSync(dirname(resolve(file)), { recursive: true });
}

function poolSize(url: string): number {
  const fromUrl = new URL(url).searchParams.get('connection_limit');
  return fromUrl ? Number(fromUrl) : 10;
}
