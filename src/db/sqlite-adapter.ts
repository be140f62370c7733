import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import type {
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  Transaction,
} from '@prisma/driver-adapter-utils';
import type { Database } from 'better-sqlite3';
import { reusePreparedStatements } from './sqlite-statements.ts';

/**
 * better-sqlite3 runs every query of the process on one connection. Prisma's adapter serialises
 * transactions, but a query made outside a transaction while one is open would run inside it: it
 * would read uncommitted rows, and a write would vanish if that transaction rolled back. This factory
 * makes queries outside transactions wait for the open transaction to finish.
 */
export class SerializedSqliteAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'sqlite' as const;
  readonly adapterName: string;
  readonly #inner: PrismaBetterSqlite3;

  /** `busyTimeoutMs`: how long a write waits for another process's write lock before failing (SQLITE_BUSY). */
  constructor(url: string, busyTimeoutMs = 5000) {
    this.#inner = new PrismaBetterSqlite3({ url, timeout: busyTimeoutMs });
    this.adapterName = this.#inner.adapterName;
  }

  async connect(): Promise<SqlDriverAdapter> {
    const adapter = await this.#inner.connect();
    // The adapter keeps its better-sqlite3 connection in `client`; without one, queries run unchanged.
    const client = (adapter as unknown as { client?: Database }).client;
    if (typeof client?.prepare === 'function') reusePreparedStatements(client);
    // WAL lets other processes (the CLI, a second gateway) read while this one writes.
    await adapter.executeScript('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;');
    return serialize(adapter);
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    return serialize(await this.#inner.connectToShadowDb());
  }
}

/** A FIFO lock: `acquire` resolves with the function that releases it. */
class Lock {
  #tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => (release = resolve));
    const ready = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => next);
    return ready;
  }
}

function serialize(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const lock = new Lock();
  const exclusive = async <T>(run: () => Promise<T>): Promise<T> => {
    const release = await lock.acquire();
    try {
      return await run();
    } finally {
      release();
    }
  };
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (query: SqlQuery) => exclusive(() => adapter.queryRaw(query)),
    executeRaw: (query: SqlQuery) => exclusive(() => adapter.executeRaw(query)),
    executeScript: (script: string) => exclusive(() => adapter.executeScript(script)),
    dispose: () => adapter.dispose(),
    startTransaction: async (isolationLevel) => {
      const release = await lock.acquire();
      let tx: Transaction;
      try {
        tx = await adapter.startTransaction(isolationLevel);
      } catch (error) {
        release();
        throw error;
      }
      const end = (finish: () => Promise<void>) => async () => {
        try {
          await finish();
        } finally {
          release();
        }
      };
      return {
        provider: tx.provider,
        adapterName: tx.adapterName,
        options: tx.options,
        queryRaw: (query: SqlQuery) => tx.queryRaw(query),
        executeRaw: (query: SqlQuery) => tx.executeRaw(query),
        createSavepoint: tx.createSavepoint?.bind(tx),
        rollbackToSavepoint: tx.rollbackToSavepoint?.bind(tx),
        releaseSavepoint: tx.releaseSavepoint?.bind(tx),
        commit: end(() => tx.commit()),
        rollback: end(() => tx.rollback()),
      };
    },
  };
}
