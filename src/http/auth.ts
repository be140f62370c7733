import type { Actor, WriteSource } from '../domain/context.ts';
import { authenticateToken, hashToken } from '../domain/stores/store.service.ts';
import type { Runtime } from '../runtime.ts';
import { type CachedToken, TokenCache } from './token-cache.ts';

/**
 * What a caller proved who it is with, kept while a live connection stays open so that it can be
 * checked again (http/live-connections.ts): an API token by its SHA-256, or a customer page's card uuid.
 */
export type Credential = { kind: 'token'; tokenHash: string } | { kind: 'card'; uuid: string };

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | null | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * The store and token hash of an `Authorization: Bearer <token>` value, through the process's token
 * cache; undefined when the token is missing, unknown or revoked.
 */
export async function authenticateBearer(runtime: Runtime, authorization: string | null | undefined): Promise<CachedToken | undefined> {
  const token = bearerToken(authorization);
  if (!token) return undefined;
  const cache = tokenCacheOf(runtime);
  const cached = cache.get(token);
  if (cached) return cached;
  const storeId = await authenticateToken(runtime.deps.db, token);
  if (storeId === undefined) return undefined;
  const found = { storeId, tokenHash: hashToken(token) };
  cache.set(token, found);
  return found;
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
  return found && { storeId: found.storeId, source };
}

const caches = new WeakMap<Runtime, TokenCache>();

/** The process's token cache, shared by every transport. */
export function tokenCacheOf(runtime: Runtime): TokenCache {
  let cache = caches.get(runtime);
  if (!cache) caches.set(runtime, (cache = new TokenCache(runtime.config.tokenCacheSeconds * 1000)));
  return cache;
}
