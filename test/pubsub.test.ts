import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { addStamps } from '../src/domain/customer-cards/customer-card.service.ts';
import { EventBus, type StampsChangedEvent } from '../src/domain/events.ts';
import { createLivePubSub, type StoreMessage } from '../src/live/pubsub.ts';
import { startRuntime } from '../src/runtime.ts';
import { seedCard, seedCustomerCard } from './helpers/factories.ts';
import { newStore, useRuntime } from './helpers/runtime.ts';

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const t = useRuntime();

/** A channel namespace of its own: other test files and the other database's run share the Redis server. */
const uniquePrefix = () => `stampline-test-${randomBytes(6).toString('hex')}:`;

/**
 * Resolves with the first `count` events of one customer card, or rejects after `ms`. Other test
 * files (and the other database's run) share the Redis server, so events are filtered.
 */
function collect(
  iterator: AsyncIterator<StoreMessage>,
  customerCardId: number,
  count: number,
  ms = 5000,
): Promise<StampsChangedEvent[]> {
  const events: StampsChangedEvent[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`got ${events.length} of ${count} events`)), ms);
    void (async () => {
      while (events.length < count) {
        const next = await iterator.next();
        if (next.done) break;
        if (next.value.type === 'stamps.changed' && next.value.customerCardId === customerCardId) events.push(next.value);
      }
      clearTimeout(timer);
      resolve(events);
    })();
  });
}

describe('live pub/sub', () => {
  it('carries committed stamp changes to subscribers of the store, in process', async () => {
    const live = await createLivePubSub(t.runtime);
    const { actor } = await newStore(t.runtime);
    const { card } = await seedCard(t.runtime.deps, actor);
    const { customerCard } = await seedCustomerCard(t.runtime.deps, actor, card.id);
    const iterator = live.pubsub.subscribe('stamps', actor.storeId)[Symbol.asyncIterator]();
    const received = collect(iterator, customerCard.id, 1);
    await addStamps(t.runtime.deps, actor, { customerCardId: customerCard.id, stamps: 2 });
    expect((await received)[0]).toMatchObject({ customerCardId: customerCard.id, delta: 2, balanceAfter: 2 });
    await iterator.return?.();
    await live.close();
  });

  it('carries events between two gateways through Redis', async () => {
    const config = { ...t.runtime.config, redisUrl, redisPrefix: uniquePrefix() };
    const other = await startRuntime(config, { migrate: false });
    const here = await createLivePubSub({ ...t.runtime, config });
    const there = await createLivePubSub(other);
    try {
      const { actor } = await newStore(t.runtime);
      const { card } = await seedCard(t.runtime.deps, actor);
      const { customerCard } = await seedCustomerCard(t.runtime.deps, actor, card.id);
      const iterator = here.pubsub.subscribe('stamps', actor.storeId)[Symbol.asyncIterator]();
      // The first next() subscribes; `listening` resolves once Redis has confirmed it.
      const received = collect(iterator, customerCard.id, 1);
      await here.listening(actor.storeId);
      await addStamps(other.deps, actor, { customerCardId: customerCard.id, stamps: 3 });
      expect((await received)[0]).toMatchObject({ customerCardId: customerCard.id, delta: 3, storeId: actor.storeId });
      await iterator.return?.();
    } finally {
      await here.close();
      await there.close();
      await other.close();
    }
  });

  it('keeps deployments with different REDIS_PREFIX apart on one Redis', async () => {
    const [ours, theirs] = [uniquePrefix(), uniquePrefix()];
    // A runtime of its own (its own event bus): only what comes through Redis reaches it.
    const isolated = { ...t.runtime, config: { ...t.runtime.config, redisUrl, redisPrefix: theirs }, deps: { ...t.runtime.deps, events: new EventBus() } };
    const live = await createLivePubSub(isolated);
    const { Redis } = await import('ioredis');
    const probe = new Redis(redisUrl);
    try {
      const iterator = live.pubsub.subscribe('stamps', 42)[Symbol.asyncIterator]();
      const first = iterator.next();
      await live.listening(42);
      const event = (customerCardId: number) => JSON.stringify({ type: 'stamps.changed', storeId: 42, customerCardId });
      // Redis delivers in publish order, so a leak from the other prefix would arrive first.
      await probe.publish(`${ours}stamps:42`, event(1));
      await probe.publish(`${theirs}stamps:42`, event(2));
      expect((await first).value).toMatchObject({ storeId: 42, customerCardId: 2 });
      await iterator.return?.();
    } finally {
      probe.disconnect();
      await live.close();
    }
  });
});
