import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub, type PubSub } from 'graphql-yoga';
import type { StampsChangedEvent, TokenRevokedEvent } from '../domain/events.ts';
import { STREAM_EVENT_TYPES } from '../domain/ledger/event-replay.ts';
import type { Runtime } from '../runtime.ts';
import { REVOCATIONS } from './revocation-channel.ts';
import { log } from '../observability/log.ts';

/**
 * The numbers of a store's logged events that are not balance events (a customer created, a reward
 * unlocked). They carry nothing a stream delivers, but announcing them lets a stream tell a number
 * that will never come as a stamp from one still on its way (see stamp-feed.ts).
 */
export interface SequencesPassed {
  type: 'sequences.passed';
  storeId: number;
  sequences: number[];
}

/** What a store's topic carries: every number of its event log, once, as one or the other. */
export type StoreMessage = StampsChangedEvent | SequencesPassed;

/**
 * Topics of the live API. Every stamp change goes out once, on its store's topic; subscribers
 * narrow it to a card or a customer card themselves, which is cheaper than publishing each event
 * three times (and three times through Redis).
 */
export type Topics = {
  stamps: [storeId: number, message: StoreMessage];
  /** Revocation notices; through Redis only, since in one process the event bus already carries them. */
  [REVOCATIONS]: [event: TokenRevokedEvent];
};

export type StampPubSub = PubSub<Topics>;

export interface LivePubSub {
  pubsub: StampPubSub;
  /** 'memory' in one process; 'redis' when REDIS_URL spreads events over several gateways. */
  transport: 'memory' | 'redis';
  /**
   * Resolves once this process receives the events of a store it has subscribed to (Redis has
   * confirmed the SUBSCRIBE); at once in memory, and as soon as Redis is found unreachable (the
   * subscription then starts when it returns).
   */
  listening(storeId: number): Promise<void>;
  /**
   * Calls `listener` with the hash of every token revoked, in this process or (through Redis) in any
   * other gateway; returns the function that stops it.
   */
  onRevocation(listener: (tokenHash: string) => void): () => void;
  /** Resolves while events can travel (Redis connected and answering a PING); rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const CONNECTING_OR_READY = new Set(['wait', 'connecting', 'connect', 'ready']);

/** The yoga pub/sub topic name of a store's stamp events (`routingKey:id`). */
function stampTopic(storeId: number): string {
  return `stamps:${storeId}`;
}

/**
 * Creates the pub/sub and feeds it every domain event after commit. Through Redis a publish that
 * fails (Redis down) is logged and dropped: the write has already succeeded, and subscribers resume
 * when Redis returns (see docs/subscriptions.md for what they miss meanwhile).
 */
export async function createLivePubSub(runtime: Runtime): Promise<LivePubSub> {
  const { redisUrl, redisPrefix } = runtime.config;
  let pubsub: StampPubSub;
  let listening: (storeId: number) => Promise<void> = async () => {};
  let closeRedis = async () => {};
  let ping = async () => {};
  if (!redisUrl) {
    pubsub = createPubSub<Topics>();
  } else {
    const { Redis } = await import('ioredis');
    // No offline queue on the publisher: events during an outage are dropped, not piled up in memory.
    const publisher = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
    const subscriber = new Redis(redisUrl, { maxRetriesPerRequest: null });
    let warned = false;
    let closing = false;
    const report = (error: Error) => {
      if (!warned && !closing) log.error(`redis unavailable (${error.message}); live events pause until it returns`);
      warned = true;
    };
    publisher.on('error', report);
    subscriber.on('error', report);
    subscriber.on('ready', () => (warned = false));
    // The event target names channels after yoga's topics; the prefix keeps deployments apart, and
    // the SUBSCRIBE replies are kept so that a new subscription can wait until it is live.
    const confirmed = new Map<string, Promise<unknown>>();
    const publishClient = {
      publish: (topic: string, message: string) =>
        publisher.publish(redisPrefix + topic, message).catch((error: Error) => {
          report(error);
          return 0;
        }),
    };
    const subscribeClient = {
      on: (_event: 'message', listener: (topic: string, message: string) => void) =>
        subscriber.on('message', (channel: string, message: string) => {
          if (channel.startsWith(redisPrefix)) listener(channel.slice(redisPrefix.length), message);
        }),
      subscribe: (topic: string) => {
        const reply = subscriber.subscribe(redisPrefix + topic).catch(report);
        confirmed.set(topic, reply);
        return reply;
      },
      unsubscribe: (topic: string) => {
        confirmed.delete(topic);
        return subscriber.unsubscribe(redisPrefix + topic).catch(report);
      },
    };
    pubsub = createPubSub<Topics>({
      eventTarget: createRedisEventTarget({
        publishClient: publishClient as unknown as typeof publisher,
        subscribeClient: subscribeClient as unknown as typeof subscriber,
      }),
    });
    // A SUBSCRIBE sent while connecting is confirmed once connected; one sent during an outage only
    // when Redis returns, and a new subscription need not wait that long.
    let markLost = () => {};
    let connectionLost = Promise.resolve();
    const arm = () => {
      connectionLost = new Promise<void>((resolve) => (markLost = resolve));
    };
    arm();
    subscriber.on('close', () => {
      markLost();
      arm();
    });
    listening = async (storeId) => {
      const reply = confirmed.get(stampTopic(storeId));
      if (reply && CONNECTING_OR_READY.has(subscriber.status)) await Promise.race([reply, connectionLost]);
    };
    ping = async () => {
      if (subscriber.status !== 'ready') throw new Error(`redis subscriber is ${subscriber.status}`);
      await publisher.ping();
    };
    closeRedis = async () => {
      closing = true;
      publisher.disconnect();
      subscriber.disconnect();
    };
  }
  const revocationListeners = new Set<(tokenHash: string) => void>();
  const revoked = (tokenHash: string) => {
    for (const listener of revocationListeners) listener(tokenHash);
  };
  const detach = runtime.deps.events.subscribe((event) => {
    if (event.type === 'stamps.changed') pubsub.publish('stamps', event.storeId, event);
    else if (event.type === 'token.revoked') {
      // Here at once, whatever Redis does; the copy coming back through Redis finds nothing left to end.
      revoked(event.tokenHash);
      if (redisUrl) pubsub.publish(REVOCATIONS, event);
    }
  });
  const streamed = new Set<string>(STREAM_EVENT_TYPES);
  const detachLogged = runtime.deps.logged.subscribe((appended) => {
    const sequences = appended.events.filter((event) => !streamed.has(event.type)).map((event) => event.sequence);
    if (sequences.length > 0) pubsub.publish('stamps', appended.storeId, { type: 'sequences.passed', storeId: appended.storeId, sequences });
  });
  const notices = redisUrl ? pubsub.subscribe(REVOCATIONS)[Symbol.asyncIterator]() : undefined;
  if (notices) {
    void (async () => {
      for (let notice = await notices.next(); !notice.done; notice = await notices.next()) {
        if (typeof notice.value?.tokenHash === 'string') revoked(notice.value.tokenHash);
      }
    })();
  }
  return {
    pubsub,
    transport: redisUrl ? 'redis' : 'memory',
    listening,
    onRevocation: (listener) => {
      revocationListeners.add(listener);
      return () => revocationListeners.delete(listener);
    },
    ping,
    close: async () => {
      detach();
      detachLogged();
      await notices?.return?.();
      await closeRedis();
    },
  };
}

