import type { OutboxHandler } from './outbox-worker.ts';

/**
 * The job topics of one gateway: a name and the handler that does its work. Features register theirs
 * when they start (the wallet its pass updates and pushes, webhooks their deliveries); the process's
 * one worker handles every registered topic and leaves other topics' messages alone.
 */
export interface TopicOptions {
  /**
   * How long a claimed message stays hidden from other workers, when the topic's work is known to
   * finish sooner than the worker's default lease: a message left behind by a process that died
   * mid-job is then taken over sooner.
   */
  leaseMs?: number;
}

export class JobTopics {
  readonly #handlers = new Map<string, OutboxHandler>();
  readonly #leases = new Map<string, number>();

  /** A registry holding exactly these topics (tests, tools). */
  static of(handlers: Record<string, OutboxHandler>): JobTopics {
    const topics = new JobTopics();
    for (const [name, handler] of Object.entries(handlers)) topics.register(name, handler);
    return topics;
  }

  register(name: string, handler: OutboxHandler, options: TopicOptions = {}): void {
    if (this.#handlers.has(name)) throw new Error(`job topic ${name} is registered twice`);
    this.#handlers.set(name, handler);
    if (options.leaseMs !== undefined) this.#leases.set(name, options.leaseMs);
  }

  /** The topic's own lease, if it registered one. */
  leaseMs(name: string): number | undefined {
    return this.#leases.get(name);
  }

  handler(name: string): OutboxHandler | undefined {
    return this.#handlers.get(name);
  }

  names(): string[] {
    return [...this.#handlers.keys()];
  }
}
