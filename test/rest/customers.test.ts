import { describe, expect, it } from 'vitest';
import { setCardArchived } from '../../src/domain/cards/card.service.ts';
import { createCustomer } from '../../src/domain/customers/customer.service.ts';
import { CustomerPageSchema, CustomerSchema } from '../../src/rest/presenters/customer.ts';
import { seedCard } from '../helpers/factories.ts';
import { CUSTOMER_CARD_LIST_KEYS, CUSTOMER_KEYS, EXTRA_CUSTOMER_CARD_LIST_KEYS } from '../helpers/leal-shapes.ts';
import { expectError, expectShape, expectStatus, ISO_MS, restStore } from '../helpers/rest.ts';
import { useServer } from '../helpers/server.ts';

const t = useServer({ PUBLIC_URL: 'https://stamps.example' });
const deps = () => t.runtime.deps;

describe('POST /accounts/:account_id/customers', () => {
  it('creates a customer enrolled on card_id, with the welcome stamps, wallet URLs and every documented key', async () => {
    const { api, path, actor } = await restStore(t);
    const { card } = await seedCard(deps(), actor, { stampsRequired: 10, initialStamps: 2 });
    const response = expectStatus(
      await api.post(`${path}/customers`, {
        customer: {
          first_name: 'Ada',
          last_name: 'Lovelace',
          email: 'Ada@Example.com',
          phone: '+44 20 7946 0000',
          birthday: '1990-12-10',
          metadata: { tier: 'gold', visits: 3 },
          external_references: [{ source: 'square', external_id: 'SQ-1', metadata: { note: 'till' } }, { source: 'shopify', external_id: 42 }],
        },
        card_id: card.id,
        send_card_links: true,
      }),
      201,
    );
    expectShape(response.body, CUSTOMER_KEYS, CustomerSchema.strict());
    expect(response.body).toMatchObject({
      account_id: actor.storeId,
      first_name: 'Ada',
      last_name: 'Lovelace',
      email: 'ada@example.com',
      phone: '+442079460000',
      birthday: '1990-12-10',
      stamp_count: 2,
      metadata: { tier: 'gold', visits: 3 },
      external_references: [
        { source: 'square', external_id: 'SQ-1', metadata: { note: 'till' } },
        { source: 'shopify', external_id: '42', metadata: {} },
      ],
    });
    expect(response.body.customer_cards).toHaveLength(1);
    const [customerCard] = response.body.customer_cards;
    expectShape(customerCard, [...CUSTOMER_CARD_LIST_KEYS, ...EXTRA_CUSTOMER_CARD_LIST_KEYS]);
    expect(customerCard).toMatchObject({ card_id: card.id, stamps_count: 2, stamps_remaining: 8, status: 'active' });
    expect(customerCard.apple_wallet_url).toBe(`https://stamps.example/wallet/apple/${customerCard.uuid}.pkpass`);
    expect(response.body.created_at).toMatch(ISO_MS);
  });

  it('creates from a form body with nested metadata and external references', async () => {
    const { api, path, actor } = await restStore(t);
    const { card } = await seedCard(deps(), actor);
    const body = {
      customer: {
        first_name: 'Grace',
        phone: '07700900123',
        metadata: { source: 'poster' },
        external_references: [{ source: 'square', external_id: 'SQ-9', metadata: { till: '3' } }],
      },
      card_id: String(card.id),
      send_card_links: '1',
    };
    const response = expectStatus(await api.post(`${path}/customers`, body, { form: true }), 201);
    expect(response.body).toMatchObject({
      first_name: 'Grace',
      email: null,
      phone: '07700900123',
      metadata: { source: 'poster' },
      external_references: [{ source: 'square', external_id: 'SQ-9', metadata: { till: '3' } }],
    });
    expect(response.body.customer_cards.map((c: { card_id: number }) => c.card_id)).toEqual([card.id]);
  });

  it('takes an unwrapped JSON body, keeping card_id at the top', async () => {
    const { api, path, actor } = await restStore(t);
    const { card } = await seedCard(deps(), actor);
    const response = expectStatus(await api.post(`${path}/customers`, { first_name: 'Bare', email: 'bare@example.com', card_id: card.id }), 201);
    expect(response.body).toMatchObject({ first_name: 'Bare', email: 'bare@example.com' });
    expect(response.body.customer_cards).toHaveLength(1);
  });

  it.each([
    [{ customer: { email: 'a@example.com' } }, 'first_name'],
    [{ customer: { first_name: 'A' } }, 'base'],
    [{ customer: { first_name: 'A', email: 'not-an-email' } }, 'email'],
    [{ customer: { first_name: 'A', email: 'a@example.com', birthday: '1990-02-30' } }, 'birthday'],
    [{ customer: { first_name: 'A', email: 'a@example.com', metadata: 'gold' } }, 'metadata'],
    [{ customer: { first_name: 'A', email: 'a@example.com', external_references: 'square' } }, 'external_references'],
    [{ customer: { first_name: 'A', email: 'a@example.com', external_references: [{ source: 'Square POS', external_id: '1' }] } }, 'external_references'],
    [{ customer: { first_name: 'A', email: 'a@example.com', external_references: [{ external_id: '1' }] } }, 'external_references'],
    [{ customer: { first_name: 'A', email: 'a@example.com' }, card_id: 'first' }, 'card_id'],
    [{ customer: { first_name: 'A', email: 'a@example.com' }, send_card_links: 'yes' }, 'send_card_links'],
    [{ customer: { first_name: 'A\u0000B', email: 'a@example.com' } }, 'first_name'],
  ])('refuses %j with 422 on %s and creates nothing', async (body, field) => {
    const { api, path } = await restStore(t);
    expectError(await api.post(`${path}/customers`, body), 422, [field]);
    expect(expectStatus(await api.get(`${path}/customers`), 200).body.pagination.count).toBe(0);
  });

  it('refuses a taken email or phone and a reference linked to another customer with 422', async () => {
    const { api, path } = await restStore(t);
    expectStatus(await api.post(`${path}/customers`, { customer: { first_name: 'A', email: 'a@example.com', phone: '0123456789', external_references: [{ source: 'pos', external_id: '7' }] } }), 201);
    expectError(await api.post(`${path}/customers`, { customer: { first_name: 'B', email: 'A@example.com' } }), 422, ['email']);
    expectError(await api.post(`${path}/customers`, { customer: { first_name: 'B', phone: '012 345 6789' } }), 422, ['phone']);
    expectError(
      await api.post(`${path}/customers`, { customer: { first_name: 'B', email: 'b@example.com', external_references: [{ source: 'pos', external_id: '7' }] } }),
      422,
      ['external_references'],
    );
    expect(expectStatus(await api.get(`${path}/customers`), 200).body.pagination.count).toBe(1);
  });

  it('answers 404 for a card_id of no card of the store, and 422 for an archived card, creating nothing', async () => {
    const { api, path, actor } = await restStore(t);
    const { card } = await seedCard(deps(), actor);
    const unknown = await api.post(`${path}/customers`, { customer: { first_name: 'A', email: 'a@example.com' }, card_id: 999999 });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: 'Card not found' });
    await setCardArchived(deps(), actor, card.id, true);
    expectError(await api.post(`${path}/customers`, { customer: { first_name: 'A', email: 'a@example.com' }, card_id: card.id }), 422, ['card_id']);
    expect(expectStatus(await api.get(`${path}/customers`), 200).body.pagination.count).toBe(0);
  });

  it('answers a retried Idempotency-Key with the first customer', async () => {
    const { api, path } = await restStore(t);
    const headers = { 'Idempotency-Key': 'signup-1' };
    const body = { customer: { first_name: 'Once', email: 'once@example.com' } };
    const first = expectStatus(await api.post(`${path}/customers`, body, { headers }), 201);
    const again = expectStatus(await api.post(`${path}/customers`, body, { headers }), 201);
    expect(again.body).toEqual(first.body);
    expect(expectStatus(await api.get(`${path}/customers`), 200).body.pagination.count).toBe(1);
  });
});

