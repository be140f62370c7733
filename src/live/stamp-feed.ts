import type { StampsChangedEvent } from '../domain/events.ts';
import type { LivePubSub } from './pubsub.ts';
import { log } from '../observability/log.ts';

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
   */
  subscribe(storeId: number, filter: StampFilter, signal?: AbortSignal): Promise<AsyncIterableIterator<StampsChangedEvent>>;
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
  source: AsyncIterator<StampsChangedEvent>;
  listening: Promise<void>;
}

const DEFAULT_MAX_QUEUED = 1000;
const FAN_OUT_BATCH = 256;

/**
 * Fans the pub/sub's per-store topic out to subscribers. Each store with subscribers holds exactly
 * one pub/sub subscription (one Redis channel), however many streams it feeds, and drops it when its
 * last stream ends; so a thousand subscribe/unsubscribe cycles leave nothing behind.
 */
export function createStampFeed(live: Pick<LivePubSub, 'pubsub' | 'listening'>, options: { maxQueued?: number } = {}): StampFeed {
  const maxQueued = options.maxQueued ?? DEFAULT_MAX_QUEUED;
  const channels = new Map<number, StoreChannel>();
  let subscriberCount = 0;
  let closed = false;

  function open(storeId: number): StoreChannel {
    const source = live.pubsub.subscribe('stamps', storeId)[Symbol.asyncIterator]();
    const channel: StoreChannel = { subscribers: new Set(), source, listening: Promise.resolve() };
    channels.set(storeId, channel);
    // Events wait here while earlier ones go out, so the pub/sub is always read at once.
    const pending: StampsChangedEvent[] = [];
    let delivering = false;
    const deliver = async () => {
      delivering = true;
      for (let event = pending.shift(); event; event = pending.shift()) {
        let offered = 0;
        for (const subscriber of [...channel.subscribers]) {
          subscriber.offer(event);
          // Thousands of watchers of one card would hold the event loop for the whole fan-out;
          // yielding now and then lets the write that caused the event (and everyone else) answer.
          if (++offered % FAN_OUT_BATCH === 0) await new Promise((resolve) => setImmediate(resolve));
        }
      }
      delivering = false;
    };
    // The first next() makes the pub/sub register its listener (and send Redis its SUBSCRIBE).
    const read = async () => {
      for (;;) {
        const { done, value } = await source.next();
        if (done) return;
        if (value.storeId !== storeId) continue;
        pending.push(value);
        if (!delivering) void deliver();
      }
    };
    read().catch((error: unknown) => {
      log.error({ err: error }, 'stamp feed stopped');
      for (const subscriber of channel.subscribers) subscriber.end(error instanceof Error ? error : new Error(String(error)));
    });
    channel.listening = live.listening(storeId);
    return channel;
  }

  function leave(storeId: number, subscriber: Subscriber): void {
    const channel = channels.get(storeId);
    if (!channel?.subscribers.delete(subscriber)) return;
    subscriberCount--;
    if (channel.subscribers.size > 0) return;
    channels.delete(storeId);
    void channel.source.return?.();
  }

  return {
    async subscribe(storeId, filter, signal) {
      if (closed) throw new FeedClosedError('The server is shutting down; subscribe again');
      const queue: StampsChangedEvent[] = [];
      let waiting: ((result: IteratorResult<StampsChangedEvent>) => void) | undefined;
      let failWaiting: ((error: Error) => void) | undefined;
      let finished = false;
      let failure: Error | undefined;

      const subscriber: Subscriber = {
        offer(event) {
          if (finished) return;
          if (filter.customerCardId !== undefined && event.customerCardId !== filter.customerCardId) return;
          if (filter.cardId !== undefined && event.cardId !== filter.cardId) return;
          if (waiting) {
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
      await channel.listening;

      const stream: AsyncIterableIterator<StampsChangedEvent> = {
        [Symbol.asyncIterator]: () => stream,
        next() {
          const event = queue.shift();
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
