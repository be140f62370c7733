import type { Config } from '../config.ts';
import type { TokenRevokedEvent } from '../domain/events.ts';

/** The Redis topic of revocation notices (after REDIS_PREFIX), named as yoga's pub/sub names a topic without id. */
export const REVOCATIONS = 'revocations' as const;

/**
 * Sends one revocation notice through Redis from a process without a live pub/sub (the admin
 * command), in the format the gateways' pub/sub reads: JSON on the prefixed topic channel. Kept apart
 * from pubsub.ts so the command does not load GraphQL. Rejects when Redis cannot be reached.
 */
export async function publishRevocation(config: Pick<Config, 'redisUrl' | 'redisPrefix'>, event: TokenRevokedEvent): Promise<void> {
  if (!config.redisUrl) return;
  const { Redis } = await import('ioredis');
  const client = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.publish(config.redisPrefix + REVOCATIONS, JSON.stringify(event));
  } finally {
    client.disconnect();
  }
}
