import { createPubSub } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import type { StampsChangedEvent } from '../src/domain/events.ts';
import type { LivePubSub, Topics } from '../src/live/pubsub.ts';
import { createStampFeed, FeedClosedError } from '../src/live/stamp-feed.ts';

/** The in-memory pub/sub the gateway uses without REDIS_URL, without a runtime around it. */
function memoryPubSub(): LivePubSub {
  return { pubsub: createPubSub<Topics>(), transport: 'memory', listening: async () => {}, onRevocation: () => () => {}, ping: async () => {}, close: async () => {} };
}

let ledgerEntryId = 0;
function event(storeId: number, customerCardId: number, cardId = 1): StampsChangedEvent {
  return {
    type: 'stamps.changed',
    eventId: `evt_${ledgerEntryId + 1}`,
    storeId,
    sequence: ledgerEntryId + 1,
    cardId,
    customerId: 1,
    customerCardId,
    ledgerEntryId: ++ledgerEntryId,
    kind: 'STAMP',
    delta: 1,
    balanceAfter: 1,
    occurredAt: new Date().toISOString(),
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('stamp feed', () => {
  it("holds one pub/sub subscription per store and gives each stream only its store's matching events", async () => {
    const live = memoryPubSub();
    const feed = createStampFeed(live);
    const byCard = await feed.subscribe(1, { cardId: 7 });
    const byCustomerCard = await feed.subscribe(1, { customerCardId: 11 });
    const otherStore = await feed.subscribe(2, { customerCardId: 11 });
    expect(feed.stats()).toEqual({ stores: 2, subscribers: 3 });

    live.pubsub.publish('stamps', 1, event(1, 10, 7));
    live.pubsub.publish('stamps', 1, event(1, 11, 8));
    live.pubsub.publish('stamps', 2, event(2, 11, 8));
    expect((await byCard.next()).value).toMatchObject({ customerCardId: 10 });
    expect((await byCustomerCard.next()).value).toMatchObject({ storeId: 1, customerCardId: 11 });
    expect((await otherStore.next()).value).toMatchObject({ storeId: 2, customerCardId: 11 });

    await byCard.return?.();
    expect(feed.stats()).toEqual({ stores: 2, subscribers: 2 });
    await byCustomerCard.return?.();
    await otherStore.return?.();
    expect(feed.stats()).toEqual({ stores: 0, subscribers: 0 });
  });

  it('delivers every event, in order, to thousands of subscribers of one card', async () => {
    const live = memoryPubSub();
    const feed = createStampFeed(live);
    const streams = await Promise.all(Array.from({ length: 3000 }, () => feed.subscribe(1, { cardId: 1 })));
    const events = [event(1, 1), event(1, 2), event(1, 3)];
    for (const published of events) live.pubsub.publish('stamps', 1, published);
    for (const stream of streams) {
      for (const published of events) expect((await stream.next()).value).toBe(published);
    }
    feed.close();
    expect(feed.stats()).toEqual({ stores: 0, subscribers: 0 });
  });

  it('ends a stream whose reader falls too far behind, after what it had queued', async () => {
    const live = memoryPubSub();
    const feed = createStampFeed(live, { maxQueued: 3 });
    const slow = await feed.subscribe(1, { customerCardId: 1 });
    for (let i = 0; i < 5; i++) live.pubsub.publish('stamps', 1, event(1, 1));
    await tick();
    expect(feed.stats().subscribers).toBe(0);
    for (let i = 0; i < 3; i++) expect((await slow.next()).done).toBe(false);
    await expect(slow.next()).rejects.toBeInstanceOf(FeedClosedError);
    expect((await slow.next()).done).toBe(true);
  });

  it('releases a stream when its signal aborts, even before anyone reads it', async () => {
    const feed = createStampFeed(memoryPubSub());
    const abort = new AbortController();
    const stream = await feed.subscribe(1, { cardId: 1 }, abort.signal);
    const pending = stream.next();
    abort.abort();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(feed.stats()).toEqual({ stores: 0, subscribers: 0 });
    const aborted = await feed.subscribe(1, { cardId: 1 }, abort.signal);
    expect((await aborted.next()).done).toBe(true);
    expect(feed.stats()).toEqual({ stores: 0, subscribers: 0 });
  });

  it('ends every stream on close and refuses new ones', async () => {
    const feed = createStampFeed(memoryPubSub());
    const stream = await feed.subscribe(1, { cardId: 1 });
    const pending = stream.next();
    feed.close();
    expect((await pending).done).toBe(true);
    await expect(feed.subscribe(1, { cardId: 1 })).rejects.toBeInstanceOf(FeedClosedError);
  });
});
