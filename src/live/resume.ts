import type { Db } from '../db/client.ts';
import type { StampsChangedEvent } from '../domain/events.ts';
import { EventsPrunedError, eventsPrunedAfter, readStampEvents } from '../domain/ledger/event-replay.ts';
import type { PushStream } from './push-stream.ts';
import type { StampFeed, StampFilter } from './stamp-feed.ts';

const REPLAY_PAGE = 500;

/**
 * A live stream that starts after `afterSequence`: every matching event the log holds after it, in
 * order, then the live ones, with no gap and no duplicate at the seam.
 *
 * The live subscription is taken first, so it buffers whatever is published while the log is read;
 * then the log is read (in pages). An event committed before a page's read is in that page (sequence
 * numbers are taken in commit order, so a read that sees number n sees every number below it); one
 * committed after it is published after commit, hence into the buffer. The buffer is then drained,
 * skipping what the replay already gave (sequence at or below the last replayed one).
 *
 * Refuses with `EventsPrunedError` when the log no longer holds everything after the position, and
 * ends with it when retention overtakes a long replay (checked after every page). A replay longer than
 * the feed's buffer (1,000 live events while reading) ends the stream like any slow reader; the client
 * resumes again from its last cursor.
 */
export async function resumeStampFeed(
  feed: StampFeed,
  db: Db,
  storeId: number,
  filter: StampFilter,
  afterSequence: number,
  options: ResumeOptions = {},
): Promise<PushStream<StampsChangedEvent>> {
  const { signal, onPage, pageSize = REPLAY_PAGE } = options;
  const live = await feed.subscribe(storeId, filter, signal);
  // Pruning removes the oldest numbers first, so a page read while the log still held the number after
  // `after` is complete; asking after the read covers everything the read saw.
  const readPage = async (after: number) => {
    const page = await readStampEvents(db, storeId, filter, { afterSequence: after, limit: pageSize });
    if (await eventsPrunedAfter(db, storeId, after)) throw new EventsPrunedError();
    onPage?.(page);
    return page;
  };
  let first: StampsChangedEvent[];
  try {
    first = await readPage(afterSequence);
  } catch (error) {
    await live.return?.();
    throw error;
  }
  return merged(live, first, readPage, afterSequence, pageSize);
}

export interface ResumeOptions {
  /** Releases the stream when it aborts (see `StampFeed.subscribe`). */
  signal?: AbortSignal;
  /**
   * Sees each page of replayed events as it is read, before any of them is delivered: what delivers
   * them can then load what they need for the whole page at once (see replay-pages.ts).
   */
  onPage?: (events: readonly StampsChangedEvent[]) => void;
  /** Events per read of the log; 500 unless a test needs many pages. */
  pageSize?: number;
}

/**
 * `replayed` and the pages after it, then `live` without what they already gave. Pushed, the replay
 * is pushed page by page (waiting while paused), then `live` is pushed through the same seam.
 */
function merged(
  live: PushStream<StampsChangedEvent>,
  firstPage: StampsChangedEvent[],
  nextPage: (afterSequence: number) => Promise<StampsChangedEvent[]>,
  afterSequence: number,
  pageSize: number,
): PushStream<StampsChangedEvent> {
  let page = firstPage;
  let index = 0;
  let replaying = true;
  let last = afterSequence;
  let ended = false;
  // Push mode: whether it is on, whether events are held back, and how a failed replay reaches next().
  let pushed = false;
  let paused = false;
  let wake: (() => void) | undefined;
  let failure: { error: unknown } | undefined;
  // Until `live` is pushed, a read of it would take a live event as a value (and end the push):
  // a pushed read waits for the seam, or for the replay to fail or the stream to be returned.
  let reachSeam!: () => void;
  const seam = new Promise<void>((resolve) => (reachSeam = resolve));
  const pushReplay = async (take: (event: StampsChangedEvent) => void) => {
    try {
      while (replaying && !ended) {
        const event = page[index++];
        if (event) {
          last = event.sequence;
          take(event);
          if (paused) await new Promise<void>((resolve) => (wake = resolve));
          continue;
        }
        if (page.length < pageSize) {
          replaying = false;
          break;
        }
        page = await nextPage(last);
        index = 0;
      }
    } catch (error) {
      ended = true;
      void live.return?.();
      failure = { error };
      reachSeam();
      return;
    }
    if (ended) return reachSeam();
    if (paused) live.pause();
    // Resolved before the push below, so a waiting read reads `live` only once it is pushed.
    reachSeam();
    // The seam: live events the replay already delivered.
    live.push((event) => {
      if (event.sequence > last) take(event);
    });
  };
  const stream: PushStream<StampsChangedEvent> = {
    [Symbol.asyncIterator]: () => stream,
    push(take) {
      pushed = true;
      void pushReplay(take);
    },
    pause() {
      paused = true;
      if (!replaying) live.pause();
    },
    resume() {
      paused = false;
      wake?.();
      wake = undefined;
      if (!replaying) live.resume();
    },
    async next() {
      if (pushed) {
        // Pushed: a read only learns the end, or a failure of the replay or of the live stream.
        await seam;
        if (failure) throw failure.error;
        return live.next();
      }
      if (ended) return { done: true, value: undefined };
      while (replaying) {
        const event = page[index++];
        if (event) {
          last = event.sequence;
          return { done: false, value: event };
        }
        if (page.length < pageSize) {
          replaying = false;
          break;
        }
        try {
          page = await nextPage(last);
        } catch (error) {
          ended = true;
          await live.return?.();
          throw error;
        }
        index = 0;
        if (ended) return { done: true, value: undefined };
      }
      for (;;) {
        const step = await live.next();
        if (step.done) return step;
        // The seam: live events the replay already delivered.
        if (step.value.sequence <= last) continue;
        return step;
      }
    },
    async return() {
      ended = true;
      wake?.();
      reachSeam();
      await live.return?.();
      return { done: true, value: undefined };
    },
    async throw(error?: unknown) {
      ended = true;
      await live.return?.();
      throw error;
    },
  };
  return stream;
}
