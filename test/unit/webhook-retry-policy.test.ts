import { describe, expect, it } from 'vitest';
import {
  DISABLE_AFTER_FAILURES,
  failingTooLong,
  judgeAttempt,
  MAX_RETRY_DELAY_MS,
  parseRetryAfter,
  retryDelay,
  RETRY_WINDOW_MS,
} from '../../src/domain/webhooks/retry-policy.rules.ts';

const HOUR = 3_600_000;
const t0 = new Date('2026-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

describe('webhook retry policy', () => {
  it('grows the delay exponentially from 5 s, up to 6 h, scattered ±20%', () => {
    const middle = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((attempt) => retryDelay(attempt, 0.5));
    expect(middle.slice(0, 4)).toEqual([5_000, 15_000, 45_000, 135_000]);
    for (let i = 1; i < middle.length; i++) expect(middle[i]).toBeGreaterThanOrEqual(middle[i - 1]!);
    expect(middle.at(-1)).toBe(MAX_RETRY_DELAY_MS);
    expect(retryDelay(1, 0)).toBe(4_000);
    expect(retryDelay(1, 0.999_999)).toBe(6_000);
    expect(retryDelay(50, 0.999_999)).toBeLessThanOrEqual(MAX_RETRY_DELAY_MS * 1.2);
  });

  it('retries for at least 24 hours, whatever the dice, then gives up', () => {
    for (const random of [0, 0.5, 0.999_999]) {
      let elapsed = 0;
      let attempt = 1;
      for (;;) {
        const verdict = judgeAttempt({ status: 500 }, attempt, t0, at(elapsed), random);
        if (verdict.kind !== 'retry') {
          expect(verdict.kind).toBe('give_up');
          break;
        }
        elapsed += verdict.afterMs;
        attempt++;
      }
      expect(elapsed).toBeGreaterThanOrEqual(RETRY_WINDOW_MS);
      expect(elapsed).toBeLessThan(RETRY_WINDOW_MS + MAX_RETRY_DELAY_MS * 1.2 + 1);
      expect(attempt).toBeGreaterThanOrEqual(10);
    }
  });

  it('honours Retry-After on 429 and 503 only, and not beyond the longest delay', () => {
    expect(judgeAttempt({ status: 429, retryAfterMs: 120_000 }, 1, t0, t0, 0.5)).toEqual({ kind: 'retry', afterMs: 120_000 });
    expect(judgeAttempt({ status: 503, retryAfterMs: 60_000 }, 1, t0, t0, 0.5)).toEqual({ kind: 'retry', afterMs: 60_000 });
    expect(judgeAttempt({ status: 500, retryAfterMs: 120_000 }, 1, t0, t0, 0.5)).toEqual({ kind: 'retry', afterMs: 5_000 });
    // A Retry-After shorter than the backoff does not hurry the retry.
    expect(judgeAttempt({ status: 429, retryAfterMs: 1_000 }, 3, t0, t0, 0.5)).toEqual({ kind: 'retry', afterMs: 45_000 });
    expect(judgeAttempt({ status: 429, retryAfterMs: 100 * HOUR }, 1, t0, t0, 0.5)).toEqual({ kind: 'retry', afterMs: MAX_RETRY_DELAY_MS });
  });

  it('treats 2xx as delivered, 410 and blocked addresses as reasons to disable, anything else as a retry', () => {
    expect(judgeAttempt({ status: 200 }, 1, t0, t0, 0).kind).toBe('delivered');
    expect(judgeAttempt({ status: 299 }, 1, t0, t0, 0).kind).toBe('delivered');
    expect(judgeAttempt({ status: 410 }, 1, t0, t0, 0)).toMatchObject({ kind: 'disable', reason: 'failing' });
    expect(judgeAttempt({ status: null, blocked: true }, 1, t0, t0, 0)).toMatchObject({ kind: 'disable', reason: 'blocked_address' });
    for (const status of [null, 301, 400, 404, 408, 500]) expect(judgeAttempt({ status }, 1, t0, t0, 0).kind).toBe('retry');
  });

  it('disables after a run of failures only once it is both long enough and a day old', () => {
    expect(failingTooLong(DISABLE_AFTER_FAILURES, t0, at(24 * HOUR))).toBe(true);
    expect(failingTooLong(DISABLE_AFTER_FAILURES - 1, t0, at(48 * HOUR))).toBe(false);
    expect(failingTooLong(500, t0, at(23 * HOUR))).toBe(false);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('30', t0)).toBe(30_000);
    expect(parseRetryAfter(' 0 ', t0)).toBe(0);
    expect(parseRetryAfter(new Date(t0.getTime() + 90_000).toUTCString(), t0)).toBe(90_000);
    expect(parseRetryAfter('soon', t0)).toBeUndefined();
    expect(parseRetryAfter(undefined, t0)).toBeUndefined();
  });
});
