import { describe, expect, it } from 'vitest';
import { postGraphQL } from '../helpers/graphql.ts';
import { connectWs } from '../helpers/live.ts';
import { restClient } from '../helpers/rest.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';

const t = useServer({ RATE_LIMIT_PER_MINUTE: '3' });
const QUERY = '{ store { name } }';

describe('GraphQL rate limit', () => {
  it('counts GraphQL requests against the token, with the RateLimit headers, and refuses past the limit with 429 RATE_LIMITED', async () => {
    const { token } = await newStore(t.runtime);
    const remaining = [];
    for (let i = 0; i < 3; i++) {
      const response = await postGraphQL(t, QUERY, { token });
      expect(response.status).toBe(200);
      expect(response.headers.get('ratelimit-policy')).toBe('3;w=60');
      remaining.push(response.headers.get('ratelimit-remaining'));
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const limited = await postGraphQL(t, QUERY, { token });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(limited.body.data).toBeUndefined();
    // Another store's token has its own budget.
    expect((await postGraphQL(t, QUERY, { token: (await newStore(t.runtime)).token })).status).toBe(200);
  });

  it('shares one budget between REST and GraphQL', async () => {
    const store = await newStore(t.runtime);
    const rest = restClient(t, store.token);
    expect((await rest.get(`/accounts/${store.actor.storeId}`)).status).toBe(200);
    expect((await postGraphQL(t, QUERY, { token: store.token })).status).toBe(200);
    expect((await rest.get(`/accounts/${store.actor.storeId}`)).status).toBe(200);
    expect((await postGraphQL(t, QUERY, { token: store.token })).status).toBe(429);
    expect((await rest.get(`/accounts/${store.actor.storeId}`)).status).toBe(429);
  });

  it('counts every operation on a WebSocket too: past the limit RATE_LIMITED with retry-after for that operation, and the socket stays open', async () => {
    const store = await newStore(t.runtime);
    const socket = connectWs(t.url, { authorization: `Bearer ${store.token}` });
    await socket.acknowledged;
    const run = async () => socket.subscribe(QUERY).results.next();
    for (let i = 0; i < 3; i++) expect((await run())?.data?.store.name).toBeTruthy();
    const limited = await run();
    expect(limited?.data).toBeUndefined();
    expect(limited?.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(limited?.errors?.[0]?.extensions?.retryAfter).toBeGreaterThanOrEqual(1);
    // Refused one operation at a time, not dropped.
    expect((await run())?.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(socket.socket.readyState).toBe(socket.socket.OPEN);
    // The same budget as HTTP.
    expect((await postGraphQL(t, QUERY, { token: store.token })).status).toBe(429);
    socket.close();
  });

  it('spends HTTP and WebSocket operations from one budget', async () => {
    const store = await newStore(t.runtime);
    for (let i = 0; i < 3; i++) expect((await postGraphQL(t, QUERY, { token: store.token })).status).toBe(200);
    const socket = connectWs(t.url, { authorization: `Bearer ${store.token}` });
    await socket.acknowledged;
    expect((await socket.subscribe(QUERY).results.next())?.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    socket.close();
  });
});
