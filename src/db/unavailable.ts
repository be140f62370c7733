/**
 * Whether an error means the database could not serve the request for now rather than that the
 * request was wrong or the code is broken. Such requests get 503 and may be retried; nothing was
 * written, since every write is one transaction. Two kinds are told apart because operators fix them
 * differently: the server is out of reach (down, restarting, out of connections, too slow), or its
 * storage refuses writes (disk full, read-only, I/O errors).
 */

export type DatabaseFaultKind = 'unreachable' | 'storage-full' | 'read-only' | 'storage-error';

export interface DatabaseFault {
  kind: DatabaseFaultKind;
  /** What a client is told: what is wrong, and that retrying later is the answer. */
  message: string;
  /** The `Retry-After` to send, in seconds. */
  retryAfterSeconds: number;
}

const FAULTS: Record<DatabaseFaultKind, Omit<DatabaseFault, 'kind'>> = {
  unreachable: { message: 'Service temporarily unavailable, retry shortly', retryAfterSeconds: 1 },
  'storage-full': {
    message: 'The database is out of storage space and refuses writes until space is freed; retry later',
    retryAfterSeconds: 30,
  },
  'read-only': {
    message: 'The database is read-only and refuses writes until it is writable again; retry later',
    retryAfterSeconds: 30,
  },
  'storage-error': {
    message: 'The database cannot read or write its storage; retry later',
    retryAfterSeconds: 30,
  },
};

export function databaseFault(error: unknown): DatabaseFault | undefined {
  const kind = faultKind(error);
  return kind ? { kind, ...FAULTS[kind] } : undefined;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  return faultKind(error) !== undefined;
}

function faultKind(error: unknown): DatabaseFaultKind | undefined {
  let unreachable = false;
  for (const candidate of causes(error)) {
    const storage = storageFault(candidate);
    // A storage fault is the more useful answer: a failed write may also close its connection.
    if (storage) return storage;
    unreachable ||= isUnreachable(candidate);
  }
  return unreachable ? 'unreachable' : undefined;
}

function isUnreachable(candidate: object): boolean {
  const { code, kind, originalCode } = candidate as { code?: unknown; kind?: unknown; originalCode?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_PRISMA_CODES.has(code) || UNAVAILABLE_NODE_CODES.has(code) || isUnavailableSqlState(code))) {
    return true;
  }
  if (typeof originalCode === 'string' && isUnavailableSqlState(originalCode)) return true;
  if (typeof kind === 'string' && UNAVAILABLE_ADAPTER_KINDS.has(kind)) return true;
  // SQLite's primary result codes 5 (BUSY) and 6 (LOCKED), whatever the extended code.
  const { extendedCode } = candidate as { extendedCode?: unknown };
  if (kind === 'sqlite' && typeof extendedCode === 'number' && [5, 6].includes(extendedCode & 0xff)) return true;
  const message = (candidate as { message?: unknown }).message;
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message));
}

// Prisma: server unreachable, connect timeout, operation timeout, connection closed, pool timeout,
// transaction API errors raised when the connection under a transaction dies, SQLite busy.
const UNAVAILABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028', 'P2034']);
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'SQLITE_BUSY', 'SQLITE_LOCKED']);
// Driver adapter error kinds (@prisma/driver-adapter-utils) for the same situations.
const UNAVAILABLE_ADAPTER_KINDS = new Set([
  'DatabaseNotReachable',
  'DatabaseUnavailable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'TransactionAlreadyClosed',
]);
const UNAVAILABLE_MESSAGES = [/Connection terminated/i, /terminating connection/i, /the database system is (starting up|shutting down|in recovery mode)/i, /Client has encountered a connection error/i, /timeout exceeded when trying to connect/i];

/**
 * PostgreSQL SQLSTATEs: class 08 (connection exception), 57P01-57P05 (shutdown, crash, cannot connect
 * now), 53300 (too many connections), 57014 (statement_timeout cancelled the query), 55P03 (lock_timeout).
 */
function isUnavailableSqlState(code: string): boolean {
  return /^08[0-9A-Z]{3}$/.test(code) || /^57P0[1-5]$/.test(code) || code === '53300' || code === '57014' || code === '55P03';
}

/**
 * Storage that refuses writes. SQLite: SQLITE_FULL (13), SQLITE_READONLY (8) and SQLITE_IOERR (10)
 * with any extended code; better-sqlite3 names them (`SQLITE_IOERR_WRITE`) and Prisma's adapter keeps
 * the name as `originalCode`. PostgreSQL: 53100 disk_full, 25006 read_only_sql_transaction
 * (a standby, or default_transaction_read_only),
 * 58030 io_error, 58P01/58P02 (a data file missing or duplicated under the server).
 */
function storageFault(candidate: object): DatabaseFaultKind | undefined {
  const { code, originalCode, kind, extendedCode, message } = candidate as Record<string, unknown>;
  for (const name of [code, originalCode]) {
    if (typeof name !== 'string') continue;
    if (name === 'SQLITE_FULL' || name === '53100') return 'storage-full';
    if (name.startsWith('SQLITE_READONLY') || name === '25006') return 'read-only';
    if (name.startsWith('SQLITE_IOERR') || name === '58030' || name === '58P01' || name === '58P02') return 'storage-error';
  }
  if (kind === 'sqlite' && typeof extendedCode === 'number') {
    const primary = extendedCode & 0xff;
    if (primary === 13) return 'storage-full';
    if (primary === 8) return 'read-only';
    if (primary === 10) return 'storage-error';
  }
  if (typeof message === 'string') {
    if (/database or disk is full|No space left on device|could not extend file/i.test(message)) return 'storage-full';
    if (/attempt to write a readonly database|cannot execute \w+ in a read-only transaction/i.test(message)) return 'read-only';
    if (/disk I\/O error/i.test(message)) return 'storage-error';
  }
  return undefined;
}

/** The error, its `cause` chain and the driver adapter error Prisma keeps in `meta`. */
function* causes(error: unknown): Generator<object> {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const next = queue.shift();
    if (next === null || typeof next !== 'object' || seen.has(next)) continue;
    seen.add(next);
    yield next;
    const { cause, meta } = next as { cause?: unknown; meta?: { driverAdapterError?: unknown } };
    queue.push(cause, meta?.driverAdapterError);
  }
}
