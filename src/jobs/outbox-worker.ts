import type { Db } from '../db/client.ts';
import type { OutboxJob } from '../domain/ledger/reactions.ts';
import type { JobTopics } from './topics.ts';
import { log } from '../observability/log.ts';

/**
 * Works through the `outbox_messages` table: work written in the same transaction as a change (by a
 * reaction to an event, or by a handler as a follow-up), done after it commits. A message is claimed by bumping its attempt count and pushing its next
 * attempt a lease into the future, so several gateway processes can share the table and a process
 * that dies mid-message leaves it to be retried when the lease runs out. Failures retry with
 * exponential backoff; a message is marked done only once its handler has finished.
 */

export type { OutboxJob };

export interface OutboxOutcome {
  /** Follow-up messages, written in the same transaction that marks this one done. */
  enqueue?: OutboxJob[];
  /** Why a message was finished without doing its work (a permanent rejection); kept as `lastError`. */
  note?: string;
}

export type OutboxHandler = (payload: unknown, message: { id: number; attempts: number }) => Promise<OutboxOutcome | void>;

/** Thrown by a handler to retry, optionally not before a server-given delay (HTTP 429 Retry-After). */
export class RetryLater extends Error {
  readonly afterMs: number | undefined;

  constructor(message: string, afterMs?: number) {
    super(message);
    this.name = 'RetryLater';
    this.afterMs = afterMs;
  }
}

export interface OutboxWorkerOptions {
  db: Db;
  /** The topics to handle; read at every poll, so topics registered after the start are handled too. */
  topics: JobTopics;
  pollMs: number;
  /** How long a claimed message is hidden from other workers, unless its topic registered a lease of its own. */
  leaseMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  batchSize?: number;
  /** How long `stop()` keeps working through due messages before it leaves the rest for the next start. */
  drainMs?: number;
  log?: (level: 'warn' | 'error', message: string) => void;
}

export class OutboxWorker {
  readonly #db: Db;
  readonly #topics: JobTopics;
  readonly #pollMs: number;
  readonly #leaseMs: number;
  readonly #backoffBaseMs: number;
  readonly #backoffMaxMs: number;
  readonly #batchSize: number;
  readonly #drainMs: number;
  readonly #log: NonNullable<OutboxWorkerOptions['log']>;
  #loop: Promise<void> | undefined;
  #stopping = false;
  #stopDeadline = Infinity;
  #woken = false;
  #wakeSleeper: (() => void) | undefined;

  constructor(options: OutboxWorkerOptions) {
    this.#db = options.db;
    this.#topics = options.topics;
    this.#pollMs = options.pollMs;
    this.#leaseMs = options.leaseMs ?? 60_000;
    this.#backoffBaseMs = options.backoffBaseMs ?? 1000;
    this.#backoffMaxMs = options.backoffMaxMs ?? 3_600_000;
    this.#batchSize = options.batchSize ?? 20;
    this.#drainMs = options.drainMs ?? 10_000;
    this.#log = options.log ?? ((level, message) => log[level](`outbox: ${message}`));
  }

  start(): void {
    if (this.#loop || this.#stopping) return;
    this.#loop = this.#run();
  }

  /** Looks for work now instead of at the next poll (called when a write that queued work commits). */
  wake(): void {
    this.#woken = true;
    this.#wakeSleeper?.();
  }

  /** Finishes the messages that are due (within the drain time), then stops. */
  async stop(): Promise<void> {
    if (!this.#stopping) {
      this.#stopping = true;
      this.#stopDeadline = Date.now() + this.#drainMs;
      this.#wakeSleeper?.();
    }
    await this.#loop;
  }

  /** Processes every message due now, including follow-ups they create; returns how many were handled. */
  async runOnce(): Promise<number> {
    let handled = 0;
    for (;;) {
      if (this.#stopping && Date.now() > this.#stopDeadline) break;
      const topics = this.#topics.names();
      if (topics.length === 0) break;
      const due = await this.#db.outboxMessage.findMany({
        where: { doneAt: null, nextAttemptAt: { lte: new Date() }, topic: { in: topics } },
        orderBy: { id: 'asc' },
        take: this.#batchSize,
        select: { id: true, topic: true, payload: true, attempts: true },
      });
      if (due.length === 0) break;
      const results = await Promise.all(due.map((message) => this.#process(message)));
      const processed = results.filter(Boolean).length;
      handled += processed;
      // Every due message was claimed elsewhere meanwhile; the next poll will see what is left.
      if (processed === 0) break;
    }
    return handled;
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      this.#woken = false;
      try {
        await this.runOnce();
      } catch (error) {
        this.#log('error', `polling failed: ${describe(error)}`);
      }
      if (this.#stopping) break;
      if (!this.#woken) await this.#sleep(this.#pollMs);
    }
    // Work that arrived while stopping is finished before the database closes.
    try {
      await this.runOnce();
    } catch (error) {
      this.#log('error', `draining failed: ${describe(error)}`);
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wakeSleeper = () => {
        this.#wakeSleeper = undefined;
        done();
      };
    });
  }

  /** Claims and handles one message; false when another worker got it first. */
  async #process(message: { id: number; topic: string; payload: unknown; attempts: number }): Promise<boolean> {
    const attempts = message.attempts + 1;
    const claimed = await this.#db.outboxMessage.updateMany({
      where: { id: message.id, attempts: message.attempts, doneAt: null },
      data: { attempts, nextAttemptAt: new Date(Date.now() + (this.#topics.leaseMs(message.topic) ?? this.#leaseMs)) },
    });
    if (claimed.count === 0) return false;
    const handler = this.#topics.handler(message.topic)!;
    let outcome: OutboxOutcome | void;
    try {
      outcome = await handler(message.payload, { id: message.id, attempts });
    } catch (error) {
      const delay = this.backoff(attempts, error instanceof RetryLater ? error.afterMs : undefined);
      this.#log('warn', `${message.topic} #${message.id} failed (attempt ${attempts}, retry in ${Math.round(delay / 1000)} s): ${describe(error)}`);
      await this.#db.outboxMessage.updateMany({
        where: { id: message.id, attempts },
        data: { nextAttemptAt: new Date(Date.now() + delay), lastError: describe(error).slice(0, 1000) },
      });
      return true;
    }
    await this.#db.$transaction(async (tx) => {
      const done = await tx.outboxMessage.updateMany({
        where: { id: message.id, attempts },
        data: { doneAt: new Date(), lastError: outcome?.note?.slice(0, 1000) ?? null },
      });
      // The lease ran out and another worker took the message over; it will write the follow-ups.
      if (done.count === 0) return;
      if (outcome?.enqueue?.length) {
        await tx.outboxMessage.createMany({ data: outcome.enqueue.map((job) => ({ topic: job.topic, payload: job.payload })) });
      }
    });
    if (outcome?.enqueue?.length) this.wake();
    return true;
  }

  /** Exponential with ±20% jitter, so a burst of failures does not retry in lockstep. */
  backoff(attempts: number, atLeastMs = 0): number {
    const exponential = Math.min(this.#backoffMaxMs, this.#backoffBaseMs * 2 ** Math.min(30, attempts - 1));
    const jittered = exponential * (0.8 + Math.random() * 0.4);
    return Math.max(atLeastMs, Math.round(jittered));
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
