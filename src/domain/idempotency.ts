import { createHash } from 'node:crypto';
import type { Db, Tx } from '../db/client.ts';
import { DomainError, ErrorCode, invalid } from './errors.ts';
import { hasNul, NUL_MESSAGE } from './validation.ts';

/**
 * Idempotency keys make a retried write return the first write's result. The key is recorded in the
 * same transaction as the write, so a retry that races the first call either sees the record or
 * collides with it on the unique index and then reads it.
 */
export interface IdempotencyRequest {
  key: string;
  operation: string;
  /** The parameters the result depends on; the same key with other parameters is refused. */
  params: unknown;
}

export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/**
 * Hash of a request's parameters. Object keys are sorted first: a retry that sends the same fields in
 * another order (a reordered JSON body, another GraphQL client) is the same request.
 */
export function fingerprint(params: unknown): string {
  return createHash('sha256').update(canonicalJson(params) ?? 'undefined').digest('hex');
}

/** JSON with object keys sorted at every depth; `undefined` members are left out, as JSON does. */
export function canonicalJson(value: unknown): string | undefined {
  return JSON.stringify(value, (_key, member: unknown) =>
    member !== null && typeof member === 'object' && !Array.isArray(member)
      ? Object.fromEntries(Object.entries(member).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : member,
  );
}

export function checkIdempotencyKey(key: string | null | undefined): string | undefined {
  if (key === undefined || key === null) return undefined;
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw invalid({ idempotencyKey: [`must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`] });
  }
  if (hasNul(key)) throw invalid({ idempotencyKey: [NUL_MESSAGE] });
  return key;
}

/** The result id recorded for this key, or undefined when the key is new. */
export async function findReplay(db: Db | Tx, storeId: number, request: IdempotencyRequest): Promise<number | undefined> {
  const record = await db.idempotencyKey.findUnique({ where: { storeId_key: { storeId, key: request.key } } });
  if (!record) return undefined;
  if (record.operation !== request.operation || record.fingerprint !== fingerprint(request.params)) {
    throw new DomainError(
      ErrorCode.IDEMPOTENCY_KEY_REUSED,
      'This idempotency key was already used for a different request',
      { idempotencyKey: ['was already used for a different request'] },
    );
  }
  return record.resultId;
}

export async function recordKey(tx: Tx, storeId: number, request: IdempotencyRequest, resultId: number): Promise<void> {
  await tx.idempotencyKey.create({
    data: {
      storeId,
      key: request.key,
      operation: request.operation,
      fingerprint: fingerprint(request.params),
      resultId,
    },
  });
}

/** True when `error` is a unique-index violation (Prisma P2002). */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}

/** True when `error` is a foreign-key violation (Prisma P2003): a row it refers to is gone or still referred to. */
export function isForeignKeyViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2003';
}

/**
 * Runs `write` (which must call `recordKey` inside its transaction) unless the key already has a
 * result; when `write` fails because a concurrent call with the same key won, returns that call's result.
 */
export async function idempotent<T>(
  db: Db,
  storeId: number,
  request: IdempotencyRequest | undefined,
  write: () => Promise<T>,
  replay: (resultId: number) => Promise<T>,
): Promise<T> {
  if (!request) return write();
  const previous = await findReplay(db, storeId, request);
  if (previous !== undefined) return replay(previous);
  try {
    return await write();
  } catch (error) {
    // A concurrent call with this key may have committed first. This call then failed on the key's
    // unique index, or on a rule the first write changed the answer to (the email it just took, the
    // stamps it just spent); either way the first result is this call's result.
    const winner = await findReplay(db, storeId, request).catch((lookup: unknown) => {
      throw lookup instanceof DomainError ? lookup : error;
    });
    if (winner === undefined) throw error;
    return replay(winner);
  }
}
