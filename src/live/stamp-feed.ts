import type { StampsChangedEvent } from '../domain/events.ts';
import type { Db } from '../db/client.ts';
import { EventsPrunedError, lastSequenceOf, readLoggedSequences } from '../domain/ledger/event-replay.ts';
import type { LivePubSub } from './pubsub.ts';
import { log } from '../observability/log.ts';
import type { PushStream } from './push-stream.ts';

/** Which of a store's stamp events a subscriber wants; every field given must match. */
export interface StampFilter {
  customerCardId?: number;
  cardId?: number;
}

/** Counts for tests, the benchmark and operators: what the feed holds right now. */
export interface StampFeedStats {
  /** Stores with at least one subscriber, i.e. pub/sub (and Redis) subscriptions held. */
  stores: number;
  subscribers: number;
}

export interface StampFeed {
  /**
   * A live stream of the store's committed stamp events that match `filter`. Resolves once the
   * stream receives events (through Redis: once the channel is subscribed). `return()` releases it,
   * and so does `signal` aborting (a client that leaves before its stream is read would not call it).
   * A paused push stream (push-stream.ts) falls behind like a reader that does not read.
   */
  subscribe(storeId: number, filter: StampFilter, signal?: AbortSignal): Promise<PushStream<StampsChangedEvent>>;
  stats(): StampFeedStats;
  /** Ends every stream (as if complete) and refuses new ones; for shutdown. */
  close(): void;
}

/** Thrown into a stream whose reader fell `maxQueued` events behind, and by `subscribe` after `close`. */
export class FeedClosedError extends Error {}

interface Subscriber {
  offer(event: StampsChangedEvent): void;
  end(error?: Error): void;
}

interface StoreChannel {
  subscribers: Set<Subscriber>;
  /** Resolves once the channel receives the store's events and knows where its order starts. */
  ready: Promise<void>;
  stop(): void;
}

const DEFAULT_MAX_QUEUED = 1000;
const FAN_OUT_BATCH = 256;
/**
 * How long a number may be missing while later ones wait before the log is asked for it. Long enough
 * for a publish racing another (two gateways, two connections) to arrive; short enough not to be seen.
 */
export const GAP_WAIT_MS = 40;
/** Numbers read from the log per query when filling a hole (a Redis outage can leave a long one). */
const FILL_PAGE = 500;

/**
 * Fans the pub/sub's per-store topic out to subscribers. Each store with subscribers holds exactly
 * one pub/sub subscription (one Redis channel), however many streams it feeds, and drops it when its
 * last stream ends; so a thousand subscribe/unsubscribe cycles leave nothing behind.
 *
 * Events go out in the order of the store's event log, each once. Publishing is not ordered (two
 * gateways, or two connections of one, publish after their own commits), so the channel keeps the next
 * number it expects (the store's last number when it opens, read once) and holds what comes early. Every
 * logged number is announced on the topic, balance events with their payload and the others as
 * `sequences.passed`, so a hole is noticed at once; one still open after `GAP_WAIT_MS` is read from the
 * log, once for the channel whatever its number of streams. Numbers are taken in commit order, so when
 * a later one has been published every earlier one is committed: a hole the log cannot fill was
 * pruned, and ends every stream of the store with `EventsPrunedError` rather than skip it.
 */
