import type { Db } from '../../db/client.ts';
import { queryInBatches } from '../batches.ts';
import { appendAudit } from '../../auth/audit.ts';
import { type Actor, type Deps, systemActor } from '../context.ts';
import { hashToken } from './store.service.ts';

/** Which token to revoke: by its value (the admin command), or by id within a store (the API). */
export type TokenToRevoke = { token: string } | { id: number; storeId: number };

/**
 * Revokes an API token and announces it (`token.revoked`, after the update has committed), so every
 * gateway drops it from its token cache and ends the connections opened with it at once; gateways
 * that miss the notice find out within `TOKEN_CACHE_SECONDS` anyway (see http/live-connections.ts).
 * Resolves to 'revoked', 'already revoked', or 'unknown' when no token matches.
 */
export async function revokeApiToken(
  deps: Pick<Deps, 'db' | 'events'>,
  which: TokenToRevoke,
  /** Who revokes, audited in the revocation's transaction: the API's caller, or 'system' for the admin command. */
  auditedAs: Actor | 'system',
): Promise<'revoked' | 'already revoked' | 'unknown'> {
  const where = 'token' in which ? { tokenHash: hashToken(which.token) } : { id: which.id, storeId: which.storeId };
  const found = await deps.db.apiToken.findFirst({ where });
  if (!found) return 'unknown';
  const count = await deps.db.$transaction(async (tx) => {
    // Conditional, so two revocations at once announce once and the first time stays on record.
    const revokedAt = new Date();
    const updated = await tx.apiToken.updateMany({ where: { id: found.id, revokedAt: null }, data: { revokedAt } });
    if (updated.count > 0) {
      await appendAudit(tx, auditedAs === 'system' ? systemActor(found.storeId) : auditedAs, { action: 'apiToken.revoke', targetType: 'ApiToken', targetId: found.id, before: found, after: { ...found, revokedAt } });
    }
    return updated.count;
  });
  if (count === 0) return 'already revoked';
  deps.events.publish({ type: 'token.revoked', tokenHash: found.tokenHash });
  return 'revoked';
}

/** Which of `tokenHashes` still name a working (existing, unrevoked) token. */
export async function workingTokenHashes(db: Db, tokenHashes: readonly string[]): Promise<Set<string>> {
  const rows = await queryInBatches(tokenHashes, (batch) =>
    db.apiToken.findMany({ where: { tokenHash: { in: batch }, revokedAt: null }, select: { tokenHash: true } }),
  );
  return new Set(rows.map((row) => row.tokenHash));
}
