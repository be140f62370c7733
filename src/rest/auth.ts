import type { MiddlewareHandler } from 'hono';
import { WriteSource } from '../domain/context.ts';
import { authenticateBearer, tokenActor } from '../http/auth.ts';
import type { Runtime } from '../runtime.ts';
import type { RestEnv } from './route.ts';

/**
 * Resolves the caller from its bearer token once per request and leaves it on the context. A missing
 * or unknown token is not refused here: each route decides (only /status and the OpenAPI document are
 * public), so an unknown path is a 404 whatever the token.
 */
export function identify(runtime: Runtime): MiddlewareHandler<RestEnv> {
  return async (c, next) => {
    const found = await authenticateBearer(runtime, c.req.header('authorization'));
    c.set('actor', found && tokenActor(found, WriteSource.REST));
    // Kept for the rate limit, which counts a token by its hash and need not hash it again.
    c.set('credential', found && { kind: 'token', tokenHash: found.tokenHash });
    await next();
  };
}
