import type { Tx } from '../../db/client.ts';
import type { Prisma } from '../../generated/sqlite/client.ts';
import type { LoggedEvent } from './event-log.ts';

/** Background work to do once a transaction commits: a row of the outbox, handled by a job topic. */
export interface OutboxJob {
  topic: string;
  payload: Prisma.InputJsonValue;
}

/** What the write knew that the event row does not keep; reactions may use it to save a query. */
export interface EventFacts {
  /** The customer card as the transaction left it, for events about one. */
  customerCard?: { id: number; passInstalled: boolean; googleIssuedAt: Date | null };
  /** False when the write asked not to alert devices (`skip_notifications`). */
  notify: boolean;
}

/** An event just appended, with what the write knew about it. */
export interface AppendedEvent {
  event: LoggedEvent;
  facts: EventFacts;
}

/**
 * Something that follows from events, decided inside their transaction: the outbox rows it returns
 * are written in that same transaction, so the work is done at least once or the events never
 * happened. It is given all the events of one append (one store's, in sequence order) at once, so
 * what it reads it reads once for all of them, not once per event.
 */
export type Reaction = (tx: Tx, appended: readonly AppendedEvent[]) => OutboxJob[] | Promise<OutboxJob[]>;

/** The reactions of one gateway, registered at start (wallet pass updates, webhook deliveries). */
export class Reactions {
  readonly #reactions = new Set<Reaction>();

  /** Adds a reaction to every event appended from now on; returns its removal. */
  register(reaction: Reaction): () => void {
    this.#reactions.add(reaction);
    return () => this.#reactions.delete(reaction);
  }

  /** The outbox rows of every reaction, in the order they were registered, each reaction's in event order. */
  async jobsFor(tx: Tx, appended: readonly AppendedEvent[]): Promise<OutboxJob[]> {
    const jobs: OutboxJob[] = [];
    for (const reaction of this.#reactions) jobs.push(...(await reaction(tx, appended)));
    return jobs;
  }
}
