/**
 * When a pass last changed, as devices see it. A pass shows its customer card, the card template, its
 * rewards, the store, the customer and the store's locations, so its version is the latest change of
 * any of them. Apple's web service carries versions two ways: the opaque `lastUpdated` tag of the
 * serial-number list (milliseconds here) and HTTP `Last-Modified` / `If-Modified-Since` (seconds).
 */

export function passVersion(dates: Iterable<Date>): Date {
  let latest = 0;
  for (const date of dates) latest = Math.max(latest, date.getTime());
  return new Date(latest);
}

/** The `lastUpdated` tag for a set of pass versions: the latest, so it advances whenever a serial is listed. */
export function updatedTag(versions: Iterable<Date>): string {
  return String(passVersion(versions).getTime());
}

/** A `passesUpdatedSince` tag as milliseconds, or undefined for a missing or foreign one (list everything). */
export function parseUpdatedTag(tag: string | null | undefined): number | undefined {
  if (!tag || !/^\d{1,15}$/.test(tag)) return undefined;
  return Number(tag);
}

/**
 * The `Last-Modified` to send. HTTP dates have whole seconds, so a pass changed during the current
 * second is stamped one second earlier: a later change in that same second must not look unchanged
 * to a device that sends this value back as `If-Modified-Since`.
 */
export function lastModified(version: Date, now: Date = new Date()): Date {
  const seconds = Math.floor(version.getTime() / 1000);
  const current = Math.floor(now.getTime() / 1000);
  return new Date((seconds >= current ? seconds - 1 : seconds) * 1000);
}

/** True when `If-Modified-Since` covers the version; an unparsable header never does. */
export function notModifiedSince(version: Date, ifModifiedSince: string | null | undefined): boolean {
  if (!ifModifiedSince) return false;
  const since = Date.parse(ifModifiedSince);
  if (Number.isNaN(since)) return false;
  return Math.floor(version.getTime() / 1000) * 1000 <= since;
}
