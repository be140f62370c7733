import type { Deps } from '../domain/context.ts';
import type { StampsChangedEvent } from '../domain/events.ts';
import { createLoaders, type Loaders } from './loaders.ts';

/**
 * A page of events that a resuming stream replays (see live/resume.ts), read from the log together.
 *
 * Each event of a subscription is executed on its own, one after the other, so whatever its
 * selection reads (the event's ledger entry, its customer card, the card's rewards) would cost a
 * statement per event, one round trip each: a resume over 500 events, 500 or more. Instead the first
 * event of a page that needs a kind of record reads it for every event of the page in one statement,
 * and the rest of the page is served from that read; the per-request loaders (rewards, counts) the
 * page's events use are shared by the page and read all its cards and customers at their first use.
 * Live events are not affected: each is executed once when it happens (and shared by its subscribers,
 * see shared-results.ts).
 *
 * So a replayed event shows its customer card as it was when its page started being delivered, not
 * when the event itself was; a page goes out in one go unless the client reads slowly, and what the
 * event changed is in its ledger entry either way.
 */
export class ReplayPage {
  /** The loaders every event of the page executes with. */
  readonly loaders: Loaders;
  private readonly events: readonly StampsChangedEvent[];
  private readonly reads = new Map<string, Promise<Map<number, unknown>>>();

  constructor(events: readonly StampsChangedEvent[], deps: Deps) {
    this.events = events;
    this.loaders = createLoaders(deps, {
      cardIds: distinct(events.map((event) => event.cardId)),
      customerIds: distinct(events.map((event) => event.customerId)),
    });
  }

  /**
   * The record `idOf(event)` names, as `readAll` reads the records the page's events name (one
   * statement for the page per model and selection, `query`). Undefined when that read did not find
   * it: the caller reads it alone, which fails as it would have.
   */
  async record<T extends { id: number }>(
    model: string,
    query: object,
    event: StampsChangedEvent,
    idOf: (event: StampsChangedEvent) => number,
    readAll: (ids: number[]) => Promise<T[]>,
  ): Promise<T | undefined> {
    const key = `${model}\n${JSON.stringify(query)}`;
    let read = this.reads.get(key);
    if (!read) {
      read = readAll(distinct(this.events.map(idOf))).then((rows) => new Map(rows.map((row) => [row.id, row])));
      // A failed read fails this event; the next ones try again.
      const started = read;
      started.catch(() => this.reads.get(key) === started && this.reads.delete(key));
      this.reads.set(key, started);
    }
    return (await read).get(idOf(event)) as T | undefined;
  }
}

const pages = new WeakMap<object, ReplayPage>();

/** Marks `events` as one replayed page, read together by what their executions need. */
export function markReplayPage(events: readonly StampsChangedEvent[], deps: Deps): void {
  if (events.length === 0) return;
  const page = new ReplayPage(events, deps);
  for (const event of events) pages.set(event, page);
}

/** The replayed page `event` belongs to; undefined for a live event. */
export function replayPageOf(event: unknown): ReplayPage | undefined {
  return typeof event === 'object' && event !== null ? pages.get(event) : undefined;
}

function distinct(ids: number[]): number[] {
  return [...new Set(ids)];
}
