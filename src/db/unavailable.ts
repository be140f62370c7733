/**
 * Whether an error means the database could not serve the request for now (down, restarting, out of
 * connections, too slow) rather than that the request was wrong or the code is broken. Such requests
 * get 503 and may be retried; nothing was written, since every write is one transaction.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (const candidate of causes(error)) {
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
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))) return true;
  }
  return false;
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
