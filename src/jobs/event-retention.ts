import { pruneEvents, retentionCutoff } from '../domain/ledger/event-retention.ts';
import type { Runtime } from '../runtime.ts';
import { log } from '../observability/log.ts';

const SWEEP_EVERY_MS = 60 * 60 * 1000;
// Not in the middle of start-up: a first sweep a little after it, then hourly.
const FIRST_SWEEP_MS = 30_000;

/**
 * The event log's retention sweep: every hour each gateway deletes the events older than
 * `EVENT_RETENTION_DAYS` (see docs/subscriptions.md). Several gateways sweeping at once only delete
 * the same rows; a failure is logged and tried again at the next sweep.
 */
export function startEventPruning(runtime: Runtime): void {
  const { eventRetentionDays } = runtime.config;
  let running: Promise<void> | undefined;
  const sweep = () => {
    running ??= pruneEvents(runtime.deps.db, retentionCutoff(eventRetentionDays))
      .then(() => undefined)
      .catch((error: unknown) => log.error({ err: error }, 'event retention sweep failed; retrying in an hour'))
      .finally(() => (running = undefined));
  };
  const first = setTimeout(sweep, FIRST_SWEEP_MS).unref();
  const hourly = setInterval(sweep, SWEEP_EVERY_MS).unref();
  runtime.onClose(async () => {
    clearTimeout(first);
    clearInterval(hourly);
    await running;
  });
}
