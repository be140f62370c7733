import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deeplyNested } from '../helpers/deep-json.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { expectError, expectStatus, restStore } from '../helpers/rest.ts';
import { useServer } from '../helpers/server.ts';

const t = useServer();
const deps = () => t.runtime.deps;

async function cardCount(storeId: number) {
  return deps().db.card.count({ where: { storeId } });
}

describe('request bodies', () => {
  it.each([
    ['{"card": {"name": "x"', 'application/json', 400],
    ['[{"card": {"name": "x"}}]', 'application/json', 400],
    ['"card"', 'application/json', 400],
    ['null', 'application/json', 400],
    ['card[name]=x', 'text/plain', 415],
    ['<card><name>x</name></card>', 'application/xml', 415],
    ['card=x&card[name]=y', 'application/x-www-form-urlencoded', 400],
  ])('answers %s (%s) with %i and the error body, creating nothing', async (raw, contentType, status) => {
    const { api, path, actor } = await restStore(t);
    const response = await api.post(`${path}/cards`, undefined, { raw, contentType });
    expectError(response, status);
    expect(Object.keys(response.body.errors).length).toBeGreaterThan(0);
    expect(await cardCount(actor.storeId)).toBe(0);
  });

  it.each([
    ['{"card": {"name": "a", "name": "b"}}', 'name'],
    ['{"card": {"name": "a"}, "card": {"name": "b"}}', 'card'],
    ['{"card": {"name": "a", "n\\u0061me": "b"}}', 'name'],
    ['{"card": {"name": "a", "header_text": "{\\"name\\": 1, \\"name\\": 2}", "x": [{"k": 1, "k": 2}]}}', 'k'],
  ])('refuses duplicate keys in one JSON object with 400: %s', async (raw, key) => {
    const { api, path, actor } = await restStore(t);
    const response = await api.post(`${path}/cards`, undefined, { raw, contentType: 'application/json' });
    expectError(response, 400, ['body']);
    expect(response.body.errors.body).toEqual([`has the key "${key}" twice in one object`]);
    expect(await cardCount(actor.storeId)).toBe(0);
  });

  it('accepts the same key in different objects and in a list of objects', async () => {
    const { api, path } = await restStore(t);
    const raw = '{"card": {"name": "a", "header_text": "b"}, "extra": [{"name": 1}, {"name": 2}], "other": {"name": "c"}}';
    expectStatus(await api.post(`${path}/cards`, undefined, { raw, contentType: 'application/json' }), 201);
  });

  it.each([
    ['application/json; charset=iso-8859-1', '{"card": {"name": "Caf\u00e9"}}'],
    ['application/json; charset="windows-1252"', '{"card": {"name": "x"}}'],
    ['application/json;charset=utf-16', '{"card": {"name": "x"}}'],
    ['application/x-www-form-urlencoded; charset=iso-8859-1', 'card[name]=x'],
  ])('refuses a body declared in another charset than UTF-8 with 400: %s', async (contentType, raw) => {
    const { api, path, actor } = await restStore(t);
    const response = await api.post(`${path}/cards`, undefined, { raw, contentType });
    expectError(response, 400, ['content_type']);
    expect(response.body).toEqual({ error: 'Unsupported charset', errors: { content_type: ['charset must be utf-8'] } });
    expect(await cardCount(actor.storeId)).toBe(0);
  });

  it.each(['application/json; charset=UTF-8', 'application/json; charset="utf-8"', 'application/json;charset=utf8'])('accepts %s', async (contentType) => {
    const { api, path } = await restStore(t);
    expectStatus(await api.post(`${path}/cards`, undefined, { raw: '{"card": {"name": "Café"}}', contentType }), 201);
  });

  it('treats a body sent without a content type as unsupported', async () => {
    const { api, path } = await restStore(t);
    // fetch labels a bare string body text/plain.
    expectError(await api.post(`${path}/cards`, undefined, { raw: '{"card":{"name":"x"}}' }), 415);
  });

  it('accepts JSON with a charset and +json media types', async () => {
    const { api, path } = await restStore(t);
    expectStatus(await api.post(`${path}/cards`, undefined, { raw: '{"card":{"name":"a"}}', contentType: 'application/json; charset=utf-8' }), 201);
    expectStatus(await api.post(`${path}/cards`, undefined, { raw: '{"card":{"name":"b"}}', contentType: 'application/vnd.api+json' }), 201);
  });

  it('accepts multipart form data with Rails-style keys', async () => {
    const { api, path } = await restStore(t);
    const form = new FormData();
    form.append('card[name]', 'Multipart');
    form.append('card[stamps_required]', '7');
    const response = expectStatus(await api.post(`${path}/cards`, form), 201);
    expect(response.body).toMatchObject({ name: 'Multipart', stamps_required: 7 });
  });

  it('merges query parameters under the body, the body winning', async () => {
    const { api, path } = await restStore(t);
    const response = expectStatus(await api.post(`${path}/cards?card[name]=Query&card[stamps_required]=4`, { card: { name: 'Body' } }), 201);
    expect(response.body).toMatchObject({ name: 'Body', stamps_required: 4 });
  });

  it('refuses a body over 1 MB with 413', async () => {
    const { api, path, actor } = await restStore(t);
    const response = await api.post(`${path}/cards`, { card: { name: 'x', header_text: 'y'.repeat(1_100_000) } });
    expectError(response, 413);
    expect(await cardCount(actor.storeId)).toBe(0);
  });

  it('refuses NUL characters in text and metadata with 422, not a database error', async () => {
    const { api, path } = await restStore(t);
    expectError(await api.post(`${path}/cards`, { card: { name: 'a\u0000b' } }), 422, ['name']);
    expectError(
      await api.post(`${path}/customers`, { customer: { first_name: 'A', email: 'a@example.com', metadata: { 'k\u0000': 'v' } } }),
      422,
      ['metadata'],
    );
    expectError(await api.get(`${path}/customers?search=a%00b`), 422, ['search']);
  });

  it('refuses deeply nested metadata and file uploads with 422', async () => {
    const { api, path } = await restStore(t);
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const raw = `{"customer": {"first_name": "A", "email": "a@example.com", "metadata": {"x": ${deep}}}}`;
    expectError(await api.post(`${path}/customers`, undefined, { raw, contentType: 'application/json' }), 422, ['metadata']);
    const form = new FormData();
    form.append('card[name]', new Blob(['x']), 'name.txt');
    expectError(await api.post(`${path}/cards`, form), 422, ['card']);
  });

  it('never lets "__proto__" in a body change an object’s prototype', async () => {
    const { api, path } = await restStore(t);
    const response = await api.post(`${path}/cards`, undefined, {
      raw: '{"card": {"__proto__": {"name": "Sneaky"}}, "__proto__": {"polluted": true}}',
      contentType: 'application/json',
    });
    expectError(response, 422, ['name']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('ignores unknown attributes, as Rails’ strong parameters do', async () => {
    const { api, path } = await restStore(t);
    const response = expectStatus(await api.post(`${path}/cards`, { card: { name: 'x', favourite_colour: '#000000', id: 12345 } }), 201);
    expect(response.body.id).not.toBe(12345);
    expect(response.body).not.toHaveProperty('favourite_colour');
  });
});

describe('hostile input never becomes a 500', () => {
  it('answers random JSON bodies on every write with 2xx, 400, 404 or 422', async () => {
    const { api, path, actor } = await restStore(t);
    const { card, rewards } = await seedCard(deps(), actor, {}, [{ name: 'R', stampsRequired: 1 }]);
    const { customer, customerCard } = await seedCustomerCard(deps(), actor, card.id);
    const cc = `${path}/customers/${customer.id}/customer_cards/${customerCard.id}`;
    const writes: Array<[string, string, string | undefined]> = [
      ['POST', `${path}/cards`, 'card'],
      ['PATCH', `${path}/cards/${card.id}`, 'card'],
      ['POST', `${cc}/stamp`, undefined],
      ['POST', `${cc}/redeem`, undefined],
      ['POST', `${path}/customers`, 'customer'],
      ['PATCH', `${path}/customers/${customer.id}`, 'customer'],
      ['POST', `${path}/locations`, 'location'],
      ['POST', `${path}/posters`, 'poster'],
      ['POST', `${path}/rewards`, 'reward'],
      ['PATCH', `${path}/rewards/${rewards[0]!.id}`, 'reward'],
      ['PATCH', path, 'account'],
    ];
    const fieldNames = fc.constantFrom(
      'name', 'stamps', 'stamps_required', 'initial_stamps', 'card_color', 'reward_id', 'card_id', 'first_name', 'email',
      'phone', 'birthday', 'metadata', 'external_references', 'address', 'latitude', 'paper_size', 'active', 'minimum_age',
      'skip_notifications', 'position', 'store_name', 'archived',
    );
    // Now and then a value nested deeper than any rule allows, or deep enough to overflow a recursive walk.
    const value = fc.oneof(
      { weight: 9, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
      { weight: 1, arbitrary: fc.constantFrom(deeplyNested(21), deeplyNested(5_000)) },
    );
    const body = fc.oneof(
      fc.dictionary(fieldNames, value),
      fc.dictionary(fc.constantFrom('card', 'customer', 'location', 'poster', 'reward', 'account'), fc.dictionary(fieldNames, value)),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...writes), body, fc.boolean(), async ([method, target], value, asForm) => {
        const response = await api.request(method, target, value, { form: asForm });
        expect([200, 201, 400, 404, 422], `${method} ${target} ${JSON.stringify(value).slice(0, 500)} → ${response.text}`).toContain(response.status);
      }),
      { numRuns: 150 },
    );
  });

  it('answers random query strings on every list with 200, 400, 422 or 431', async () => {
    const { api, path } = await restStore(t);
    const lists = ['cards', 'customers', 'posters', 'rewards', 'locations'].map((list) => `${path}/${list}`);
    const query = fc.dictionary(
      fc.constantFrom('scope', 'search', 'source', 'external_id', 'page', 'items', 'card_id', 'active', 'x[y]', 'page[]'),
      fc.oneof(fc.string({ maxLength: 12 }), fc.integer().map(String), fc.constantFrom('99999999999999', '-1', '1e3', '', 'x'.repeat(256), 'x'.repeat(10_000))),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...lists), query, async (list, params) => {
        const response = await api.get(`${list}?${new URLSearchParams(params)}`);
        // 431: Node refuses request lines and headers over 16 KiB before the gateway sees them.
        expect([200, 400, 422, 431], `${list}?${new URLSearchParams(params).toString().slice(0, 500)} → ${response.text}`).toContain(response.status);
      }),
      { numRuns: 100 },
    );
  });
});
