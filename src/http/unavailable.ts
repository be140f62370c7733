import { type DatabaseFault, databaseFault } from '../db/unavailable.ts';
import { log } from '../observability/log.ts';

let lastLogged = 0;
let suppressed = 0;
let pendingStorageFault: (DatabaseFault & { at: number }) | undefined;

/**
 * Classifies a failed request's error. For a database outage it logs one short line at most once a
 * second (during an outage every request fails the same way, and a stack trace each would flood the
 * log), remembers a storage fault for the health check, and returns what to answer; otherwise undefined.
 */
export function unavailableAnswer(api: string, error: unknown): DatabaseFault | undefined {
  const fault = databaseFault(error);
  if (!fault) return undefined;
  if (fault.kind !== 'unreachable') pendingStorageFault = { ...fault, at: Date.now() };
  const now = Date.now();
  if (now - lastLogged < 1000) {
    suppressed++;
    return fault;
  }
  const more = suppressed > 0 ? ` (${suppressed} more since the last line)` : '';
  lastLogged = now;
  suppressed = 0;
  log.error(`${api}: database ${fault.kind === 'unreachable' ? 'unavailable' : fault.kind}, answered 503: ${reason(error)}${more}`);
  return fault;
}

/** The storage fault a request met that no successful write probe has cleared yet. */
export function pendingStorage(): DatabaseFault | undefined {
  return pendingStorageFault;
}

/** Called after a write probe succeeded at `since`: a fault met before then is over. */
export function storageRecovered(since: number): void {
  if (pendingStorageFault && pendingStorageFault.at <= since) pendingStorageFault = undefined;
}

function reason(error: unknown): string {
  const { code, name } = (error ?? {}) as { code?: unknown; name?: unknown };
  return [typeof name === 'string' ? name : 'Error', typeof code === 'string' ? code : undefined].filter(Boolean).join(' ');
}