describe('GET /accounts/:account_id/customers/:id', () => {
  it('shows the customer with all cards and the stamp total', async () => {
    const { api, path, actor } = await restStore(t);
    const one = await seedCard(deps(), actor, { initialStamps: 3 });
    const two = await seedCard(deps(), actor, { initialStamps: 1 });
    const created = expectStatus(await api.post(`${path}/customers`, { customer: { first_name: 'A', email: 'a@example.com' }, card_id: one.card.id }), 201).body;
    await deps().db.customerCard.create({
      data: { storeId: actor.storeId, customerId: created.id, cardId: two.card.id, stampsCount: 4, passToken: 'x'.repeat(32) },
    });
    const response = expectStatus(await api.get(`${path}/customers/${created.id}`), 200);
    expectShape(response.body, CUSTOMER_KEYS, CustomerSchema.strict());
    expect(response.body.stamp_count).toBe(7);
    expect(response.body.customer_cards.map((c: { card_id: number }) => c.card_id)).toEqual([one.card.id, two.card.id]);
  });

  it('answers 404 "Customer not found"', async () => {
    const { api, path } = await restStore(t);
    const response = await api.get(`${path}/customers/123456`);
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: 'Customer not found' });
  });
});

describe('PATCH /accounts/:account_id/customers/:id', () => {
  it('updates details, merges metadata and upserts references', async () => {
    const { api, path } = await restStore(t);
    const created = expectStatus(
      await api.post(`${path}/customers`, {
        customer: { first_name: 'A', email: 'a@example.com', metadata: { tier: 'silver', pet: 'cat' }, external_references: [{ source: 'pos', external_id: '1' }] },
      }),
      201,
    ).body;
    const response = expectStatus(
      await api.patch(`${path}/customers/${created.id}`, {
        customer: {
          last_name: 'B',
          metadata: { tier: 'gold' },
          external_references: [{ source: 'pos', external_id: '1', metadata: { x: 1 } }, { source: 'web', external_id: 'w-1' }],
        },
      }),
      200,
    );
    expectShape(response.body, CUSTOMER_KEYS, CustomerSchema.strict());
    expect(response.body).toMatchObject({
      first_name: 'A',
      last_name: 'B',
      email: 'a@example.com',
      metadata: { tier: 'gold', pet: 'cat' },
      external_references: [
        { source: 'pos', external_id: '1', metadata: { x: 1 } },
        { source: 'web', external_id: 'w-1', metadata: {} },
      ],
    });
  });

  it('refuses clearing both email and phone with 422, changing nothing', async () => {
    const { api, path } = await restStore(t);
    const created = expectStatus(await api.post(`${path}/customers`, { customer: { first_name: 'A', email: 'a@example.com' } }), 201).body;
    expectError(await api.patch(`${path}/customers/${created.id}`, { customer: { email: '', first_name: 'Z' } }, { form: true }), 422, ['base']);
    expect(expectStatus(await api.get(`${path}/customers/${created.id}`), 200).body).toEqual(created);
  });

  it('answers 404 for an unknown customer', async () => {
    const { api, path } = await restStore(t);
    expectError(await api.patch(`${path}/customers/999999`, { customer: { first_name: 'x' } }), 404);
  });
});

