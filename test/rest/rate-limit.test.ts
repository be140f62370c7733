import { expect, it } from 'vitest';
import { expectError, expectStatus, restClient, restStore } from '../helpers/rest.ts';
import { useServer } from '../helpers/server.ts';

const t = useServer({ RATE_LIMIT_PER_MINUTE: '3' });

it('limits each token per minute with RateLimit-* headers, then 429 with Retry-After', async () => {
  const a = await restStore(t);
  const b = await restStore(t);
  const remaining: string[] = [];
  for (let i = 0; i < 3; i++) {
    const response = expectStatus(await a.api.get('/accounts'), 200);
    expect(response.headers.get('ratelimit-limit')).toBe('3');
    expect(response.headers.get('ratelimit-policy')).toBe('3;w=60');
    expect(Number(response.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(1);
    expect(Number(response.headers.get('ratelimit-reset'))).toBeLessThanOrEqual(60);
    remaining.push(response.headers.get('ratelimit-remaining') ?? '');
  }
  expect(remaining).toEqual(['2', '1', '0']);

  const limited = await a.api.post(`${a.path}/cards`, { card: { name: 'Too many' } });
  expectError(limited, 429);
  expect(limited.body).toEqual({ error: 'Rate limit exceeded' });
  expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(limited.headers.get('ratelimit-remaining')).toBe('0');
  expect(await t.runtime.deps.db.card.count({ where: { storeId: a.actor.storeId } })).toBe(0);

  // Another token has its own budget.
  expectStatus(await b.api.get('/accounts'), 200);
});

it('counts requests without a valid token per client address, and reports the policy on /status', async () => {
  const anonymous = restClient(t);
  const status = expectStatus(await anonymous.get('/status'), 200);
  expect(status.body.rate_limit).toEqual({ limit: 3, scope: 'token', window_seconds: 60 });
  expect(status.headers.get('ratelimit-remaining')).toBe('2');
  const unauthorized = await anonymous.get('/accounts', { token: 'sl_not-a-token' });
  expect(unauthorized.status).toBe(401);
  expect(unauthorized.headers.get('ratelimit-remaining')).toBe('1');
  const unknown = await anonymous.get('/no-such-thing');
  expect(unknown.status).toBe(404);
  expect(unknown.headers.get('ratelimit-remaining')).toBe('0');
  const limited = await anonymous.get('/status');
  expect(limited.status).toBe(429);
  expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
});
