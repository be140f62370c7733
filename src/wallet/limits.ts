import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { clientAddress, FixedWindowLimiter, rateLimitKeyOf, type RateLimitDecision } from '../http/rate-limit.ts';
import type { Runtime } from '../runtime.ts';
import { jsonError } from './http.ts';

/**
 * Limits of the wallet routes, which anyone may call: a pass URL needs only a card's uuid, and the
 * PassKit log endpoint no authentication at all. Budgets are per process and per minute
 * (docs/wallet.md#limits); past one the answer is 429 with Retry-After, in the routes' `{"error"}` shape.
 */

/** Device log entries written per request; the rest of a longer list is dropped. */
export const LOG_ENTRIES_PER_REQUEST = 10;
/** Bytes (UTF-8) kept of one device log entry. */
export const LOG_ENTRY_BYTES = 512;
/** Largest wallet request body: a push-token registration or a device log fits many times over. */
export const WALLET_BODY_BYTES = 64 * 1024;

export class WalletLimiters {
  readonly perAddress: FixedWindowLimiter;
  readonly perPass: FixedWindowLimiter;
  readonly logEntries: FixedWindowLimiter;

  constructor(runtime: Runtime) {
    const limits = runtime.config.walletLimits;
    this.perAddress = new FixedWindowLimiter({ limit: limits.perAddressPerMinute, windowSeconds: 60 });
    this.perPass = new FixedWindowLimiter({ limit: limits.perPassPerMinute, windowSeconds: 60 });
    this.logEntries = new FixedWindowLimiter({ limit: limits.logEntriesPerAddressPerMinute, windowSeconds: 60 });
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
        const refused = tooMany(c, this.perAddress.hit(rateLimitKeyOf(undefined, clientAddress(c))));
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
