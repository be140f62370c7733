import { getIntrospectionQuery } from 'graphql';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/graphql/yoga.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { graphqlClient } from '../helpers/graphql.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';

const t = useServer();
const api = graphqlClient(t);

/** Runs `query` and expects it refused before execution: errors, no data, no SQL beyond the token lookup. */
async function expectRefused(token: string, query: string, pattern: RegExp, variables?: Record<string, unknown>, code?: string) {
  t.queries.length = 0;
  const response = await api.errors(token, query, variables);
  expect(response.body.data ?? undefined).toBeUndefined();
  expect(response.body.errors?.map((e) => e.message).join('\n')).toMatch(pattern);
  // Every refusal is coded, graphql-armor's included.
  for (const error of response.body.errors ?? []) expect(error.extensions?.code).toEqual(code ?? expect.any(String));
  expect(t.queries.filter((sql) => !/api_tokens/.test(sql))).toEqual([]);
  return response;
}

describe('hostile queries are refused before execution', () => {
  it(`refuses a query deeper than ${LIMITS.maxDepth}`, async () => {
    const { token } = await newStore(t.runtime);
    const deep = `{ store { customers { edges { node { customerCards { edges { node { card { customerCards { edges { node { customer { firstName } } } } } } } } } } } } }`;
    await expectRefused(token, deep, /depth limit of 12 exceeded/i, undefined, 'DEPTH_LIMIT_EXCEEDED');
  });

  it(`refuses more than ${LIMITS.maxAliases} aliases`, async () => {
    const { token } = await newStore(t.runtime);
    const aliases = Array.from({ length: LIMITS.maxAliases + 1 }, (_, i) => `a${i}: name`).join(' ');
    await expectRefused(token, `{ store { ${aliases} } }`, /aliases limit of 15 exceeded/i, undefined, 'ALIAS_LIMIT_EXCEEDED');
  });

  it(`refuses more than ${LIMITS.maxTokens} tokens`, async () => {
    const { token } = await newStore(t.runtime);
    const fields = Array.from({ length: LIMITS.maxTokens }, () => 'name').join(' ');
    await expectRefused(token, `{ store { ${fields} } }`, /token limit of 2000 exceeded/i, undefined, 'TOKEN_LIMIT_EXCEEDED');
  });

  it('refuses a query whose literal page sizes make it too costly', async () => {
    const { token } = await newStore(t.runtime);
    const costly = `{ store { customers(first: 100) { edges { node { customerCards(first: 100) { edges { node { id } } } } } } } }`;
    await expectRefused(token, costly, /cost limit of 300000 exceeded/i, undefined, 'COST_LIMIT_EXCEEDED');
  });

  it('refuses a query made costly through variables, reporting the cost', async () => {
    const { token } = await newStore(t.runtime);
    const query = `query($n: Int) { store { customers(first: $n) { edges { node { customerCards(first: $n) { edges { node { id } } } } } } } }`;
    const response = await expectRefused(token, query, /Query cost \d+ exceeds the limit of 300000/, { n: 100 });
    expect(response.body.errors?.[0]?.extensions?.code).toBe('COST_LIMIT_EXCEEDED');
    expect(response.body.extensions?.cost).toMatchObject({ limit: LIMITS.maxCost });
    expect((response.body.extensions?.cost as { requested: number }).requested).toBeGreaterThan(LIMITS.maxCost);
  });

  it(`refuses more than ${LIMITS.maxDirectives} directives with a code`, async () => {
    const { token } = await newStore(t.runtime);
    const directives = Array.from({ length: LIMITS.maxDirectives + 1 }, () => '@include(if: true)').join(' ');
    await expectRefused(token, `{ store { name ${directives} } }`, /directives limit of 20 exceeded/i, undefined, 'DIRECTIVE_LIMIT_EXCEEDED');
  });

  it('codes variables that do not coerce', async () => {
    const { token } = await newStore(t.runtime);
    await expectRefused(token, 'query($n: Int) { store { cards(first: $n) { totalCount } } }', /invalid value/, { n: 'x' }, 'BAD_USER_INPUT');
  });

  it('hides field suggestions', async () => {
    const { token } = await newStore(t.runtime);
    const response = await api.errors(token, '{ store { nam } }');
    expect(JSON.stringify(response.body.errors)).not.toMatch(/Did you mean/);
  });
});

describe('responses', () => {
  it('report the cost of every executed operation in extensions.cost', async () => {
    const { token } = await newStore(t.runtime);
    const query = (n: number) => `{ store { cards(first: ${n}) { edges { node { name } } } } }`;
    const small = await api.raw(query(1), { token });
    const large = await api.raw(query(50), { token });
    const cost = (r: typeof small) => r.body.extensions?.cost as { requested: number; limit: number };
    expect(cost(small)).toEqual({ requested: expect.any(Number), limit: LIMITS.maxCost });
    expect(cost(large).requested).toBeGreaterThan(cost(small).requested);
    const mutation = await api.raw('mutation { createCard(input: { name: "Costed" }) { card { id } userErrors { code } } }', { token });
    expect(cost(mutation).requested).toBeGreaterThan(0);
  });

  it('allow the introspection GraphiQL runs', async () => {
    const { token } = await newStore(t.runtime);
    const data = await api.data(token, getIntrospectionQuery({ descriptions: true }));
    const names = data.__schema.types.map((type: { name: string }) => type.name);
    expect(names).toEqual(expect.arrayContaining(['Store', 'Card', 'Reward', 'Customer', 'CustomerCard', 'LedgerEntry', 'Redemption', 'UserError']));
  });

  it('mask unexpected errors', async () => {
    const { token, actor } = await newStore(t.runtime);
    const { card } = await seedCard(t.runtime.deps, actor);
    const { customerCard } = await seedCustomerCard(t.runtime.deps, actor, card.id);
    const config = t.runtime.config;
    const publicUrl = config.publicUrl;
    Object.defineProperty(config, 'publicUrl', {
      configurable: true,
      get: () => {
        throw new Error('secret: wallet misconfigured at /etc/stampline');
      },
    });
    try {
      const response = await api.errors(token, `{ store { name customerCard(databaseId: ${customerCard.id}) { appleWalletUrl } } }`);
      expect(response.body.errors).toEqual([
        expect.objectContaining({ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }),
      ]);
      expect(JSON.stringify(response.body)).not.toContain('secret');
      // The wallet link is nullable, so the error stops there.
      expect(response.body.data.store).toEqual({ name: expect.any(String), customerCard: { appleWalletUrl: null } });
    } finally {
      Object.defineProperty(config, 'publicUrl', { configurable: true, writable: true, enumerable: true, value: publicUrl });
    }
  });
});
