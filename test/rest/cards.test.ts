import { describe, expect, it } from 'vitest';
import { CardSchema } from '../../src/rest/presenters/card.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { CARD_KEYS, EXTRA_CARD_KEYS } from '../helpers/leal-shapes.ts';
import { expectError, expectShape, expectStatus, ISO_MS, restStore } from '../helpers/rest.ts';
import { useServer } from '../helpers/server.ts';

const t = useServer();
const keys = [...CARD_KEYS, ...EXTRA_CARD_KEYS];

describe('POST /accounts/:account_id/cards', () => {
  it('creates a card (201) with every documented key and the defaults', async () => {
    const { api, path, actor } = await restStore(t);
    const response = expectStatus(await api.post(`${path}/cards`, { card: { name: 'Coffee Loyalty Card', stamps_required: 8 } }), 201);
    expectShape(response.body, keys, CardSchema.strict());
    expect(response.body).toMatchObject({
      account_id: actor.storeId,
      name: 'Coffee Loyalty Card',
      card_color: '#6B4226',
      text_color: '#FFFFFF',
      stamp_icon: 'coffee',
      stamp_color: '#F5C542',
      stamps_required: 8,
      initial_stamps: 0,
      strip_type: 'color',
      strip_color: null,
      strip_preset: null,
      header_text: null,
      archived_at: null,
      rewards_count: 0,
      customer_cards_count: 0,
    });
    expect(response.body.created_at).toMatch(ISO_MS);
    expect(response.body.updated_at).toMatch(ISO_MS);
  });

  it('takes a form-encoded body with Rails-style keys and string values', async () => {
    const { api, path } = await restStore(t);
    const body = { card: { name: 'Form card', stamps_required: '12', initial_stamps: '2', strip_type: 'preset', strip_preset: 'beans', header_text: 'Hi' } };
    const response = expectStatus(await api.post(`${path}/cards`, body, { form: true }), 201);
    expect(response.body).toMatchObject({ name: 'Form card', stamps_required: 12, initial_stamps: 2, strip_type: 'preset', strip_preset: 'beans', header_text: 'Hi' });
  });

  it('wraps an unwrapped JSON body into card, as Rails does', async () => {
    const { api, path } = await restStore(t);
    const response = expectStatus(await api.post(`${path}/cards`, { name: 'Bare', stamps_required: 4 }), 201);
    expect(response.body).toMatchObject({ name: 'Bare', stamps_required: 4 });
  });

  it.each([
    [{}, 'card', 'is missing'],
    [{ card: 'Coffee' }, 'card', 'must be an object'],
    [{ card: {} }, 'name', "can't be blank"],
    [{ card: { name: 'x', stamps_required: 22 } }, 'stamps_required', 'must be less than or equal to 21'],
    [{ card: { name: 'x', stamps_required: 0 } }, 'stamps_required', 'must be greater than or equal to 1'],
    [{ card: { name: 'x', stamps_required: 'ten' } }, 'stamps_required', 'must be an integer'],
    [{ card: { name: 'x', stamps_required: 2.5 } }, 'stamps_required', 'must be an integer'],
    [{ card: { name: 'x', stamps_required: 5, initial_stamps: 5 } }, 'initial_stamps', 'must be less than the stamps required (5)'],
    [{ card: { name: 'x', card_color: 'brown' } }, 'card_color', 'must be a hex colour like #6B4226'],
    [{ card: { name: 'x', strip_type: 'video' } }, 'strip_type', 'must be one of: color, image, preset'],
    [{ card: { name: 42 } }, 'name', 'must be a string'],
  ])('refuses %j with 422 on %s and creates nothing', async (body, field, message) => {
    const { api, path } = await restStore(t);
    const response = await api.post(`${path}/cards`, body);
    expectError(response, 422, [field]);
    expect(response.body.errors[field]).toContain(message);
    expect(expectStatus(await api.get(`${path}/cards?scope=all`), 200).body).toEqual([]);
  });

  it('answers a retry with the same Idempotency-Key with the first card, and refuses the key for another body', async () => {
    const { api, path } = await restStore(t);
    const headers = { 'idempotency-key': 'create-card-1' };
    const first = expectStatus(await api.post(`${path}/cards`, { card: { name: 'Once' } }, { headers }), 201);
    const again = expectStatus(await api.post(`${path}/cards`, { card: { name: 'Once' } }, { headers }), 201);
    expect(again.body).toEqual(first.body);
    const other = await api.post(`${path}/cards`, { card: { name: 'Twice' } }, { headers });
    expectError(other, 422, ['idempotency_key']);
    expect(expectStatus(await api.get(`${path}/cards`), 200).body).toHaveLength(1);
  });
});

