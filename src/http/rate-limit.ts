import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { Runtime } from '../runtime.ts';
import { type RateLimitDecision, type RateLimiter, SharedLimits } from './shared-limits.ts';
import { clientAddressFrom } from './trust-proxy.ts';
import { type Credential, credentialKeyOf } from './auth.ts';

export type { RateLimitDecision, RateLimiter, RateLimitPolicy } from './shared-limits.ts';

/**
 * The API's limiter: one budget per token, whichever API (REST or GraphQL, HTTP or WebSocket) spends
 * it; shared by every gateway through Redis when there is one (http/shared-limits.ts).
 */
export function limiterOf(runtime: Runtime): RateLimiter {
  return SharedLimits.of(runtime).limiter('api', runtime.config.rateLimit);
}

/** The RateLimit-* headers of an answer after `decision`. */
export function rateLimitHeaders(limiter: RateLimiter, decision: RateLimitDecision): Record<string, string> {
  const { limit, windowSeconds } = limiter.policy;
  return {
    'RateLimit-Limit': String(limit),
    'RateLimit-Remaining': String(decision.remaining),
    'RateLimit-Reset': String(decision.resetSeconds),
    'RateLimit-Policy': `${limit};w=${windowSeconds}`,
  };
}

/**
 * Whom a request counts against: the credential it proved (an API token's hash, or the customer card
 * a customer page holds), else the client's address, so that random tokens or card numbers cannot
 * dodge the limit. A customer page counts against its card and not its address: behind one proxy, or
 * from one café's network, anonymous traffic would otherwise spend the budget of every page there.
 */
export function rateLimitKeyOf(credential: Credential | undefined, address: string | undefined): string {
  return credential ? credentialKeyOf(credential) : `ip:${address ?? 'unknown'}`;
}

/** The key of a request over HTTP: see rateLimitKeyOf. */
export function rateLimitKey(c: Context, runtime: Runtime, credential: Credential | undefined): string {
  // The address is worked out only when it is the key: parsing it is most of this function's cost.
  return credential ? credentialKeyOf(credential) : rateLimitKeyOf(undefined, clientAddress(c, runtime));
}

/**
 * The client's address: the connection's peer, or what trusted proxies say in `X-Forwarded-For`
 * (`TRUST_PROXY`, http/trust-proxy.ts). Undefined when the request came from no socket (app.request in tests).
 */
export function clientAddress(c: Context, runtime: Runtime): string | undefined {
  let peer: string | undefined;
  try {
    peer = getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
  return clientAddressFrom(peer, c.req.header('x-forwarded-for'), runtime.config.trustProxy);
}
