import { appendAudit } from '../../auth/audit.ts';
import { assertPerformAction } from '../../auth/policy.ts';
import { isScope, Scope } from '../../auth/scopes.ts';
import type { Actor, Deps } from '../context.ts';
import { FieldErrorCollector } from '../errors.ts';
import { checkText } from '../validation.ts';
import { type ApiTokenRow, createApiTokenRow } from './store.service.ts';
import { revokeApiToken } from './token-revocation.ts';

/**
 * Managing a store's API tokens through the API. Only admin tokens may (the policy's `apiToken.*`),
 * so a till or read token can never mint itself a stronger one.
 */

export interface NewApiToken {
  scope?: unknown;
  name?: unknown;
}

/** The store's tokens, newest first, revoked ones included (they say when). Never the secrets. */
export async function listApiTokens(deps: Deps, actor: Actor): Promise<ApiTokenRow[]> {
  assertPerformAction(actor, 'apiToken.read');
  return deps.db.apiToken.findMany({ where: { storeId: actor.storeId }, orderBy: { id: 'desc' } });
}

/**
 * Issues a token of the caller's store with a scope (default `admin`) and a name; the secret is in
 * the result only, and cannot be read back. Audited.
 */
export async function issueApiToken(deps: Deps, actor: Actor, input: NewApiToken): Promise<{ row: ApiTokenRow; token: string }> {
  assertPerformAction(actor, 'apiToken.create');
  const errors = new FieldErrorCollector();
  if (input.scope !== undefined && input.scope !== null && !isScope(input.scope)) errors.add('scope', 'must be one of admin, till, read');
  checkText(errors, 'name', input.name, { max: 100 });
  errors.throwIfAny();
  const scope = isScope(input.scope) ? input.scope : Scope.ADMIN;
  const name = typeof input.name === 'string' && input.name.trim() !== '' ? input.name.trim() : null;
  return deps.db.$transaction(async (tx) => {
    const issued = await createApiTokenRow(tx, actor.storeId, { scope, name });
    await appendAudit(tx, actor, { action: 'apiToken.create', targetType: 'ApiToken', targetId: issued.row.id, before: null, after: issued.row });
    return issued;
  });
}

/**
 * Revokes a token of the caller's store by id: effective at once on every gateway and on open
 * connections (token-revocation.ts). 'unknown' for an id the store does not have.
 */
export async function revokeStoreApiToken(deps: Deps, actor: Actor, id: number): Promise<'revoked' | 'already revoked' | 'unknown'> {
  assertPerformAction(actor, 'apiToken.revoke');
  return revokeApiToken(deps, { id, storeId: actor.storeId }, actor);
}
