import { describe, expect, it } from 'vitest';
import { createLocation } from '../../src/domain/locations/location.service.ts';
import { createPoster } from '../../src/domain/posters/poster.service.ts';
import { StoreSchema } from '../../src/rest/presenters/store.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { STORE_KEYS } from '../helpers/leal-shapes.ts';
import { expectError, expectShape, expectStatus, ISO_MS, restStore } from '../helpers/rest.ts';
import { useServer } from '../helpers/server.ts';

const t = useServer();
const deps = () => t.runtime.deps;

describe('GET /accounts', () => {
  it('lists the token’s store with its counts (archived cards included)', async () => {
    const { api, actor } = await restStore(t);
    const { card } = await seedCard(deps(), actor);
    const archived = await seedCard(deps(), actor);
    await api.patch(`/accounts/${actor.storeId}/cards/${archived.card.id}`, { card: { archived: true } });
    await seedCustomerCard(deps(), actor, card.id);
    await createLocation(deps(), actor, { name: 'A', address: 'Street 1' });
    await createPoster(deps(), actor, card.id, {});
    const response = expectStatus(await api.get('/accounts'), 200);
    expect(response.body).toHaveLength(1);
    expectShape(response.body[0], STORE_KEYS, StoreSchema.strict());
    expect(response.body[0]).toMatchObject({
      id: actor.storeId,
      store_name: null,
      personal: false,
      locations_count: 1,
      cards_count: 2,
      customers_count: 1,
      posters_count: 1,
    });
    expect(response.body[0].display_store_name).toBe(response.body[0].name);
    expect(response.body[0].created_at).toMatch(ISO_MS);
  });
});

describe('GET /accounts/:id', () => {
  it('shows the token’s store and answers 404 for any other id', async () => {
    const { api, actor } = await restStore(t);
    const other = await restStore(t);
    expectShape(expectStatus(await api.get(`/accounts/${actor.storeId}`), 200).body, STORE_KEYS, StoreSchema.strict());
    for (const id of [other.actor.storeId, 999999, 'abc']) {
      const response = await api.get(`/accounts/${id}`);
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ error: 'Store not found' });
    }
  });
});

describe('PATCH /accounts/:id', () => {
  it('updates name and store_name (JSON and form), and display_store_name follows', async () => {
    const { api, actor } = await restStore(t);
    const updated = expectStatus(await api.patch(`/accounts/${actor.storeId}`, { account: { name: 'Blue Door', store_name: 'Blue Door Cafe' } }), 200);
    expectShape(updated.body, STORE_KEYS, StoreSchema.strict());
    expect(updated.body).toMatchObject({ name: 'Blue Door', store_name: 'Blue Door Cafe', display_store_name: 'Blue Door Cafe' });
    const cleared = expectStatus(await api.patch(`/accounts/${actor.storeId}`, { account: { store_name: '' } }, { form: true }), 200);
    expect(cleared.body).toMatchObject({ store_name: null, display_store_name: 'Blue Door' });
  });

  it('refuses a blank name and a missing wrapper with 422, and another store with 404', async () => {
    const { api, actor } = await restStore(t);
    const other = await restStore(t);
    expectError(await api.patch(`/accounts/${actor.storeId}`, { account: { name: '  ' } }), 422, ['name']);
    expectError(await api.patch(`/accounts/${actor.storeId}`, {}), 422, ['account']);
    expectError(await api.patch(`/accounts/${other.actor.storeId}`, { account: { name: 'Mine now' } }), 404);
    const theirs = expectStatus(await other.api.get(`/accounts/${other.actor.storeId}`), 200).body;
    expect(theirs.name).not.toBe('Mine now');
  });
});
