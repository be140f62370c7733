import { appendAudit } from '../../auth/audit.ts';
import { rowBeforeChange } from '../audited-change.ts';
import { assertPerformAction } from '../../auth/policy.ts';
import { createHash, randomBytes } from 'node:crypto';
import { Scope } from '../../auth/scopes.ts';
import type { Db, Tx } from '../../db/client.ts';
import type { Prisma } from '../../generated/sqlite/client.ts';
import type { Actor, Deps } from '../context.ts';
import { FieldErrorCollector, notFound } from '../errors.ts';
import { checkText, definedOnly, isDatabaseId, pickKnown } from '../validation.ts';
import { canonicalTimeZone } from '../customer-cards/stamp-limits.rules.ts';

export type StoreRow = Prisma.StoreGetPayload<object>;

const TOKEN_PREFIX = 'sl_';

/** Tokens are kept only as SHA-256: a leaked database does not leak working tokens. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function createStore(db: Db, name: unknown): Promise<{ store: StoreRow; token: string }> {
  const errors = new FieldErrorCollector();
  checkText(errors, 'name', name, { required: true, max: 100 });
  errors.throwIfAny();
  const store = await db.store.create({ data: { name: (name as string).trim() } });
  return { store, token: await createApiToken(db, store.id) };
}

export type ApiTokenRow = Prisma.ApiTokenGetPayload<object>;

/** What a new token is for; the scope defaults to `admin` (what every token was before scopes). */
export interface ApiTokenOptions {
  scope?: Scope;
  name?: string | null;
}

/**
 * Issues a new bearer token for a store and returns it with its row; the secret cannot be read back
 * later. No policy here: the CLI (which holds the database) and `issueApiToken` (which asks the policy)
 * call it. Pass a transaction to write it with an audit entry.
 */
export async function createApiTokenRow(db: Db | Tx, storeId: number, options: ApiTokenOptions = {}): Promise<{ row: ApiTokenRow; token: string }> {
  const store = isDatabaseId(storeId) ? await db.store.findUnique({ where: { id: storeId }, select: { id: true } }) : null;
  if (!store) throw notFound('Store');
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const row = await db.apiToken.create({
    data: { storeId, tokenHash: hashToken(token), prefix: token.slice(0, 10), scope: options.scope ?? Scope.ADMIN, name: options.name ?? null },
  });
  return { row, token };
}

/** Issues a new bearer token for a store and returns it; it cannot be read back later. */
export async function createApiToken(db: Db, storeId: number, options: ApiTokenOptions = {}): Promise<string> {
  return (await createApiTokenRow(db, storeId, options)).token;
}

/** A working token's row (store, scope, name), or undefined for an unknown or revoked token. */
export async function findWorkingToken(db: Db, token: string): Promise<ApiTokenRow | undefined> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return undefined;
  const found = await db.apiToken.findUnique({ where: { tokenHash: hashToken(token) } });
  return found && !found.revokedAt ? found : undefined;
}

/** The store a bearer token belongs to, or undefined for an unknown or revoked token. */
export async function authenticateToken(db: Db, token: string): Promise<number | undefined> {
  return (await findWorkingToken(db, token))?.storeId;
}

/**
 * Refuses a store id other than the actor's own as "not found", whether that store exists or not. The
 * actor's own store needs no lookup: its token exists, and tokens are deleted with their store.
 */
export function checkOwnStore(actor: Actor, id: number): void {
  if (id !== actor.storeId) throw notFound('Store');
}

export async function getStore(deps: Deps, actor: Actor, id: number = actor.storeId): Promise<StoreRow> {
  assertPerformAction(actor, 'store.read');
  // A token sees only its own store; any other id is "not found", whether it exists or not.
  const store = id === actor.storeId ? await deps.db.store.findUnique({ where: { id } }) : null;
  if (!store) throw notFound('Store');
  return store;
}

export interface StoreInput {
  name?: string;
  storeName?: string | null;
  /** IANA time zone name; the days of per-day stamp limits begin at its midnight. */
  timeZone?: string;
}

export async function updateStore(deps: Deps, actor: Actor, id: number, input: StoreInput): Promise<StoreRow> {
  assertPerformAction(actor, 'store.update');
  const store = await getStore(deps, actor, id);
  const given = definedOnly(pickKnown(input, ['name', 'storeName', 'timeZone']));
  const errors = new FieldErrorCollector();
  if (given.name !== undefined) checkText(errors, 'name', given.name, { required: true, max: 100 });
  if (given.storeName !== undefined) checkText(errors, 'storeName', given.storeName, { max: 100 });
  if (given.timeZone !== undefined) {
    const zone = canonicalTimeZone(given.timeZone);
    if (zone === undefined) errors.add('timeZone', 'must be an IANA time zone name, e.g. Europe/Berlin or UTC');
    else given.timeZone = zone;
  }
  errors.throwIfAny();
  if (Object.keys(given).length === 0) return store;
  if (typeof given.name === 'string') given.name = given.name.trim();
  return deps.db.$transaction(async (tx) => {
    const before = await rowBeforeChange(tx, deps.provider, 'stores', store.id, 'Store', () => tx.store.findUnique({ where: { id: store.id } }));
    const updated = await tx.store.update({ where: { id: store.id }, data: given });
    await appendAudit(tx, actor, { action: 'store.update', targetType: 'Store', targetId: store.id, before, after: updated });
    return updated;
  });
}

/** The name customers see: the public store name when set, else the account name. */
export function displayStoreName(store: { name: string; storeName: string | null }): string {
  return store.storeName || store.name;
}
