import { describe, expect, it } from 'vitest';
import { databaseFault, isDatabaseUnavailable } from '../../src/db/unavailable.ts';

/** The shape Prisma gives a driver adapter failure: the adapter's error under `meta`. */
const prismaError = (code: string, cause: Record<string, unknown>) =>
  Object.assign(new Error('Invalid invocation'), { code, meta: { driverAdapterError: Object.assign(new Error(String(cause.kind)), { cause }) } });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['server unreachable', prismaError('P1001', { kind: 'DatabaseNotReachable' })],
    ['server shutting down (57P01)', prismaError('P2039', { kind: 'postgres', code: '57P01', message: 'terminating connection' })],
    ['statement timeout (57014)', prismaError('P2039', { kind: 'postgres', code: '57014', message: 'canceling statement' })],
    ['lock timeout (55P03)', prismaError('P2039', { kind: 'postgres', code: '55P03', message: 'lock timeout' })],
    ['too many connections', prismaError('P2039', { kind: 'TooManyConnections', cause: 'too many' })],
    ['SQLite busy', prismaError('P2039', { kind: 'sqlite', extendedCode: 5, message: 'database is locked' })],
    ['SQLite busy snapshot (extended code)', prismaError('P2039', { kind: 'sqlite', extendedCode: 517, message: 'busy' })],
    ['pool timeout', Object.assign(new Error('Timed out fetching a new connection'), { code: 'P2024' })],
    ['connection refused in a cause', new Error('query failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) })],
  ])('is true for %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', Object.assign(new Error('Unique constraint failed'), { code: 'P2002' })],
    ['a bad value (22021)', prismaError('P2039', { kind: 'postgres', code: '22021', message: 'invalid byte sequence' })],
    ['a plain bug', new TypeError('cannot read properties of undefined')],
    ['not an error at all', 'down'],
    ['nothing', undefined],
  ])('is false for %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

/** The driver error as better-sqlite3 raises it, under Prisma's adapter error (which keeps its name as originalCode). */
const sqliteError = (name: string, message: string) =>
  prismaError('P2039', { kind: 'sqlite', extendedCode: 1, originalCode: name, originalMessage: message, message });
const postgresError = (code: string, message: string) => prismaError('P2039', { kind: 'postgres', code, originalCode: code, message });

describe('databaseFault', () => {
  it.each([
    ['SQLITE_FULL', sqliteError('SQLITE_FULL', 'database or disk is full'), 'storage-full'],
    ['SQLITE_IOERR', sqliteError('SQLITE_IOERR', 'disk I/O error'), 'storage-error'],
    ['SQLITE_IOERR_WRITE', sqliteError('SQLITE_IOERR_WRITE', 'disk I/O error'), 'storage-error'],
    ['SQLITE_IOERR_FSYNC', sqliteError('SQLITE_IOERR_FSYNC', 'disk I/O error'), 'storage-error'],
    ['SQLITE_READONLY', sqliteError('SQLITE_READONLY', 'attempt to write a readonly database'), 'read-only'],
    ['SQLITE_READONLY_DBMOVED', sqliteError('SQLITE_READONLY_DBMOVED', 'attempt to write a readonly database'), 'read-only'],
    ['SQLite extended code 13 without a name', prismaError('P2039', { kind: 'sqlite', extendedCode: 13, message: 'full' }), 'storage-full'],
    ['SQLite extended code 778 (IOERR_WRITE) without a name', prismaError('P2039', { kind: 'sqlite', extendedCode: 778, message: 'io' }), 'storage-error'],
    ['better-sqlite3 itself', Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }), 'storage-full'],
    ['PostgreSQL 53100 disk_full', postgresError('53100', 'could not extend file "base/1/2": No space left on device'), 'storage-full'],
    ['PostgreSQL 25006 read_only_sql_transaction', postgresError('25006', 'cannot execute UPDATE in a read-only transaction'), 'read-only'],
    ['PostgreSQL 58030 io_error', postgresError('58030', 'could not write to file'), 'storage-error'],
    ['PostgreSQL 58P01 undefined_file', postgresError('58P01', 'could not open file'), 'storage-error'],
    ['PostgreSQL 57P01 admin_shutdown', postgresError('57P01', 'terminating connection'), 'unreachable'],
    ['SQLite busy', prismaError('P2039', { kind: 'sqlite', extendedCode: 5, message: 'database is locked' }), 'unreachable'],
    ['a full disk whose connection also closed', Object.assign(new Error('Connection terminated'), { cause: postgresError('53100', 'disk full') }), 'storage-full'],
  ])('classifies %s', (_name, error, kind) => {
    const fault = databaseFault(error);
    expect(fault?.kind).toBe(kind);
    expect(fault?.retryAfterSeconds).toBeGreaterThan(0);
    if (kind === 'storage-full') expect(fault?.message).toMatch(/out of storage space/);
    if (kind === 'read-only') expect(fault?.message).toMatch(/read-only/);
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', sqliteError('SQLITE_CONSTRAINT_UNIQUE', 'UNIQUE constraint failed')],
    ['a NUL in text (22021)', postgresError('22021', 'invalid byte sequence')],
    ['a syntax error', postgresError('42601', 'syntax error')],
  ])('leaves %s alone', (_name, error) => {
    expect(databaseFault(error)).toBeUndefined();
  });
});
