import { type ExecutionResult, GraphQLError } from 'graphql';
import { createPubSub } from 'graphql-yoga';
import { beforeEach, describe, expect, it } from 'vitest';
import { addStamps } from '../src/domain/customer-cards/customer-card.service.ts';
import type { StampsChangedEvent } from '../src/domain/events.ts';
import { EventsPrunedError, readLoggedSequences } from '../src/domain/ledger/event-replay.ts';
import type { LivePubSub, Topics } from '../src/live/pubsub.ts';
import { createStampFeed, FeedClosedError } from '../src/live/stamp-feed.ts';
import { pushMapped } from '../src/graphql/result-streams.ts';
import { seedCard, seedCustomerCard } from './helpers/factories.ts';
import { newStore, useRuntime } from './helpers/runtime.ts';

const t = useRuntime();
const db = () => t.runtime.deps.db;

/** The in-memory pub/sub the gateway uses without REDIS_URL, without a runtime around it. */
function memoryPubSub(): LivePubSub {
  return { pubsub: createPubSub<Topics>(), transport: 'memory', listening: async () => {}, onRevocation: () => () => {}, ping: async () => {}, close: async () => {} };
}

// Stores the database does not hold: their logs are empty, so their streams start at number 1.
const [STORE, OTHER_STORE] = [9001, 9002];
const numbered = new Map<number, number>();
let ledgerEntryId = 0;
function event(storeId: number, customerCardId: number, cardId = 1): StampsChangedEvent {
  const sequence = (numbered.get(storeId) ?? 0) + 1;
  numbered.set(storeId, sequence);
  return {
    type: 'stamps.changed',
    eventId: `evt_${storeId}_${sequence}`,
    storeId,
    sequence,
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
  // Every test's feed is new and starts each store at number 1.
  beforeEach(() => numbered.clear());

  it("holds one pub/sub subscription per store and gives each stream only its store's matching events", async () => {
    const live = memoryPubSub();
    const feed = createStampFeed(live, db());
    const byCard = await feed.subscribe(STORE, { cardId: 7 });
    const byCustomerCard = await feed.subscribe(STORE, { customerCardId: 11 });
    const otherStore = await feed.subscribe(OTHER_STORE, { customerCardId: 11 });
    expect(feed.stats()).toEqual({ stores: 2, subscribers: 3 });

    live.pubsub.publish('stamps', STORE, event(STORE, 10, 7));
    live.pubsub.publish('stamps', STORE, event(STORE, 11, 8));
    live.pubsub.publish('stamps', OTHER_STORE, event(OTHER_STORE, 11, 8));
    expect((await byCard.next()).value).toMatchObject({ customerCardId: 10 });
    expect((await byCustomerCard.next()).value).toMatchObject({ storeId: STORE, customerCardId: 11 });
    expect((await otherStore.next()).value).toMatchObject({ storeId: OTHER_STORE, customerCardId: 11 });

    await byCard.return?.();
    expect(feed.stats()).toEqual({ stores: 2, subscribers: 2 });
    await byCustomerCard.return?.();
    await otherStore.return?.();
    expect(feed.stats()).toEqual({ stores: 0, subscribers: 0 });
  });

  it('delivers every event, in order, to thousands of subscribers of one card', async () => {
    const live = memoryPubSub();
    const feed = createStampFeed(live, db());
    const streams = await Promise.all(Array.from({ length: 3000 }, () => feed.subscribe(STORE, { cardId: 1 })));
    const events = [event(STORE, 1), event(STORE, 2), event(STORE, 3)];
    for (const published of events) live.pubsub.publish('stamps', STORE, published);
    for (const stream of streams) {
      for (const published of events) expect((await stream.next()).value).toBe(published);
    }
    feed.close();
    expect(feed.stats()).toEqual({ stores: 0, subscribers: 0 });
  });

  it('ends a stream whose reader falls too far behind, after what it had queued', async () => {
    const live = memoryPubSub();
    const feed = createStampFeed(live, db(), { maxQueued: 3 });
    const slow = await feed.subscribe(STORE, { customerCardId: 1 });
    for (let i = 0; i < 5; i++) live.pubsub.publish('stamps', STORE, event(STORE, 1));
    await tick();
    expect(feed.stats().subscribers).toBe(0);
    for (let i = 0; i < 3; i++) expect((await slow.next()).done).toBe(false);
    await expect(slow.next()).rejects.toBeInstanceOf(FeedClosedError);
    expect((await slow.next()).done).toBe(true);
  });

  it('pushed results with errors that nobody reads hold the stream back until it falls too far behind', async () => {
    const live = memoryPubSub();
    const feed = createStampFeed(live, db(), { maxQueued: 3 });
    let executions = 0;
    const results = pushMapped(await feed.subscribe(STORE, { customerCardId: 1 }), () => {
      executions++;
      return { errors: [new GraphQLError('always')] };
    });
    results.push(() => {});
    // The consumer reads the first result (it is sent by next()), then never reads again.
    const first = results.next();
    live.pubsub.publish('stamps', STORE, event(STORE, 1));
    expect((await first).done).toBe(false);
    for (let i = 0; i < 10; i++) live.pubsub.publish('stamps', STORE, event(STORE, 1));
    await tick();
    expect(feed.stats().subscribers).toBe(0);
    expect(executions).toBe(1);
    await expect(results.next()).rejects.toBeInstanceOf(FeedClosedError);
  });

  it('a push that throws fails its own stream; the other streams of the store go on', async () => {
    const live = memoryPubSub();
    const feed = createStampFeed(live, db());
    const broken = pushMapped(await feed.subscribe(STORE, {}), (): ExecutionResult => {
      throw new Error('broken map');
    });
    const sound = pushMapped(await feed.subscribe(STORE, {}), (pushed: StampsChangedEvent): ExecutionResult => ({ data: { n: pushed.sequence } }));
    broken.push(() => {});
    const got: unknown[] = [];
    sound.push((result) => got.push(result.data?.n));
    const failed = broken.next().catch((error: unknown) => error);
    void sound.next();
    for (let i = 0; i < 3; i++) live.pubsub.publish('stamps', STORE, event(STORE, 1));
    await tick();
    expect(((await failed) as Error).message).toBe('broken map');
    live.pubsub.publish('stamps', STORE, event(STORE, 1));
    await tick();
    expect(got).toEqual([1, 2, 3, 4]);
    feed.close();
  });

  it('pushes events as they come once pushed; paused, it queues them and falls behind like a reader', async () => {
    const live = memoryPubSub();
    const feed = createStampFeed(live, db(), { maxQueued: 3 });
    const stream = await feed.subscribe(STORE, { customerCardId: 1 });
    const ended = stream.next().then(
      (step) => step,
      (error: unknown) => error,
    );
    const got: number[] = [];
    stream.push((pushed) => got.push(pushed.sequence));
    const first = event(STORE, 1);
    live.pubsub.publish('stamps', STORE, first);
    live.pubsub.publish('stamps', STORE, event(STORE, 2));
    await tick();
    expect(got).toEqual([first.sequence]);
    stream.pause();
    const held = [event(STORE, 1), event(STORE, 1)];
    for (const queued of held) live.pubsub.publish('stamps', STORE, queued);
    await tick();
    expect(got).toEqual([first.sequence]);
    stream.resume();
    expect(got).toEqual([first.sequence, ...held.map((queued) => queued.sequence)]);
    stream.pause();
    for (let i = 0; i < 4; i++) live.pubsub.publish('stamps', STORE, event(STORE, 1));
    await tick();
    expect(await ended).toBeInstanceOf(FeedClosedError);
    expect(feed.stats().subscribers).toBe(0);
  });

  it('releases a stream when its signal aborts, even before anyone reads it', async () => {
    const feed = createStampFeed(memoryPubSub(), db());
    const abort = new AbortController();
    const stream = await feed.subscribe(STORE, { cardId: 1 }, abort.signal);
    const pending = stream.next();
    abort.abort();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(feed.stats()).toEqual({ stores: 0, subscribers: 0 });
    const aborted = await feed.subscribe(STORE, { cardId: 1 }, abort.signal);
    expect((await aborted.next()).done).toBe(true);
    expect(feed.stats()).toEqual({ stores: 0, subscribers: 0 });
  });

  it('ends every stream on close and refuses new ones', async () => {
    const feed = createStampFeed(memoryPubSub(), db());
    const stream = await feed.subscribe(STORE, { cardId: 1 });
    const pending = stream.next();
    feed.close();
    expect((await pending).done).toBe(true);
    await expect(feed.subscribe(STORE, { cardId: 1 })).rejects.toBeInstanceOf(FeedClosedError);
  });

  describe('order', () => {
    /** A store whose log already holds a customer and its card, and a feed subscribed to it. */
    async function scene() {
      const { actor } = await newStore(t.runtime);
      const { card } = await seedCard(t.runtime.deps, actor, { stampsRequired: 10 }, [{ name: 'Cake', stampsRequired: 2 }]);
      const { customerCard } = await seedCustomerCard(t.runtime.deps, actor, card.id);
      const live = memoryPubSub();
      const feed = createStampFeed(live, db());
      const stamp = (stamps = 1) => addStamps(t.runtime.deps, actor, { customerCardId: customerCard.id, stamps });
      /** Everything the log numbers after `after`: balance events, and `null` for the other types. */
      const logged = (after: number) => readLoggedSequences(db(), actor.storeId, after, 2 ** 31 - 1, 1000);
      return { storeId: actor.storeId, customerCard, live, feed, stamp, logged };
    }

    const take = async (stream: AsyncIterator<StampsChangedEvent>, count: number) => {
      const got: StampsChangedEvent[] = [];
      while (got.length < count) got.push((await stream.next()).value);
      return got;
    };

    it('delivers in log order what is published out of order, fills numbers never published from the log, and nothing twice', async () => {
      const { storeId, live, feed, stamp, logged } = await scene();
      const before = (await logged(0)).at(-1)!.sequence;
      const byStore = await feed.subscribe(storeId, {});
      const second = await feed.subscribe(storeId, {});
      // Stamps that cross the reward's cost also log `reward.unlocked`, a number the stream skips.
      for (const stamps of [1, 1, 3, 1, 2]) await stamp(stamps);
      const entries = await logged(before);
      const expected = entries.flatMap((entry) => (entry.event ? [entry.event] : []));
      expect(entries.length).toBeGreaterThan(expected.length);
      expect(expected).toHaveLength(5);

      // Backwards, the second balance event never published, the other types never announced, and
      // the latest published twice (as a retry through another path would).
      const published = entries.filter((entry) => entry.event && entry.event !== expected[1]).reverse();
      t.queries.length = 0;
      for (const entry of published) live.pubsub.publish('stamps', storeId, entry.event!);
      live.pubsub.publish('stamps', storeId, published[0]!.event!);

      expect(await take(byStore, 5)).toEqual(expected);
      expect(await take(second, 5)).toEqual(expected);
      // One read of the log filled the holes, for both streams.
      expect(t.queries.filter((sql) => /\bevents\b/.test(sql))).toHaveLength(1);

      // Live again: the next event goes out as soon as it arrives.
      await stamp();
      const [after] = (await logged(expected.at(-1)!.sequence)).filter((entry) => entry.event);
      live.pubsub.publish('stamps', storeId, after!.event!);
      expect((await byStore.next()).value).toEqual(after!.event);
      feed.close();
    });

    it('passes announced numbers of other event types without reading the log', async () => {
      const { storeId, live, feed, stamp, logged } = await scene();
      const before = (await logged(0)).at(-1)!.sequence;
      const stream = await feed.subscribe(storeId, {});
      await stamp(2);
      await stamp(1);
      const entries = await logged(before);
      const skipped = entries.filter((entry) => !entry.event).map((entry) => entry.sequence);
      expect(skipped.length).toBeGreaterThan(0);
      t.queries.length = 0;
      for (const entry of [...entries].reverse()) {
        if (entry.event) live.pubsub.publish('stamps', storeId, entry.event);
      }
      live.pubsub.publish('stamps', storeId, { type: 'sequences.passed', storeId, sequences: skipped });
      expect(await take(stream, 2)).toEqual(entries.flatMap((entry) => (entry.event ? [entry.event] : [])));
      expect(t.queries.filter((sql) => /\bevents\b/.test(sql))).toHaveLength(0);
      feed.close();
    });

    it('ends every stream of the store with EventsPrunedError when a missing number is no longer in the log', async () => {
      const { storeId, live, feed, stamp, logged } = await scene();
      const before = (await logged(0)).at(-1)!.sequence;
      const stream = await feed.subscribe(storeId, { cardId: 0 });
      for (let i = 0; i < 3; i++) await stamp();
      const entries = (await logged(before)).filter((entry) => entry.event);
      // Retention takes the oldest numbers first; the first one after the stream's start is gone.
      await db().storeEvent.deleteMany({ where: { storeId, sequence: { lte: entries[0]!.sequence } } });
      live.pubsub.publish('stamps', storeId, entries[2]!.event!);
      await expect(stream.next()).rejects.toBeInstanceOf(EventsPrunedError);
      expect(feed.stats()).toEqual({ stores: 0, subscribers: 0 });
    });
  });
});
