import { describe, expect, it } from 'vitest';
import { TokenCache } from '../../src/http/token-cache.ts';

const entry = (storeId: number) => ({ storeId, tokenHash: `hash-${storeId}`, tokenId: storeId, scope: 'admin' as const, name: `token ${storeId}` });
const storeOf = (cache: TokenCache, token: string, now?: number) => cache.get(token, now)?.storeId;

describe('TokenCache', () => {
  it('trusts a token until its entry expires', () => {
    const cache = new TokenCache(5000);
    cache.set('sl_a', entry(7), 1000);
    expect(cache.get('sl_a', 1000)).toMatchObject(entry(7));
    expect(storeOf(cache, 'sl_a', 5999)).toBe(7);
    expect(storeOf(cache, 'sl_a', 6000)).toBeUndefined();
    expect(storeOf(cache, 'sl_a', 1000)).toBeUndefined();
  });

  it('knows nothing of tokens it was not given', () => {
    expect(new TokenCache(5000).get('sl_b')).toBeUndefined();
  });

  it('keeps nothing when the time to live is 0', () => {
    const cache = new TokenCache(0);
    cache.set('sl_a', entry(7), 1000);
    expect(cache.get('sl_a', 1000)).toBeUndefined();
  });

  it('forgets the oldest token when full', () => {
    const cache = new TokenCache(5000, 2);
    cache.set('sl_a', entry(1), 0);
    cache.set('sl_b', entry(2), 0);
    cache.set('sl_c', entry(3), 0);
    expect([storeOf(cache, 'sl_a', 0), storeOf(cache, 'sl_b', 0), storeOf(cache, 'sl_c', 0)]).toEqual([undefined, 2, 3]);
  });

  it('forgets a revoked token by its hash at once, and only that one', () => {
    const cache = new TokenCache(5000);
    cache.set('sl_a', entry(1), 0);
    cache.set('sl_b', entry(2), 0);
    cache.forget('hash-1');
    expect([storeOf(cache, 'sl_a', 0), storeOf(cache, 'sl_b', 0)]).toEqual([undefined, 2]);
  });

  it('asks for a last-used write at most once per interval per token', () => {
    const cache = new TokenCache(5000);
    expect(cache.shouldTouch(1, 60_000, 0)).toBe(true);
    expect(cache.shouldTouch(1, 60_000, 59_999)).toBe(false);
    expect(cache.shouldTouch(2, 60_000, 59_999)).toBe(true);
    expect(cache.shouldTouch(1, 60_000, 60_000)).toBe(true);
  });
});