describe('GET /accounts/:account_id/customers', () => {
  async function population(count: number) {
    const store = await restStore(t);
    const ids: number[] = [];
    for (let i = 1; i <= count; i++) {
      const { customer } = await createCustomer(deps(), store.actor, { firstName: `Person${i}`, email: `p${i}@example.com` });
      ids.push(customer.id);
    }
    return { ...store, ids };
  }

  it('pages oldest first, 20 by default, with the Pagy-style envelope', async () => {
    const { api, path, ids } = await population(23);
    const first = expectStatus(await api.get(`${path}/customers`), 200);
    expectShape(first.body, ['customers', 'pagination'], CustomerPageSchema.strict());
    expect(first.body.pagination).toEqual({ count: 23, items: 20, page: 1, pages: 2 });
    expect(first.body.customers.map((c: { id: number }) => c.id)).toEqual(ids.slice(0, 20));
    for (const customer of first.body.customers) expectShape(customer, CUSTOMER_KEYS);
    const second = expectStatus(await api.get(`${path}/customers?page=2`), 200).body;
    expect(second.customers.map((c: { id: number }) => c.id)).toEqual(ids.slice(20));
    const small = expectStatus(await api.get(`${path}/customers?items=5&page=3`), 200).body;
    expect(small.pagination).toEqual({ count: 23, items: 5, page: 3, pages: 5 });
    expect(small.customers.map((c: { id: number }) => c.id)).toEqual(ids.slice(10, 15));
    const beyond = expectStatus(await api.get(`${path}/customers?page=9`), 200).body;
    expect(beyond).toEqual({ customers: [], pagination: { count: 23, items: 20, page: 9, pages: 2 } });
  });

  it.each(['items=101', 'items=0', 'page=0', 'page=two', 'items=1.5', 'external_id=x'])('refuses ?%s with 422', async (query) => {
    const { api, path } = await restStore(t);
    const field = query.split('=')[0]!;
    expectError(await api.get(`${path}/customers?${query}`), 422, [field]);
  });

  it('searches name, email and phone in any case, and exactly a card uuid or an external id', async () => {
    const { api, path, actor } = await restStore(t);
    const { card } = await seedCard(deps(), actor);
    const ada = await createCustomer(deps(), actor, { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' }, { cardId: card.id });
    const grace = await createCustomer(deps(), actor, {
      firstName: 'Grace',
      phone: '+15550001111',
      externalReferences: [{ source: 'square', externalId: 'SQ-77' }],
    });
    const find = async (query: string) =>
      (expectStatus(await api.get(`${path}/customers?${query}`), 200).body.customers as { id: number }[]).map((c) => c.id);
    expect(await find('search=LOVE')).toEqual([ada.customer.id]);
    expect(await find('search=example.com')).toEqual([ada.customer.id]);
    expect(await find('search=5550001')).toEqual([grace.customer.id]);
    expect(await find(`search=${ada.customerCard!.uuid}`)).toEqual([ada.customer.id]);
    expect(await find('search=SQ-77')).toEqual([grace.customer.id]);
    expect(await find('search=nobody')).toEqual([]);
    expect(await find('source=square&external_id=SQ-77')).toEqual([grace.customer.id]);
    expect(await find('source=square&external_id=SQ-78')).toEqual([]);
    expect(await find('source=square')).toEqual([grace.customer.id]);
  });
});