export function createStampFeed(live: Pick<LivePubSub, 'pubsub' | 'listening'>, db: Db, options: { maxQueued?: number } = {}): StampFeed {
  const maxQueued = options.maxQueued ?? DEFAULT_MAX_QUEUED;
  const channels = new Map<number, StoreChannel>();
  let subscriberCount = 0;
  let closed = false;

  function open(storeId: number): StoreChannel {
    const source = live.pubsub.subscribe('stamps', storeId)[Symbol.asyncIterator]();
    let stopped = false;
    let gapTimer: NodeJS.Timeout | undefined;
    const channel: StoreChannel = {
      subscribers: new Set(),
      ready: Promise.resolve(),
      stop() {
        if (stopped) return;
        stopped = true;
        clearTimeout(gapTimer);
        void source.return?.();
      },
    };
    channels.set(storeId, channel);
    const fail = (error: unknown) => {
      channel.stop();
      for (const subscriber of [...channel.subscribers]) subscriber.end(error instanceof Error ? error : new Error(String(error)));
      if (channels.get(storeId) === channel) channels.delete(storeId);
    };

    // Events wait here while earlier ones go out, so the pub/sub is always read at once.
    const pending: StampsChangedEvent[] = [];
    let delivering = false;
    const deliver = async () => {
      delivering = true;
      for (let event = pending.shift(); event; event = pending.shift()) {
        let offered = 0;
        for (const subscriber of [...channel.subscribers]) {
          try {
            subscriber.offer(event);
          } catch (error) {
            // What a pushed stream does with the event failed: that stream ends, the others still get it.
            subscriber.end(error instanceof Error ? error : new Error(String(error)));
          }
          // Thousands of watchers of one card would hold the event loop for the whole fan-out;
          // yielding now and then lets the write that caused the event (and everyone else) answer.
          if (++offered % FAN_OUT_BATCH === 0) await new Promise((resolve) => setImmediate(resolve));
        }
      }
      delivering = false;
    };

    // The next number to send (unknown until the store's last one is read) and what came before it.
    let next: number | undefined;
    const early = new Map<number, StampsChangedEvent | null>();
    let filling = false;
    const arrive = (sequence: number, event: StampsChangedEvent | null) => {
      if ((next !== undefined && sequence < next) || early.has(sequence)) return;
      early.set(sequence, event);
    };
    const advance = () => {
      if (next === undefined || stopped) return;
      for (let held = early.get(next); held !== undefined; held = early.get(next)) {
        early.delete(next++);
        if (held) pending.push(held);
      }
      if (pending.length > 0 && !delivering) void deliver();
      if (early.size > 0 && !gapTimer && !filling) gapTimer = setTimeout(fill, GAP_WAIT_MS).unref();
    };
    // One query (a page) at a time, for every stream of the store.
    const fill = async () => {
      gapTimer = undefined;
      if (stopped || next === undefined || early.size === 0) return;
      filling = true;
      try {
        const upTo = Math.max(...early.keys());
        while (next <= upTo && !stopped) {
          const from: number = next;
          const logged = await readLoggedSequences(db, storeId, from - 1, upTo, FILL_PAGE);
          for (const entry of logged) arrive(entry.sequence, entry.event);
          advance();
          if (next === from) {
            throw new EventsPrunedError(`Event ${from} of this store is no longer kept, so this stream cannot go on without a gap; reload the current state and subscribe again`);
          }
        }
      } catch (error) {
        fail(error);
      } finally {
        filling = false;
      }
      advance();
    };

    // The first next() makes the pub/sub register its listener (and send Redis its SUBSCRIBE).
    const read = async () => {
      for (;;) {
        const { done, value } = await source.next();
        if (done) return;
        if (value.storeId !== storeId) continue;
        if (value.type === 'sequences.passed') {
          if (!Array.isArray(value.sequences)) continue;
          for (const sequence of value.sequences) arrive(sequence, null);
        } else {
          arrive(value.sequence, value);
        }
        advance();
      }
    };
    read().catch((error: unknown) => {
      log.error({ err: error }, 'stamp feed stopped');
      fail(error);
    });
    // Subscribed first, then the last number read: whatever is committed after it is published after.
    channel.ready = live.listening(storeId).then(async () => {
      const last = await lastSequenceOf(db, storeId);
      next = last + 1;
      for (const sequence of early.keys()) if (sequence <= last) early.delete(sequence);
      advance();
    });
    channel.ready.catch(fail);
    return channel;
  }

  function leave(storeId: number, subscriber: Subscriber): void {
    const channel = channels.get(storeId);
    if (!channel?.subscribers.delete(subscriber)) return;
    subscriberCount--;
    if (channel.subscribers.size > 0) return;
    channels.delete(storeId);
    channel.stop();
  }

  return {
    async subscribe(storeId, filter, signal) {
      if (closed) throw new FeedClosedError('The server is shutting down; subscribe again');
      const queue: StampsChangedEvent[] = [];
      let waiting: ((result: IteratorResult<StampsChangedEvent>) => void) | undefined;
      let failWaiting: ((error: Error) => void) | undefined;
      let finished = false;
      let failure: Error | undefined;
      // Set by `push`: events go there instead of to next() while not paused.
      let onEvent: ((event: StampsChangedEvent) => void) | undefined;
      let paused = false;

      const subscriber: Subscriber = {
        offer(event) {
          if (finished) return;
          if (filter.customerCardId !== undefined && event.customerCardId !== filter.customerCardId) return;
          if (filter.cardId !== undefined && event.cardId !== filter.cardId) return;
          if (onEvent && !paused && queue.length === 0) {
            onEvent(event);
          } else if (waiting && !onEvent) {
            const resolve = waiting;
            waiting = failWaiting = undefined;
            resolve({ done: false, value: event });
          } else if (queue.length >= maxQueued) {
            subscriber.end(new FeedClosedError(`The subscriber fell ${maxQueued} events behind; subscribe again`));
          } else {
            queue.push(event);
          }
        },
        end(error) {
          if (finished) return;
          finished = true;
          leave(storeId, subscriber);
          if (waiting) {
            const [resolve, reject] = [waiting, failWaiting];
            waiting = failWaiting = undefined;
            if (error) reject?.(error);
            else resolve({ done: true, value: undefined });
          } else {
            failure = error;
          }
        },
      };

      let channel = channels.get(storeId);
      if (!channel) channel = open(storeId);
      channel.subscribers.add(subscriber);
      subscriberCount++;
      if (signal) {
        if (signal.aborted) subscriber.end();
        else signal.addEventListener('abort', () => subscriber.end(), { once: true });
      }
      try {
        await channel.ready;
      } catch (error) {
        subscriber.end();
        throw error;
      }

      const stream: PushStream<StampsChangedEvent> = {
        [Symbol.asyncIterator]: () => stream,
        next() {
          const event = onEvent ? undefined : queue.shift();
          if (event) return Promise.resolve({ done: false, value: event });
          if (failure) {
            const error = failure;
            failure = undefined;
            return Promise.reject(error);
          }
          if (finished) return Promise.resolve({ done: true, value: undefined });
          return new Promise((resolve, reject) => {
            waiting = resolve;
            failWaiting = reject;
          });
        },
        return() {
          queue.length = 0;
          failure = undefined;
          subscriber.end();
          return Promise.resolve({ done: true, value: undefined });
        },
        throw(error?: unknown) {
          queue.length = 0;
          subscriber.end();
          return Promise.reject(error);
        },
        push(take) {
          onEvent = take;
          if (!paused) stream.resume();
        },
        pause() {
          paused = true;
        },
        resume() {
          paused = false;
          if (!onEvent) return;
          for (let event = queue.shift(); event && !finished; event = paused ? undefined : queue.shift()) onEvent(event);
        },
      };
      return stream;
    },

    stats: () => ({ stores: channels.size, subscribers: subscriberCount }),

    close() {
      closed = true;
      for (const channel of [...channels.values()]) {
        for (const subscriber of [...channel.subscribers]) subscriber.end();
      }
    },
  };
}
