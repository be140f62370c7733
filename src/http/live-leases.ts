import type { Redis } from 'ioredis';
import type { SharedLimits } from './shared-limits.ts';

/*
 * A live connection held anywhere in the cluster is a member of its credential's sorted set in
 * Redis, scored with the time its lease runs out. Each gateway refreshes the leases of its open
 * connections well before they run out and removes a lease when its connection closes; a gateway
 * that dies stops refreshing, and its leases run out on their own, so a crash never keeps slots.
 * Expired members are dropped before every count. Times are Redis's own (TIME), so the gateways'
 * clocks do not matter.
 */

// KEYS[1]: the credential's set; ARGV: limit, lease ms, member. 1 when the lease was granted.
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + lease, ARGV[3])
if redis.call('PTTL', KEYS[1]) < lease then redis.call('PEXPIRE', KEYS[1], lease) end
return 1
`;

// KEYS[1]: the credential's set; ARGV: lease ms, member. Re-adds a lease lost in a Redis outage too.
const REFRESH = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[1])
redis.call('ZADD', KEYS[1], now + lease, ARGV[2])
if redis.call('PTTL', KEYS[1]) < lease then redis.call('PEXPIRE', KEYS[1], lease) end
return 1
`;

interface LeaseCommands {
  stamplineLeaseAcquire(key: string, limit: number, leaseMs: number, member: string): Promise<number>;
  stamplineLeaseRefresh(key: string, leaseMs: number, member: string): Promise<number>;
}

/** Live-connection slots counted across gateways in Redis (see above). */
export class LiveLeases {
  readonly leaseMs: number;
  readonly #limits: SharedLimits;
  readonly #redis: Redis & LeaseCommands;

  constructor(limits: SharedLimits, redis: Redis, leaseSeconds: number) {
    this.#limits = limits;
    this.leaseMs = leaseSeconds * 1000;
    redis.defineCommand('stamplineLeaseAcquire', { numberOfKeys: 1, lua: ACQUIRE });
    redis.defineCommand('stamplineLeaseRefresh', { numberOfKeys: 1, lua: REFRESH });
    this.#redis = redis as Redis & LeaseCommands;
  }

  #key(credentialKey: string): string {
    return `${this.#limits.prefix}live:${credentialKey}`;
  }

  /**
   * Takes one of `limit` slots of `credentialKey` for `member`. False when every slot is taken on some
   * gateway; true, too, when Redis cannot answer: the process's own count (checked first) then holds.
   */
  async acquire(credentialKey: string, member: string, limit: number): Promise<boolean> {
    try {
      return (await this.#redis.stamplineLeaseAcquire(this.#key(credentialKey), limit, this.leaseMs, member)) === 1;
    } catch (error) {
      this.#limits.degraded(error);
      return true;
    }
  }

  /** Extends the leases of connections still open here; those lost meanwhile are taken again. */
  async refresh(leases: Iterable<[credentialKey: string, member: string]>): Promise<void> {
    const pipeline = this.#redis.pipeline() as ReturnType<Redis['pipeline']> & { stamplineLeaseRefresh(key: string, leaseMs: number, member: string): unknown };
    let count = 0;
    for (const [credentialKey, member] of leases) {
      pipeline.stamplineLeaseRefresh(this.#key(credentialKey), this.leaseMs, member);
      count++;
    }
    if (count === 0) return;
    try {
      // A pipeline answers each command's error in its results rather than failing as a whole.
      const failed = (await pipeline.exec())?.find(([error]) => error);
      if (failed) this.#limits.degraded(failed[0]);
    } catch (error) {
      this.#limits.degraded(error);
    }
  }

  /** Gives a slot back; if Redis cannot be told, the lease runs out by itself. */
  release(credentialKey: string, member: string): void {
    this.#redis.zrem(this.#key(credentialKey), member).catch(() => {});
  }
}
