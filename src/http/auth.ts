import type { Principal } from '../auth/principal.ts';
import { tokenDisplayName } from '../auth/principal.ts';
import { scopeOf } from '../auth/scopes.ts';
import type { Actor, WriteSource } from '../domain/context.ts';
import { findWorkingToken, hashToken } from '../domain/stores/store.service.ts';
import type { Runtime } from '../runtime.ts';
import { type CachedToken, TokenCache } from './token-cache.ts';

/**
 * What a caller proved who it is with, kept while a live connection stays open so that it can be
 * checked again (http/live-connections.ts): an API token by its SHA-256, or a customer page's card uuid.
 */
export type Credential = { kind: 'token'; tokenHash: string } | { kind: 'card'; uuid: string };

/**
 * Whom a credential's limits count against, as a key of the limits' stores (this process's maps and,
 * with several gateways, Redis). A card's uuid is what opens its page, so the key holds its hash: a
 * Redis key listing or a log line must not hand out working card links.
 */
export function credentialKeyOf(credential: Credential): string {
  return credential.kind === 'token' ? `token:${credential.tokenHash}` : `card:${hashToken(credential.uuid)}`;
}

/** How often a token's `last_used_at` is written at most, per process. */
export const LAST_USED_INTERVAL_MS = 60_000;

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | null | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * The store, token hash and principal of an `Authorization: Bearer <token>` value, through the
 * process's token cache; undefined when the token is missing, unknown or revoked.
 */
export async function authenticateBearer(runtime: Runtime, authorization: string | null | undefined): Promise<CachedToken | undefined> {
  const token = bearerToken(authorization);
  if (!token) return undefined;
  const cache = tokenCacheOf(runtime);
  let found = cache.get(token);
  if (!found) {
    const row = await findWorkingToken(runtime.deps.db, token);
    if (!row) return undefined;
    found = { storeId: row.storeId, tokenHash: hashToken(token), tokenId: row.id, scope: scopeOf(row.scope), name: tokenDisplayName(row) };
    cache.set(token, found);
  }
  if (cache.shouldTouch(found.tokenId, LAST_USED_INTERVAL_MS)) touchLastUsed(runtime, found.tokenId);
  return found;
}

/** Records a token's use without holding up the request; a failure only leaves the time older. */
function touchLastUsed(runtime: Runtime, tokenId: number): void {
  runtime.deps.db.apiToken.updateMany({ where: { id: tokenId }, data: { lastUsedAt: new Date() } }).catch(() => {});
}

/** The principal an authenticated token acts as. */
function tokenPrincipal(token: CachedToken): Principal {
  return { kind: 'TOKEN', tokenId: token.tokenId, scope: token.scope, name: token.name };
}

/**
 * The actor a request acts as, from its bearer token; undefined when the token is missing, unknown
 * or revoked. Both APIs call this, so they authenticate alike.
 */
export async function authenticate(
  runtime: Runtime,
  authorization: string | null | undefined,
  source: WriteSource,
): Promise<Actor | undefined> {
  const found = await authenticateBearer(runtime, authorization);
  return found && tokenActor(found, source);
}

/** The actor an authenticated token acts as through `source`. */
export function tokenActor(token: CachedToken, source: WriteSource): Actor {
  return { storeId: token.storeId, source, principal: tokenPrincipal(token) };
}

const caches = new WeakMap<Runtime, TokenCache>();

/** The process's token cache, shared by every transport. */
export function tokenCacheOf(runtime: Runtime): TokenCache {
  let cache = caches.get(runtime);
  if (!cache) caches.set(runtime, (cache = new TokenCache(runtime.config.tokenCacheSeconds * 1000)));
  return cache;
}
