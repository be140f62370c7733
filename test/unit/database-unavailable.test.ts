import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../src/db/unavailable.ts';

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
