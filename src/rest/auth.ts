import { createHash } from 'node:crypto';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { WriteSource } from '../domain/context.ts';
import { authenticate, bearerToken } from '../http/auth.ts';
import type { Runtime } from '../runtime.ts';
import type { RestEnv } from './route.ts';

/**
 * Resolves the caller from its bearer token once per request and leaves it on the context. A missing
 * or unknown token is not refused here: each route decides (only /status and the OpenAPI document are
 * public), so an unknown path is a 404 whatever the token.
 */
export function identify(runtime: Runtime): MiddlewareHandler<RestEnv> {
  return async (c, next) => {
    c.set('actor', await authenticate(runtime, c.req.header('authorization'), WriteSource.REST));
    await next();
  };
}

/**
 * Whom a request counts against: its API token when valid, else the client's address (so random
 * tokens cannot dodge the limit). Forwarded-for headers are not trusted: anyone can send them.
 */
export function rateLimitKey(c: Context<RestEnv>): string {
  const token = bearerToken(c.req.header('authorization'));
  if (token && c.get('actor')) return `token:${createHash('sha256').update(token).digest('hex')}`;
  return `ip:${clientAddress(c)}`;
}

function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
