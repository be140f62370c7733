import { describe, expect, it } from 'vitest';
import type { Deps } from '../../src/domain/context.ts';
import { ErrorCode } from '../../src/domain/errors.ts';
import {
  createLocation,
  deleteLocation,
  getLocation,
  listLocations,
  updateLocation,
} from '../../src/domain/locations/location.service.ts';
import { expectDomainError } from '../helpers/domain-errors.ts';
import { newStore, useRuntime } from '../helpers/runtime.ts';

const t = useRuntime();
const deps = (): Deps => t.runtime.deps;

describe('locations', () => {
  it('creates with name and address, no coordinates unless given, trimmed', async () => {
    const { actor } = await newStore(t.runtime);
    const plain = await createLocation(deps(), actor, { name: ' High Street ', address: '1 High Street, Bath' });
    expect(plain).toMatchObject({ name: 'High Street', address: '1 High Street, Bath', latitude: null, longitude: null });
    const placed = await createLocation(deps(), actor, { name: 'Pier', address: 'Pier 1', latitude: 51.5, longitude: -0.12 });
    expect(placed).toMatchObject({ latitude: 51.5, longitude: -0.12 });
    expect((await listLocations(deps(), actor)).map((l) => l.id)).toEqual([plain.id, placed.id]);
  });

  it.each([
    [{ address: 'x' }, 'name'],
    [{ name: 'x' }, 'address'],
    [{ name: 'x', address: '   ' }, 'address'],
    [{ name: 'x', address: 'y', latitude: 91, longitude: 0 }, 'latitude'],
    [{ name: 'x', address: 'y', latitude: 0, longitude: -181 }, 'longitude'],
    [{ name: 'x', address: 'y', latitude: 10 }, 'longitude'],
    [{ name: 'x'.repeat(101), address: 'y' }, 'name'],
  ])('refuses %j with errors on %s and stores nothing', async (input, field) => {
    const { actor } = await newStore(t.runtime);
    await expectDomainError(createLocation(deps(), actor, input), ErrorCode.INVALID, field);
    expect(await listLocations(deps(), actor)).toEqual([]);
  });

  it('updates only what is given; a new address clears stale coordinates', async () => {
    const { actor } = await newStore(t.runtime);
    const location = await createLocation(deps(), actor, { name: 'A', address: 'Old', latitude: 1, longitude: 2 });
    const renamed = await updateLocation(deps(), actor, location.id, { name: 'B' });
    expect(renamed).toMatchObject({ name: 'B', address: 'Old', latitude: 1, longitude: 2 });
    const moved = await updateLocation(deps(), actor, location.id, { address: 'New' });
    expect(moved).toMatchObject({ address: 'New', latitude: null, longitude: null });
    const placed = await updateLocation(deps(), actor, location.id, { address: 'Newer', latitude: 3, longitude: 4 });
    expect(placed).toMatchObject({ address: 'Newer', latitude: 3, longitude: 4 });
    await expectDomainError(updateLocation(deps(), actor, location.id, { latitude: null }), ErrorCode.INVALID, 'latitude');
  });

  it("treats another store's location as not found, for reads, writes and deletes", async () => {
    const a = await newStore(t.runtime);
    const b = await newStore(t.runtime);
    const location = await createLocation(deps(), a.actor, { name: 'A', address: 'Here' });
    await expectDomainError(getLocation(deps(), b.actor, location.id), ErrorCode.NOT_FOUND);
    await expectDomainError(updateLocation(deps(), b.actor, location.id, { name: 'Mine' }), ErrorCode.NOT_FOUND);
    await expectDomainError(deleteLocation(deps(), b.actor, location.id), ErrorCode.NOT_FOUND);
    expect((await getLocation(deps(), a.actor, location.id)).name).toBe('A');
    await deleteLocation(deps(), a.actor, location.id);
    await expectDomainError(getLocation(deps(), a.actor, location.id), ErrorCode.NOT_FOUND);
  });

  it('returns the first location for a repeated idempotency key', async () => {
    const { actor } = await newStore(t.runtime);
    const first = await createLocation(deps(), actor, { name: 'A', address: 'Here' }, 'loc-1');
    const again = await createLocation(deps(), actor, { name: 'A', address: 'Here' }, 'loc-1');
    expect(again.id).toBe(first.id);
    await expectDomainError(createLocation(deps(), actor, { name: 'B', address: 'Here' }, 'loc-1'), ErrorCode.IDEMPOTENCY_KEY_REUSED);
    expect(await listLocations(deps(), actor)).toHaveLength(1);
  });
});
