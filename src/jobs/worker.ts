import type { Runtime } from '../runtime.ts';
import { startEventPruning } from './event-retention.ts';
import { OutboxWorker } from './outbox-worker.ts';

const workers = new WeakMap<Runtime, OutboxWorker>();

/**
 * Starts the process's job worker on the runtime's topics: it polls the outbox, wakes as soon as a
 * write announces that it queued work, and is drained and stopped when the runtime closes (before the
 * features whose handlers it calls, which registered their cleanups earlier). Starting it again on
 * the same runtime returns the running worker.
 */
export function startJobWorker(runtime: Runtime): OutboxWorker {
  const running = workers.get(runtime);
  if (running) return running;
  const worker = new OutboxWorker({ db: runtime.deps.db, topics: runtime.topics, pollMs: runtime.config.wallet.outboxPollMs });
  workers.set(runtime, worker);
  worker.start();
  // The periodic sweeps run beside it, once per process like the worker.
  startEventPruning(runtime);
  // Events are announced after commit, when their outbox rows are visible.
  const unsubscribe = runtime.deps.logged.subscribe((logged) => {
    if (logged.jobsQueued) worker.wake();
  });
  runtime.onClose(async () => {
    unsubscribe();
    await worker.stop();
  });
  return worker;
}
