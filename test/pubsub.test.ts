import { describe, expect, it } from 'vitest';
import { addStamps } from '../src/domain/customer-cards/customer-card.service.ts';
import type { StampsChangedEvent } from '../src/domain/events.ts';
import { createLivePubSub } from '../src/pubsub.ts';
import { startRuntime } from '../src/runtime.ts';
import { seedCard, seedCustomerCard } from './helpers/factories.ts';
import { newStore, useRuntime } from './helpers/runtime.ts';

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const t = useRuntime();

/**
 * Resolves with the first `count` events of one customer card, or rejects after `ms`. Other test
 * files (and the other database's run) share the Redis server, so events are filtered.
 */
function collect(
  iterator: AsyncIterator<StampsChangedEvent>,
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
        if (next.value.customerCardId === customerCardId) events.push(next.value);
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
    const config = { ...t.runtime.config, redisUrl };
    const other = await startRuntime(config, { migrate: false });
    const here = await createLivePubSub({ ...t.runtime, config });
    const there = await createLivePubSub(other);
    try {
      const { actor } = await newStore(t.runtime);
      const { card } = await seedCard(t.runtime.deps, actor);
      const { customerCard } = await seedCustomerCard(t.runtime.deps, actor, card.id);
      const iterator = here.pubsub.subscribe('stamps', actor.storeId)[Symbol.asyncIterator]();
      // Redis SUBSCRIBE is asynchronous; give it a moment before the write on the other gateway.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const received = collect(iterator, customerCard.id, 1);
      await addStamps(other.deps, actor, { customerCardId: customerCard.id, stamps: 3 });
      expect((await received)[0]).toMatchObject({ customerCardId: customerCard.id, delta: 3, storeId: actor.storeId });
      await iterator.return?.();
    } finally {
      await here.close();
      await there.close();
      await other.close();
    }
  });
});
