import { appendAudit } from '../auth/audit.ts';
import type { Action } from '../auth/actions.ts';
import type { Tx } from '../db/client.ts';
import type { Actor, Deps } from './context.ts';
import { checkIdempotencyKey, idempotent, recordKey } from './idempotency.ts';

export interface AuditedCreate {
  /** The audited action, e.g. `card.create`. */
  action: Action;
  /** The audit log's name of what is created: `Card`, `Reward`, ... */
  targetType: string;
  /** The idempotency record's operation name; a key is bound to one operation and its params. */
  operation: string;
  params: unknown;
  idempotencyKey?: string | null;
}

/**
 * How an admin creates anything a store owns: the row, its audit entry and its idempotency key are
 * written in one transaction, so a retried request with the same key returns the first row (read
 * back through `replay`, which applies the caller's visibility rules) and the log holds one entry.
 * Validation happens before, in the caller: a refused input records no key.
 */
export async function createAudited<T extends { id: number }>(
  deps: Deps,
  actor: Actor,
  spec: AuditedCreate,
  create: (tx: Tx) => Promise<T>,
  replay: (id: number) => Promise<T>,
): Promise<T> {
  const key = checkIdempotencyKey(spec.idempotencyKey);
  const request = key ? { key, operation: spec.operation, params: spec.params } : undefined;
  return idempotent(
    deps.db,
    actor.storeId,
    request,
    () =>
      deps.db.$transaction(async (tx) => {
        const row = await create(tx);
        await appendAudit(tx, actor, { action: spec.action, targetType: spec.targetType, targetId: row.id, before: null, after: row });
        if (request) await recordKey(tx, actor.storeId, request, row.id);
        return row;
      }),
    replay,
  );
}
