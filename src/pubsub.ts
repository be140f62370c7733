import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub, type PubSub } from 'graphql-yoga';
import type { StampsChangedEvent } from './domain/events.ts';
import type { Runtime } from './runtime.ts';

/**
 * Topics of the live API. Every stamp change goes out once, on its store's topic; subscribers
 * narrow it to a card or a customer card themselves, which is cheaper than publishing each event
 * three times (and three times through Redis).
 */
export type Topics = {
  stamps: [storeId: number, event: StampsChangedEvent];
};

export type StampPubSub = PubSub<Topics>;

export interface LivePubSub {
  pubsub: StampPubSub;
  /** 'memory' in one process; 'redis' when REDIS_URL spreads events over several gateways. */
  transport: 'memory' | 'redis';
  close(): Promise<void>;
}

/**
 * Creates the pub/sub and feeds it every domain event after commit. Through Redis a publish that
 * fails (Redis down) is logged and dropped: the write has already succeeded, and subscribers resume
 * when Redis returns (see docs/subscriptions.md for what they miss meanwhile).
 */
export async function createLivePubSub(runtime: Runtime): Promise<LivePubSub> {
  const redisUrl = runtime.config.redisUrl;
  let pubsub: StampPubSub;
  let closeRedis = async () => {};
  if (!redisUrl) {
    pubsub = createPubSub<Topics>();
  } else {
    const { Redis } = await import('ioredis');
    // No offline queue on the publisher: events during an outage are dropped, not piled up in memory.
    const publisher = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
    const subscriber = new Redis(redisUrl, { maxRetriesPerRequest: null });
    let warned = false;
    const report = (error: Error) => {
      if (!warned) console.error(`redis unavailable (${error.message}); live events pause until it returns`);
      warned = true;
    };
    publisher.on('error', report);
    subscriber.on('error', report);
    subscriber.on('ready', () => (warned = false));
    const publishClient = {
      publish: (channel: string, message: string) =>
        publisher.publish(channel, message).catch((error: Error) => {
          report(error);
          return 0;
        }),
    };
    pubsub = createPubSub<Topics>({
      eventTarget: createRedisEventTarget({ publishClient: publishClient as unknown as typeof publisher, subscribeClient: subscriber }),
    });
    closeRedis = async () => {
      publisher.disconnect();
      subscriber.disconnect();
    };
  }
  const detach = runtime.deps.events.subscribe((event) => {
    if (event.type === 'stamps.changed') pubsub.publish('stamps', event.storeId, event);
  });
  return {
    pubsub,
    transport: redisUrl ? 'redis' : 'memory',
    close: async () => {
      detach();
      await closeRedis();
    },
  };
}
