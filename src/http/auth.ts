import type { Actor, WriteSource } from '../domain/context.ts';
import { authenticateToken } from '../domain/stores/store.service.ts';
import type { Runtime } from '../runtime.ts';
import { TokenCache } from './token-cache.ts';

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | null | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
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
  const token = bearerToken(authorization);
  if (!token) return undefined;
  const cache = cacheOf(runtime);
  let storeId = cache.get(token);
  if (storeId === undefined) {
    storeId = await authenticateToken(runtime.deps.db, token);
    if (storeId !== undefined) cache.set(token, storeId);
  }
  return storeId === undefined ? undefined : { storeId, source };
}

const caches = new WeakMap<Runtime, TokenCache>();

function cacheOf(runtime: Runtime): TokenCache {
  let cache = caches.get(runtime);
  if (!cache) caches.set(runtime, (cache = new TokenCache(runtime.config.tokenCacheSeconds * 1000)));
  return cache;
}
