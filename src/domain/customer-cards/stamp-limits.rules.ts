/**
 * Anti-fraud limits on stamping one customer card: a cooldown between two stamp operations and a most
 * stamps per store-local day. Plain functions of what the ledger holds and the time; the ledger runs
 * them inside its transaction, after taking the customer card's lock, so concurrent stamps see each other.
 *
 * Only stamps given at the till or through an API (`STAMP` entries) count and are limited: a card's
 * initial stamps on enrolment (also on a poster sign-up) are not, nor are redemptions or corrections.
 */

/** The most a cooldown may be: 30 days. */
export const MAX_STAMP_COOLDOWN_SECONDS = 30 * 24 * 60 * 60;
/** The most a daily limit may be. */
export const MAX_STAMPS_PER_DAY_LIMIT = 1000;

export interface StampLimits {
  /** Least seconds between two stamp operations on one customer card; 0: off. */
  stampCooldownSeconds: number;
  /** Most stamps one customer card takes per store-local day; null: no limit. */
  maxStampsPerDay: number | null;
}

/** What the ledger of one customer card says, read under its lock. */
export interface StampHistory {
  /** When the card was last stamped (its newest `STAMP` entry); null when never. */
  lastStampAt: Date | null;
  /** Stamps given since the start of the store-local day (see `startOfLocalDay`). */
  stampsToday: number;
}

export type StampRefusalCode = 'TOO_SOON' | 'DAILY_LIMIT';

export interface StampRefusal {
  code: StampRefusalCode;
  /** From when the same stamps would be taken; null when never (more stamps than the daily limit). */
  retryAt: Date | null;
  /** Why, for people; names `retryAt` in ISO 8601 UTC. */
  message: string;
}

export function hasStampLimits(limits: StampLimits): boolean {
  return limits.stampCooldownSeconds > 0 || limits.maxStampsPerDay !== null;
}

/**
 * Whether `stamps` more stamps may be given at `now`; the refusal when not. The cooldown is checked
 * first: when both refuse, the cooldown's answer is the nearer one to act on.
 */
export function stampRefusal(
  limits: StampLimits,
  history: StampHistory,
  stamps: number,
  now: Date,
  timeZone: string,
): StampRefusal | null {
  if (limits.stampCooldownSeconds > 0 && history.lastStampAt) {
    const retryAt = new Date(history.lastStampAt.getTime() + limits.stampCooldownSeconds * 1000);
    if (now < retryAt) {
      return {
        code: 'TOO_SOON',
        retryAt,
        message: `can be added again at ${retryAt.toISOString()}: the card allows one stamp operation every ${limits.stampCooldownSeconds} seconds`,
      };
    }
  }
  const max = limits.maxStampsPerDay;
  if (max !== null && history.stampsToday + stamps > max) {
    const limit = `the card allows ${max} stamps a day (${timeZone}) and ${history.stampsToday} were given today`;
    if (stamps > max) return { code: 'DAILY_LIMIT', retryAt: null, message: `cannot be more than ${max} at once: ${limit}` };
    const retryAt = startOfNextLocalDay(now, timeZone);
    return { code: 'DAILY_LIMIT', retryAt, message: `can be added again at ${retryAt.toISOString()}: ${limit}` };
  }
  return null;
}

// Formatting is the slow part of Intl; one formatter per zone serves every later call.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * The IANA name of a time zone as it will be stored; undefined when this runtime does not know it.
 * The name is kept as sent (`Asia/Kolkata` stays so, though ICU calls it `Asia/Calcutta`), with the
 * capitals of the runtime's own list when it differs only in case (`europe/berlin` is `Europe/Berlin`).
 * Offsets and abbreviations (`+02:00`, `CET`) are refused: a shop's day follows its zone's daylight
 * saving time, which a fixed offset does not.
 */
export function canonicalTimeZone(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.length === 0 || name.length > 64 || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) return undefined;
  if (name.toUpperCase() === 'UTC' || name.toUpperCase() === 'ETC/UTC') return 'UTC';
  if (!name.includes('/')) return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
  } catch {
    return undefined;
  }
  return knownZones().get(name.toLowerCase()) ?? name;
}

let zones: Map<string, string> | undefined;
function knownZones(): Map<string, string> {
  zones ??= new Map(Intl.supportedValuesOf('timeZone').map((zone) => [zone.toLowerCase(), zone]));
  return zones;
}

/** The local calendar day of `at` in `timeZone` as a comparable number, e.g. 20261207. */
function localDay(at: number, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(at));
  const part = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return part('year') * 10_000 + part('month') * 100 + part('day');
}

const HOUR = 60 * 60 * 1000;

/**
 * The first instant of the local day `at` falls on in `timeZone`: usually local midnight, later where a
 * daylight saving change skips midnight (the day then starts at the first local time that exists).
 * Found by bisection on the instant, so it needs no table of offsets and holds for 23- and 25-hour days.
 */
export function startOfLocalDay(at: Date, timeZone: string): Date {
  const day = localDay(at.getTime(), timeZone);
  // A stamp asks inside its transaction, holding the card's lock: one lookup rather than a bisection.
  const key = `${timeZone} ${day}`;
  const known = dayStarts.get(key);
  if (known !== undefined) return new Date(known);
  // Days last at most 26 hours anywhere, so 48 hours earlier is on an earlier local day.
  let before = at.getTime() - 48 * HOUR;
  let within = at.getTime();
  while (within - before > 1) {
    const middle = Math.floor((before + within) / 2);
    if (localDay(middle, timeZone) >= day) within = middle;
    else before = middle;
  }
  if (dayStarts.size >= MAX_KNOWN_DAY_STARTS) dayStarts.clear();
  dayStarts.set(key, within);
  return new Date(within);
}

// Day starts found so far, by zone and local day; a day's start never changes (short of new zone data).
const dayStarts = new Map<string, number>();
const MAX_KNOWN_DAY_STARTS = 10_000;

/** The first instant of the local day after the one `at` falls on. */
export function startOfNextLocalDay(at: Date, timeZone: string): Date {
  // 26 hours after a day's start is past its end (the longest days are 25 hours) and within the next.
  return startOfLocalDay(new Date(startOfLocalDay(at, timeZone).getTime() + 26 * HOUR), timeZone);
}
