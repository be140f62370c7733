import { describe, expect, it } from 'vitest';
import { TokenCache } from '../../src/http/token-cache.ts';

describe('TokenCache', () => {
  it('trusts a token until its entry expires', () => {
    const cache = new TokenCache(5000);
    cache.set('sl_a', 7, 1000);
    expect(cache.get('sl_a', 1000)).toBe(7);
    expect(cache.get('sl_a', 5999)).toBe(7);
    expect(cache.get('sl_a', 6000)).toBeUndefined();
    expect(cache.get('sl_a', 1000)).toBeUndefined();
  });

  it('knows nothing of tokens it was not given', () => {
    expect(new TokenCache(5000).get('sl_b')).toBeUndefined();
  });

  it('keeps nothing when the time to live is 0', () => {
    const cache = new TokenCache(0);
    cache.set('sl_a', 7, 1000);
    expect(cache.get('sl_a', 1000)).toBeUndefined();
  });

  it('forgets the oldest token when full', () => {
    const cache = new TokenCache(5000, 2);
    cache.set('sl_a', 1, 0);
    cache.set('sl_b', 2, 0);
    cache.set('sl_c', 3, 0);
    expect([cache.get('sl_a', 0), cache.get('sl_b', 0), cache.get('sl_c', 0)]).toEqual([undefined, 2, 3]);
  });
});
