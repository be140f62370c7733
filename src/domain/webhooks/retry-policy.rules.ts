import { DisabledReason } from './webhook-subscription.rules.ts';

/**
 * When a failed delivery is tried again, when it is given up, and when a subscription is switched
 * off. Pure: the clock and the dice are arguments, so every branch is tested without waiting.
 *
 * Delays grow by 3× from 5 s (5 s, 15 s, 45 s, 2¼ min, 6¾ min, 20 min, 1 h, 3 h) up to 6 h, each
 * scattered ±20% so receivers coming back from an outage are not hit by every retry at once. An
 * event is retried until a day has passed since it happened, so the last attempt is at least 24 h
 * after it (about 12 attempts in all).
 */

export const FIRST_RETRY_MS = 5_000;
export const RETRY_FACTOR = 3;
export const MAX_RETRY_DELAY_MS = 6 * 3_600_000;
export const RETRY_WINDOW_MS = 24 * 3_600_000;
export const JITTER = 0.2;
/** A subscription is disabled once this many attempts in a row failed… */
export const DISABLE_AFTER_FAILURES = 10;
/** …and the run of failures has lasted this long (a short outage of a busy receiver does not count). */
export const DISABLE_AFTER_FAILING_MS = 24 * 3_600_000;

/** How one attempt ended. */
export interface AttemptResult {
  /** The receiver's status; null when no response came. */
  status: number | null;
  /** From a `Retry-After` header, in ms from now. */
  retryAfterMs?: number;
  /** The target resolved to an address webhooks may not reach. */
  blocked?: boolean;
}

export type Verdict =
  | { kind: 'delivered' }
  | { kind: 'retry'; afterMs: number }
  | { kind: 'give_up'; why: string }
  | { kind: 'disable'; reason: DisabledReason; why: string };

export function isSuccess(status: number | null): boolean {
  return status !== null && status >= 200 && status < 300;
}

/** The wait before attempt `attempt + 1`; `random` in [0, 1). */
export function retryDelay(attempt: number, random: number, retryAfterMs?: number): number {
  const base = Math.min(MAX_RETRY_DELAY_MS, FIRST_RETRY_MS * RETRY_FACTOR ** Math.min(20, Math.max(0, attempt - 1)));
  const jittered = Math.round(base * (1 - JITTER + 2 * JITTER * random));
  // A server's own Retry-After is a floor, but not one that could park the event for ever.
  return Math.max(jittered, Math.min(retryAfterMs ?? 0, MAX_RETRY_DELAY_MS));
}

/** What to do after attempt number `attempt` of an event that happened at `eventTime`. */
export function judgeAttempt(
  result: AttemptResult,
  attempt: number,
  eventTime: Date,
  now: Date,
  random: number,
): Verdict {
  if (isSuccess(result.status)) return { kind: 'delivered' };
  if (result.blocked) return { kind: 'disable', reason: DisabledReason.BLOCKED_ADDRESS, why: 'the target resolved to a blocked address' };
  if (result.status === 410) return { kind: 'disable', reason: DisabledReason.FAILING, why: 'the receiver answered 410 Gone' };
  if (now.getTime() - eventTime.getTime() >= RETRY_WINDOW_MS) {
    return { kind: 'give_up', why: `no success in ${RETRY_WINDOW_MS / 3_600_000} h (${attempt} attempts)` };
  }
  const honoured = result.status === 429 || result.status === 503 ? result.retryAfterMs : undefined;
  return { kind: 'retry', afterMs: retryDelay(attempt, random, honoured) };
}

/** Whether a run of failures (counting the one just recorded) should switch the subscription off. */
export function failingTooLong(consecutiveFailures: number, failingSince: Date, now: Date): boolean {
  return consecutiveFailures >= DISABLE_AFTER_FAILURES && now.getTime() - failingSince.getTime() >= DISABLE_AFTER_FAILING_MS;
}

/** A `Retry-After` value (seconds, or an HTTP date) as ms from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null | undefined, now: Date): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now.getTime());
}
