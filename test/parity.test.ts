import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../src/domain/validation.ts';
import { globalIdOf } from '../src/graphql/global-ids.ts';
import { redirectLog } from '../src/observability/log.ts';
import { snakeCase } from '../src/rest/http.ts';
import { deeplyNested, toJson } from './helpers/deep-json.ts';
import { graphqlClient } from './helpers/graphql.ts';
import { restStore } from './helpers/rest.ts';
import { ledgerSum } from './helpers/snapshot.ts';
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

describe('a stamp over a card limit: the same refusal over REST and GraphQL', () => {
  const ADD = `mutation($input: AddStampsInput!) { addStamps(input: $input) { customerCard { stampsCount } userErrors { field message code retryAt } } }`;

  async function limitedCustomerCard(card: Record<string, unknown>) {
    const store = await restStore(t);
    const created = await post(`${t.url}/api/v1${store.path}/cards`, store.token, { card: { name: 'Limited', stamps_required: 10, ...card } });
    expect(created.status).toBe(201);
    const customer = await post(`${t.url}/api/v1${store.path}/customers`, store.token, {
      customer: { first_name: 'Ada', email: `ada-${Math.random()}@example.com` },
      card_id: created.body.id,
    });
    expect(customer.status).toBe(201);
    const customerCardId = customer.body.customer_cards[0].id as number;
    const stampUrl = `${t.url}/api/v1${store.path}/customers/${customer.body.id}/customer_cards/${customerCardId}/stamp`;
    const viaRest = async (stamps: number, idempotencyKey?: string) => {
      const response = await fetch(stampUrl, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${store.token}`,
          'content-type': 'application/json',
          ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
        },
        body: JSON.stringify({ stamps }),
      });
      return { status: response.status, body: await response.json() };
    };
    const viaGraphql = async (stamps: number, idempotencyKey?: string) => {
      const response = await post(`${t.url}/graphql`, store.token, {
        query: ADD,
        variables: { input: { customerCardId: globalIdOf('CustomerCard', customerCardId), stamps, idempotencyKey } },
      });
      return response.body.data.addStamps;
    };
    return { viaRest, viaGraphql, customerCardId };
  }

  it.each([
    ['the cooldown', { stamp_cooldown_seconds: 3600 }, 1, 'TOO_SOON'],
    ['the daily limit', { max_stamps_per_day: 1 }, 1, 'DAILY_LIMIT'],
  ])('%s', async (_what, card, stamps, code) => {
    const s = await limitedCustomerCard(card);
    expect((await s.viaRest(stamps)).status).toBe(200);

    const rest = await s.viaRest(stamps);
    expect(rest.status).toBe(422);
    const graphql = await s.viaGraphql(stamps);
    expect(graphql.customerCard).toBeNull();
    expect(graphql.userErrors).toHaveLength(1);
    const [error] = graphql.userErrors;
    expect(error.code).toBe(code);
    expect(error.field).toEqual(['input', 'stamps']);
    expect(rest.body.errors).toEqual({ stamps: [error.message] });
    expect(rest.body.retry_at).toBe(error.retryAt);
    expect(new Date(error.retryAt).getTime()).toBeGreaterThan(Date.now());
    expect(error.message).toContain(error.retryAt);
    expect(await ledgerSum(t.runtime.deps.db, s.customerCardId)).toBe(1);
  });

  it('a retry with the same idempotency key is answered with the first result over both APIs, not refused', async () => {
    const s = await limitedCustomerCard({ stamp_cooldown_seconds: 3600, max_stamps_per_day: 2 });
    const first = await s.viaRest(2, 'sale-1');
    expect(first.status).toBe(200);
    const again = await s.viaRest(2, 'sale-1');
    expect(again).toEqual(first);
    const graphqlFirst = await s.viaGraphql(1, 'sale-2');
    expect(graphqlFirst.userErrors[0].code).toBe('TOO_SOON');
    expect(await ledgerSum(t.runtime.deps.db, s.customerCardId)).toBe(2);
  });
});