describe('GET /accounts/:account_id/cards', () => {
  it('lists unarchived cards by default; scope archived, all, and blank', async () => {
    const { api, path } = await restStore(t);
    const kept = expectStatus(await api.post(`${path}/cards`, { card: { name: 'Kept' } }), 201).body;
    const gone = expectStatus(await api.post(`${path}/cards`, { card: { name: 'Gone' } }), 201).body;
    expectStatus(await api.patch(`${path}/cards/${gone.id}`, { card: { archived: true } }), 200);
    const ids = async (query: string) => (expectStatus(await api.get(`${path}/cards${query}`), 200).body as { id: number }[]).map((c) => c.id);
    expect(await ids('')).toEqual([kept.id]);
    expect(await ids('?scope=')).toEqual([kept.id]);
    expect(await ids('?scope=active')).toEqual([kept.id]);
    expect(await ids('?scope=archived')).toEqual([gone.id]);
    expect(await ids('?scope=all')).toEqual([kept.id, gone.id]);
    const list = expectStatus(await api.get(`${path}/cards?scope=all`), 200).body;
    for (const card of list) expectShape(card, keys, CardSchema.strict());
    expect(list[1].archived_at).toMatch(ISO_MS);
  });

  it('refuses an unknown scope with 422', async () => {
    const { api, path } = await restStore(t);
    expectError(await api.get(`${path}/cards?scope=deleted`), 422, ['scope']);
  });
});

describe('GET /accounts/:account_id/cards/:id', () => {
  it('shows a card with its reward and customer-card counts, archived or not', async () => {
    const { api, path, actor } = await restStore(t);
    const { card } = await seedCard(t.runtime.deps, actor, {}, [
      { name: 'Small', stampsRequired: 3 },
      { name: 'Off', stampsRequired: 5, active: false },
    ]);
    await seedCustomerCard(t.runtime.deps, actor, card.id);
    const response = expectStatus(await api.get(`${path}/cards/${card.id}`), 200);
    expectShape(response.body, keys, CardSchema.strict());
    expect(response.body).toMatchObject({ id: card.id, rewards_count: 2, customer_cards_count: 1 });
    expectStatus(await api.patch(`${path}/cards/${card.id}`, { card: { archived: '1' } }, { form: true }), 200);
    expect(expectStatus(await api.get(`${path}/cards/${card.id}`), 200).body.archived_at).toMatch(ISO_MS);
  });

  it.each(['999999', 'abc', '1.5', '-1', '0', '99999999999'])('answers 404 "Card not found" for id %s', async (id) => {
    const { api, path } = await restStore(t);
    const response = await api.get(`${path}/cards/${id}`);
    expectStatus(response, 404);
    expect(response.body).toEqual({ error: 'Card not found' });
  });
});

describe('PATCH /accounts/:account_id/cards/:id', () => {
  it('changes only the given attributes and clears nullable ones with null or an empty form value', async () => {
    const { api, path } = await restStore(t);
    const card = expectStatus(await api.post(`${path}/cards`, { card: { name: 'A', header_text: 'Old', stamps_required: 9 } }), 201).body;
    const renamed = expectStatus(await api.patch(`${path}/cards/${card.id}`, { card: { name: 'B', header_text: null } }), 200).body;
    expectShape(renamed, keys, CardSchema.strict());
    expect(renamed).toMatchObject({ name: 'B', header_text: null, stamps_required: 9, card_color: card.card_color });
    const formed = expectStatus(await api.patch(`${path}/cards/${card.id}`, { card: { header_text: 'New', strip_color: '' } }, { form: true }), 200).body;
    expect(formed).toMatchObject({ header_text: 'New', strip_color: null, name: 'B' });
  });

  it('refuses invalid attributes with 422 and changes nothing', async () => {
    const { api, path } = await restStore(t);
    const card = expectStatus(await api.post(`${path}/cards`, { card: { name: 'A', stamps_required: 6, initial_stamps: 3 } }), 201).body;
    const response = await api.patch(`${path}/cards/${card.id}`, { card: { name: 'B', stamps_required: 3 } });
    expectError(response, 422, ['initial_stamps']);
    const after = expectStatus(await api.get(`${path}/cards/${card.id}`), 200).body;
    expect(after).toEqual(card);
  });

  it('answers 404 for an unknown card and 422 for a missing wrapper', async () => {
    const { api, path } = await restStore(t);
    expectError(await api.patch(`${path}/cards/999999`, { card: { name: 'x' } }), 404);
    const card = expectStatus(await api.post(`${path}/cards`, { card: { name: 'A' } }), 201).body;
    const missing = await api.patch(`${path}/cards/${card.id}`, {});
    expectError(missing, 422, ['card']);
    expect(missing.body.errors.card).toEqual(['is missing']);
  });
});
