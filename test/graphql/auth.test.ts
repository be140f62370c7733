import { describe, expect, it } from 'vitest';
import { graphqlClient } from '../helpers/graphql.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';

const t = useServer();
const api = graphqlClient(t);

describe('authentication', () => {
  it.each([
    ['no Authorization header', undefined],
    ['an unknown token', 'sl_not-a-real-token'],
    ['a token of the wrong shape', 'abc'],
  ])('refuses %s with 401, code UNAUTHENTICATED and no data', async (_label, token) => {
    const response = await api.errors(token, '{ store { name } }');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(response.body.data).toBeUndefined();
    expect(response.body.errors).toHaveLength(1);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a revoked token', async () => {
    const { actor, token } = await newStore(t.runtime);
    await t.runtime.deps.db.apiToken.updateMany({ where: { storeId: actor.storeId }, data: { revokedAt: new Date() } });
    const response = await api.errors(token, '{ store { name } }');
    expect(response.status).toBe(401);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses mutations without a token and changes nothing', async () => {
    const before = await t.runtime.deps.db.card.count();
    const response = await api.errors(undefined, 'mutation { createCard(input: { name: "Sneaky" }) { card { id } } }');
    expect(response.status).toBe(401);
    expect(await t.runtime.deps.db.card.count()).toBe(before);
  });

  it('accepts the bearer token of a store and answers with that store', async () => {
    const { actor, token } = await newStore(t.runtime);
    const data = await api.data(token, '{ store { databaseId name } }');
    expect(data.store.databaseId).toBe(actor.storeId);
  });
});

describe('GraphiQL', () => {
  it('is served to browsers at /graphql without a token and loads nothing from a CDN', async () => {
    const response = await fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    const html = await response.text();
    expect(html).toContain('Stampline GraphQL');
    expect(html).not.toMatch(/unpkg\.com|jsdelivr|cdnjs/);
    expect(html).toContain('Authorization');
  });
});
