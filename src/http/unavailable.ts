let lastLogged = 0;
let suppressed = 0;

/**
 * Logs a database outage as one short line at most once a second: during an outage every request
 * fails the same way, and a stack trace each (with the query it ran) would flood the log.
 */
export function logUnavailable(api: string, error: unknown): void {
  const now = Date.now();
  if (now - lastLogged < 1000) {
    suppressed++;
    return;
  }
  const more = suppressed > 0 ? ` (${suppressed} more since the last line)` : '';
  lastLogged = now;
  suppressed = 0;
  console.error(`${api}: database unavailable, answered 503: ${reason(error)}${more}`);
}

function reason(error: unknown): string {
  const { code, name } = (error ?? {}) as { code?: unknown; name?: unknown };
  return [typeof name === 'string' ? name : 'Error', typeof code === 'string' ? code : undefined].filter(Boolean).join(' ');
}

