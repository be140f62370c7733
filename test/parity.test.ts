import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../src/domain/validation.ts';
import { redirectLog } from '../src/observability/log.ts';
import { snakeCase } from '../src/rest/http.ts';
import { deeplyNested, toJson } from './helpers/deep-json.ts';
import { graphqlClient } from './helpers/graphql.ts';
import { restStore } from './helpers/rest.ts';
import { useServer } from './helpers/server.ts';

/**
 * One rule, both APIs: the same hostile input sent over REST and over GraphQL is refused by the same
 * domain rule, so both name the same field with the same message. Nothing reaches the log as a fault.
 */

const t = useServer();
const graphql = graphqlClient(t);

const nested = deeplyNested;

async function post(url: string, token: string, body: unknown) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: toJson(body),
  });
  return { status: response.status, body: await response.json() };
}

/** Field messages keyed by snake_case field: `{first_name: ["…"]}`. */
type Refusal = Record<string, string[]>;

const CREATE = `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } userErrors { field message code } } }`;

const customerCases: Array<[string, Record<string, unknown>]> = [
  ['metadata nested 5,000 levels deep', { metadata: nested(5_000) }],
  ['metadata nested one level too deep', { metadata: nested(MAX_JSON_DEPTH + 1) }],
  ['external reference metadata nested 5,000 levels deep', { externalReferences: [{ source: 'pos', externalId: '1', metadata: nested(5_000) }] }],
  ['metadata over 16 KiB', { metadata: { blob: 'x'.repeat(20_000) } }],
  ['metadata with a NUL in a key', { metadata: { 'a\u0000b': 1 } }],
  ['an over-long first name', { firstName: 'F'.repeat(101) }],
  ['a first name with a NUL', { firstName: 'Ad\u0000a' }],
  ['an over-long last name', { lastName: 'L'.repeat(101) }],
  ['a malformed email', { email: 'not an email' }],
  ['an impossible birthday', { birthday: '2021-02-30' }],
  ['an external id with a NUL', { externalReferences: [{ source: 'pos', externalId: 'a\u0000' }] }],
];

function toRest(input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    out[snakeCase(key)] =
      key === 'externalReferences'
        ? (value as Array<Record<string, unknown>>).map((ref) => Object.fromEntries(Object.entries(ref).map(([k, v]) => [snakeCase(k), v])))
        : value;
  }
  return out;
}

describe('the same refusal over REST and GraphQL', () => {
  // A refusal is not a fault: nothing about it goes to the error log (no stack trace, no masked error).
  let errors: string[];
  let restore: () => void;
  beforeEach(() => {
    errors = [];
    restore = redirectLog((line) => {
      if ((JSON.parse(line) as { level: string }).level === 'error') errors.push(line.slice(0, 300));
    });
  });
  afterEach(() => {
    restore();
    expect(errors).toEqual([]);
  });

  it.each(customerCases)('creating a customer with %s', async (_what, hostile) => {
    const store = await restStore(t);
    const input = { firstName: 'Ada', email: `ada-${Math.random()}@example.com`, ...hostile };

    const rest = await post(`${t.url}/api/v1${store.path}/customers`, store.token, { customer: toRest(input) });
    expect(rest.status).toBe(422);
    expect(rest.body.error).toBe('Validation failed');

    const response = await post(`${t.url}/graphql`, store.token, { query: CREATE, variables: { input } });
    expect(response.status).toBe(200);
    const data = response.body.data;
    expect(data.createCustomer.customer).toBeNull();
    const viaGraphql: Refusal = {};
    for (const error of data.createCustomer.userErrors as Array<{ field: string[]; message: string; code: string }>) {
      expect(error.code).toBe('INVALID');
      (viaGraphql[snakeCase(error.field[1] ?? 'base')] ??= []).push(error.message);
    }
    expect(Object.keys(viaGraphql).length).toBeGreaterThan(0);
    expect(rest.body.errors).toEqual(viaGraphql);
    expect(await t.runtime.deps.db.customer.count({ where: { storeId: store.actor.storeId } })).toBe(0);
  });

  it('searching customers for 50,001 characters: a coded refusal over GraphQL; REST cannot carry it in a URL (431)', async () => {
    const store = await restStore(t);
    const search = 'x'.repeat(50_001);
    const response = await graphql.errors(store.token, 'query($s: String) { store { customers(first: 5, search: $s) { totalCount } } }', { s: search });
    expect(response.body.errors![0]).toMatchObject({
      message: 'Validation failed',
      extensions: { code: 'INVALID', fields: { search: ['is too long (maximum is 255 characters)'] } },
    });
    expect((await store.api.get(`${store.path}/customers?search=${search}`)).status).toBe(431);
  });

  it.each([
    ['256 characters', 's'.repeat(256)],
    ['a NUL', 'ad\u0000a'],
  ])('searching customers for %s', async (_what, search) => {
    const store = await restStore(t);
    const rest = await store.api.get(`${store.path}/customers?search=${encodeURIComponent(search)}`);
    expect(rest.status).toBe(422);

    const response = await graphql.errors(store.token, 'query($s: String) { store { customers(first: 5, search: $s) { totalCount } } }', { s: search });
    const [error] = response.body.errors!;
    expect(error!.extensions).toMatchObject({ code: 'INVALID' });
    expect(rest.body).toEqual({ error: error!.message, errors: error!.extensions!.fields });
  });

  it('accepts the longest search both allow', async () => {
    const store = await restStore(t);
    const search = 's'.repeat(255);
    expect((await store.api.get(`${store.path}/customers?search=${search}`)).status).toBe(200);
    const data = await graphql.data(store.token, 'query($s: String) { store { customers(first: 5, search: $s) { totalCount } } }', { s: search });
    expect(data.store.customers.totalCount).toBe(0);
  });
});
