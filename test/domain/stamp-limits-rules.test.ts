import { describe, expect, it } from 'vitest';
import {
  canonicalTimeZone,
  type StampLimits,
  stampRefusal,
  startOfLocalDay,
  startOfNextLocalDay,
} from '../../src/domain/customer-cards/stamp-limits.rules.ts';

const at = (iso: string) => new Date(iso);
const limits = (changes: Partial<StampLimits>): StampLimits => ({ stampCooldownSeconds: 0, maxStampsPerDay: null, ...changes });

describe('startOfLocalDay', () => {
  it.each([
    // [time zone, instant, start of its local day, start of the next]
    ['UTC', '2026-12-07T17:00:00.000Z', '2026-12-07T00:00:00.000Z', '2026-12-08T00:00:00.000Z'],
    ['Europe/Berlin', '2026-12-07T17:00:00.000Z', '2026-12-06T23:00:00.000Z', '2026-12-07T23:00:00.000Z'],
    // 00:30 in Berlin is still the 7th there though it is the 6th in UTC.
    ['Europe/Berlin', '2026-12-06T23:30:00.000Z', '2026-12-06T23:00:00.000Z', '2026-12-07T23:00:00.000Z'],
    ['America/Los_Angeles', '2026-12-08T03:00:00.000Z', '2026-12-07T08:00:00.000Z', '2026-12-08T08:00:00.000Z'],
    ['Asia/Kolkata', '2026-12-07T12:00:00.000Z', '2026-12-06T18:30:00.000Z', '2026-12-07T18:30:00.000Z'],
    ['Pacific/Kiritimati', '2026-12-07T12:00:00.000Z', '2026-12-07T10:00:00.000Z', '2026-12-08T10:00:00.000Z'],
    // DST begins in Berlin on 29 March 2026 (02:00 → 03:00): a 23-hour day.
    ['Europe/Berlin', '2026-03-29T12:00:00.000Z', '2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z'],
    // DST ends in Berlin on 25 October 2026 (03:00 → 02:00): a 25-hour day.
    ['Europe/Berlin', '2026-10-25T12:00:00.000Z', '2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z'],
    // New York: 8 March 2026 has 23 hours, 1 November 2026 has 25.
    ['America/New_York', '2026-03-08T20:00:00.000Z', '2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z'],
    ['America/New_York', '2026-11-01T20:00:00.000Z', '2026-11-01T04:00:00.000Z', '2026-11-02T05:00:00.000Z'],
    // Santiago moves its clocks at midnight: on 6 September 2026 local midnight does not exist and the day starts at 01:00 (-03).
    ['America/Santiago', '2026-09-06T15:00:00.000Z', '2026-09-06T04:00:00.000Z', '2026-09-07T03:00:00.000Z'],
    // Lord Howe Island changes by half an hour.
    ['Australia/Lord_Howe', '2026-10-04T06:00:00.000Z', '2026-10-03T13:30:00.000Z', '2026-10-04T13:00:00.000Z'],
  ])('in %s, %s falls on the day starting %s; the next starts %s', (zone, instant, start, next) => {
    expect(startOfLocalDay(at(instant), zone).toISOString()).toBe(start);
    expect(startOfNextLocalDay(at(instant), zone).toISOString()).toBe(next);
  });

  it('the first instant of a day is on that day and the one before it is not', () => {
    const start = startOfLocalDay(at('2026-10-25T12:00:00.000Z'), 'Europe/Berlin');
    expect(startOfLocalDay(start, 'Europe/Berlin')).toEqual(start);
    expect(startOfLocalDay(new Date(start.getTime() - 1), 'Europe/Berlin').toISOString()).toBe('2026-10-23T22:00:00.000Z');
  });
});

describe('canonicalTimeZone', () => {
  it.each([
    ['UTC', 'UTC'],
    ['utc', 'UTC'],
    ['Etc/UTC', 'UTC'],
    ['Europe/Berlin', 'Europe/Berlin'],
    ['europe/berlin', 'Europe/Berlin'],
    ['America/Argentina/Buenos_Aires', 'America/Argentina/Buenos_Aires'],
    // Kept as sent, though ICU's own name for it is Asia/Calcutta.
    ['Asia/Kolkata', 'Asia/Kolkata'],
  ])('accepts %s as %s', (name, canonical) => {
    expect(canonicalTimeZone(name)).toBe(canonical);
  });

  it.each(['', 'Mars/Olympus_Mons', '+02:00', 'CET', 'Europe/Berlin\u0000', 'x'.repeat(65), 12, null])('refuses %j', (name) => {
    expect(canonicalTimeZone(name)).toBeUndefined();
  });
});

describe('stampRefusal', () => {
  const now = at('2026-12-07T17:00:00.000Z');
  const never = { lastStampAt: null, stampsToday: 0 };

  it('takes every stamp when the card has no limits', () => {
    expect(stampRefusal(limits({}), { lastStampAt: now, stampsToday: 500 }, 21, now, 'UTC')).toBeNull();
  });

  it('refuses a stamp within the cooldown, allowed again when it ends', () => {
    const cooldown = limits({ stampCooldownSeconds: 600 });
    const refusal = stampRefusal(cooldown, { lastStampAt: at('2026-12-07T16:55:00.000Z'), stampsToday: 1 }, 1, now, 'UTC');
    expect(refusal).toEqual({
      code: 'TOO_SOON',
      retryAt: at('2026-12-07T17:05:00.000Z'),
      message: 'can be added again at 2026-12-07T17:05:00.000Z: the card allows one stamp operation every 600 seconds',
    });
    expect(stampRefusal(cooldown, { lastStampAt: at('2026-12-07T16:50:00.000Z'), stampsToday: 1 }, 1, now, 'UTC')).toBeNull();
    expect(stampRefusal(cooldown, never, 1, now, 'UTC')).toBeNull();
  });

  it('refuses stamps past the daily limit until the next local day', () => {
    const daily = limits({ maxStampsPerDay: 3 });
    expect(stampRefusal(daily, { lastStampAt: null, stampsToday: 2 }, 1, now, 'Europe/Berlin')).toBeNull();
    expect(stampRefusal(daily, { lastStampAt: null, stampsToday: 2 }, 2, now, 'Europe/Berlin')).toEqual({
      code: 'DAILY_LIMIT',
      retryAt: at('2026-12-07T23:00:00.000Z'),
      message: 'can be added again at 2026-12-07T23:00:00.000Z: the card allows 3 stamps a day (Europe/Berlin) and 2 were given today',
    });
  });

  it('refuses more stamps at once than a day allows, with no time to retry', () => {
    const refusal = stampRefusal(limits({ maxStampsPerDay: 3 }), never, 4, now, 'UTC');
    expect(refusal).toMatchObject({ code: 'DAILY_LIMIT', retryAt: null });
    expect(refusal!.message).toMatch(/^cannot be more than 3 at once/);
  });

  it('answers with the cooldown when both limits refuse', () => {
    const both = limits({ stampCooldownSeconds: 60, maxStampsPerDay: 1 });
    expect(stampRefusal(both, { lastStampAt: at('2026-12-07T16:59:30.000Z'), stampsToday: 1 }, 1, now, 'UTC')).toMatchObject({ code: 'TOO_SOON' });
  });

  it('on a 25-hour day the limit holds until the next local midnight', () => {
    const refusal = stampRefusal(limits({ maxStampsPerDay: 1 }), { lastStampAt: null, stampsToday: 1 }, 1, at('2026-10-25T00:30:00.000Z'), 'Europe/Berlin');
    expect(refusal!.retryAt).toEqual(at('2026-10-25T23:00:00.000Z'));
  });
});
