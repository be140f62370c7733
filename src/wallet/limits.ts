import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { clientAddress, type RateLimitDecision, type RateLimiter, rateLimitKeyOf } from '../http/rate-limit.ts';
import { SharedLimits } from '../http/shared-limits.ts';
import type { Runtime } from '../runtime.ts';
import { jsonError } from './http.ts';

/**
 * Limits of the wallet routes, which anyone may call: a pass URL needs only a card's uuid, and the
 * PassKit log endpoint no authentication at all. Budgets are per minute, shared by every gateway
 * through Redis when there is one (docs/wallet.md#limits); past one the answer is 429 with Retry-After, in the routes' `{"error"}` shape.
 */

/** Device log entries written per request; the rest of a longer list is dropped. */
export const LOG_ENTRIES_PER_REQUEST = 10;
/** Bytes (UTF-8) kept of one device log entry. */
export const LOG_ENTRY_BYTES = 512;
/** Largest wallet request body: a push-token registration or a device log fits many times over. */
export const WALLET_BODY_BYTES = 64 * 1024;

export class WalletLimiters {
  readonly perAddress: RateLimiter;
  readonly perPass: RateLimiter;
  readonly logEntries: RateLimiter;
  readonly #runtime: Runtime;

  constructor(runtime: Runtime) {
    this.#runtime = runtime;
    const limits = runtime.config.walletLimits;
    const shared = SharedLimits.of(runtime);
    this.perAddress = shared.limiter('wallet-address', { limit: limits.perAddressPerMinute, windowSeconds: 60 });
    this.perPass = shared.limiter('wallet-pass', { limit: limits.perPassPerMinute, windowSeconds: 60 });
    this.logEntries = shared.limiter('wallet-log', { limit: limits.logEntriesPerAddressPerMinute, windowSeconds: 60 });
  }

  /** Whom an unauthenticated wallet request counts against: its client's address. */
  addressKey(c: Context): string {
    return rateLimitKeyOf(undefined, clientAddress(c, this.#runtime));
  }

  /** Middleware counting wallet requests (but image fetches) against their client address, and bounding bodies. */
  middleware(): MiddlewareHandler[] {
    return [
      bodyLimit({
        maxSize: WALLET_BODY_BYTES,
        onError: (c) => c.json({ error: `Request body too large (at most ${WALLET_BODY_BYTES} bytes)` }, 413, { Connection: 'close' }),
      }),
      async (c, next) => {
        // Google fetches the pass images itself, from a few addresses, for every card: not counted.
        if (c.req.path.endsWith('.png')) return next();
        const refused = tooMany(c, await this.perAddress.hit(this.addressKey(c)));
        if (refused) return refused;
        await next();
      },
    ];
  }
}

/** The 429 for a spent budget, or undefined when the request may go on. */
export function tooMany(c: Context, decision: RateLimitDecision, what = 'Too many wallet requests'): Response | undefined {
  if (decision.allowed) return undefined;
  c.header('Retry-After', String(decision.resetSeconds));
  return jsonError(c, 429, `${what}; retry in ${decision.resetSeconds} s`);
}

/** One device log entry as a single bounded log line: no control characters, at most LOG_ENTRY_BYTES. */
export function logLine(entry: unknown): string {
  const text = String(entry).replace(/[\u0000-\u001f\u007f]/g, ' ');
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= LOG_ENTRY_BYTES) return text;
  // A cut inside a multi-byte character decodes to U+FFFD; drop it.
  return `${bytes.subarray(0, LOG_ENTRY_BYTES).toString('utf8').replace(/\uFFFD$/, '')}…`;
}
