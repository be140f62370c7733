import type { Tx } from '../db/client.ts';
import type { Prisma } from '../generated/sqlite/client.ts';
import type { Actor } from '../domain/context.ts';
import { type Action, ACTIONS } from './actions.ts';
import { actorRecord } from './principal.ts';

/**
 * The audit log: every admin write (cards, rewards, posters, locations, webhook subscriptions,
 * tokens, store settings) appends one entry in the write's own transaction, so an entry exists
 * exactly when the change does. This is the only writer; there is no update or delete path, and
 * the database refuses both (SQLite triggers) or makes them do nothing (PostgreSQL rules), so an
 * entry once written stays.
 */

export type AuditEntryRow = Prisma.AuditLogEntryGetPayload<object>;

/** A changed field: its value before and after (null for a create's "before" or a delete's "after"). */
export interface FieldChange {
  before: unknown;
  after: unknown;
}

export type Changes = Record<string, FieldChange>;

export interface AuditRecord {
  action: Action;
  /** What was changed: `Card`, `Reward`, `ApiToken`, ... */
  targetType: string;
  targetId: number | null;
  /** The record before the write; null for a create. */
  before?: object | null;
  /** The record after the write; null for a delete. */
  after?: object | null;
}

// Bookkeeping every row has; a change of these says nothing about what the admin did.
const IGNORED = new Set(['id', 'storeId', 'createdAt', 'updatedAt', 'searchText']);
// Values that must never be copied anywhere: the log is readable by every admin token.
const SECRET = /secret|token|hash|password|key/i;
export const REDACTED = '[redacted]';

function plain(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value === undefined) return null;
  return value;
}

/** The fields that differ between `before` and `after`, secrets redacted. */
export function changedFields(before: object | null | undefined, after: object | null | undefined): Changes {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const changes: Changes = {};
  for (const field of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (IGNORED.has(field)) continue;
    const was = plain(before ? b[field] : undefined);
    const now = plain(after ? a[field] : undefined);
    if (JSON.stringify(was) === JSON.stringify(now)) continue;
    changes[field] = SECRET.test(field) ? { before: was === null ? null : REDACTED, after: now === null ? null : REDACTED } : { before: was, after: now };
  }
  return changes;
}

/** Appends one audit entry for an admin write, inside the write's transaction `tx`. */
export async function appendAudit(tx: Tx, actor: Actor, record: AuditRecord): Promise<void> {
  if (!(ACTIONS[record.action] as { audited?: true }).audited) throw new Error(`${record.action} is not an audited action`);
  await tx.auditLogEntry.create({
    data: {
      storeId: actor.storeId,
      ...actorRecord(actor.principal),
      action: record.action,
      targetType: record.targetType,
      targetId: record.targetId,
      changes: changedFields(record.before, record.after) as unknown as Prisma.InputJsonObject,
    },
  });
}

/** The actions the audit log records, for the test that checks each is written. */
export const AUDITED_ACTIONS = (Object.keys(ACTIONS) as Action[]).filter((action) => (ACTIONS[action] as { audited?: true }).audited);
