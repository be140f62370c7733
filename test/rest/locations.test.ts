import { describe, expect, it } from 'vitest';
import { LocationSchema } from '../../src/rest/presenters/location.ts';
import { LOCATION_KEYS } from '../helpers/leal-shapes.ts';
import { expectError, expectShape, expectStatus, ISO_MS, restStore } from '../helpers/rest.ts';
import { useServer } from '../helpers/server.ts';

const t = useServer();

describe('locations', () => {
  it('creates (201, JSON and form), lists, shows, updates and deletes (204)', async () => {
    const { api, path, actor } = await restStore(t);
    const created = expectStatus(await api.post(`${path}/locations`, { location: { name: 'High Street Branch', address: '1 High St, Bath' } }), 201);
    expectShape(created.body, LOCATION_KEYS, LocationSchema.strict());
    expect(created.body).toMatchObject({ account_id: actor.storeId, name: 'High Street Branch', latitude: null, longitude: null });
    expect(created.body.created_at).toMatch(ISO_MS);
    const formed = expectStatus(
      await api.post(`${path}/locations`, { location: { name: 'Pier', address: 'Pier 1', latitude: '51.5', longitude: '-0.12' } }, { form: true }),
      201,
    ).body;
    expect(formed).toMatchObject({ latitude: 51.5, longitude: -0.12 });

    const list = expectStatus(await api.get(`${path}/locations`), 200).body;
    expect(list.map((l: { id: number }) => l.id)).toEqual([created.body.id, formed.id]);
    for (const location of list) expectShape(location, LOCATION_KEYS, LocationSchema.strict());
    expect(expectStatus(await api.get(`${path}/locations/${formed.id}`), 200).body).toEqual(formed);

    const moved = expectStatus(await api.patch(`${path}/locations/${formed.id}`, { location: { address: 'Pier 2' } }), 200).body;
    expect(moved).toMatchObject({ name: 'Pier', address: 'Pier 2', latitude: null, longitude: null });

    const deleted = await api.delete(`${path}/locations/${formed.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expectError(await api.get(`${path}/locations/${formed.id}`), 404);
    expectError(await api.delete(`${path}/locations/${formed.id}`), 404);
  });

  it.each([
    [{}, 'location'],
    [{ location: { address: 'x' } }, 'name'],
    [{ location: { name: 'x' } }, 'address'],
    [{ location: { name: 'x', address: 'y', latitude: 'north' } }, 'latitude'],
    [{ location: { name: 'x', address: 'y', latitude: 95, longitude: 0 } }, 'latitude'],
    [{ location: { name: 'x', address: 'y', longitude: 10 } }, 'latitude'],
  ])('refuses %j with 422 on %s and creates nothing', async (body, field) => {
    const { api, path } = await restStore(t);
    expectError(await api.post(`${path}/locations`, body), 422, [field]);
    expect(expectStatus(await api.get(`${path}/locations`), 200).body).toEqual([]);
  });

  it('refuses an invalid update with 422 and answers 404 "Location not found"', async () => {
    const { api, path } = await restStore(t);
    const location = expectStatus(await api.post(`${path}/locations`, { location: { name: 'A', address: 'B' } }), 201).body;
    expectError(await api.patch(`${path}/locations/${location.id}`, { location: { name: '' } }), 422, ['name']);
    expect(expectStatus(await api.get(`${path}/locations/${location.id}`), 200).body).toEqual(location);
    const missing = await api.get(`${path}/locations/999999`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: 'Location not found' });
  });

  it('answers a retried Idempotency-Key with the first location', async () => {
    const { api, path } = await restStore(t);
    const headers = { 'Idempotency-Key': 'loc-1' };
    const first = expectStatus(await api.post(`${path}/locations`, { location: { name: 'A', address: 'B' } }, { headers }), 201);
    const again = expectStatus(await api.post(`${path}/locations`, { location: { name: 'A', address: 'B' } }, { headers }), 201);
    expect(again.body).toEqual(first.body);
    expect(expectStatus(await api.get(`${path}/locations`), 200).body).toHaveLength(1);
  });
});
