import { appendAudit } from '../../auth/audit.ts';
import { rowBeforeChange } from '../audited-change.ts';
import { assertPerformAction } from '../../auth/policy.ts';
import type { Prisma } from '../../generated/sqlite/client.ts';
import type { Actor, Deps } from '../context.ts';
import { notFound } from '../errors.ts';
import { createAudited } from '../audited-create.ts';
import { definedOnly } from '../validation.ts';
import { type LocationAttributes, validateLocation } from './location.rules.ts';

export type LocationRow = Prisma.LocationGetPayload<object>;

export type LocationInput = Partial<LocationAttributes>;

/** Text is stored trimmed so a stray space does not make two addresses differ. */
function trimmed(input: LocationInput): LocationInput {
  return {
    ...input,
    ...(typeof input.name === 'string' ? { name: input.name.trim() } : {}),
    ...(typeof input.address === 'string' ? { address: input.address.trim() } : {}),
  };
}

export async function getLocation(deps: Deps, actor: Actor, id: number): Promise<LocationRow> {
  assertPerformAction(actor, 'location.read');
  const location = await deps.db.location.findFirst({ where: { id, storeId: actor.storeId } });
  if (!location) throw notFound('Location');
  return location;
}

export async function listLocations(deps: Deps, actor: Actor): Promise<LocationRow[]> {
  assertPerformAction(actor, 'location.read');
  return deps.db.location.findMany({ where: { storeId: actor.storeId }, orderBy: { id: 'asc' } });
}

/**
 * Creates a location. There is no geocoder: latitude and longitude stay null unless the caller gives
 * them (both together).
 */
export async function createLocation(
  deps: Deps,
  actor: Actor,
  input: LocationInput,
  idempotencyKey?: string | null,
): Promise<LocationRow> {
  assertPerformAction(actor, 'location.create');
  const given = definedOnly(trimmed(input));
  const merged = { name: '', address: '', latitude: null, longitude: null, ...given } as LocationAttributes;
  validateLocation(merged, new Set([...Object.keys(given), 'name', 'address']));
  return createAudited(
    deps,
    actor,
    { action: 'location.create', targetType: 'Location', operation: 'createLocation', params: given, idempotencyKey },
    (tx) => tx.location.create({ data: { ...merged, storeId: actor.storeId } }),
    (id) => getLocation(deps, actor, id),
  );
}

/**
 * Changes only the given attributes. A new address without new coordinates clears the old ones:
 * they described the previous address.
 */
export async function updateLocation(deps: Deps, actor: Actor, id: number, input: LocationInput): Promise<LocationRow> {
  assertPerformAction(actor, 'location.update');
  const location = await getLocation(deps, actor, id);
  const given = definedOnly(trimmed(input));
  const moved =
    given.address !== undefined &&
    given.address !== location.address &&
    given.latitude === undefined &&
    given.longitude === undefined;
  const changes: LocationInput = moved ? { ...given, latitude: null, longitude: null } : given;
  validateLocation({ ...location, ...changes } as LocationAttributes, new Set(Object.keys(given)));
  if (Object.keys(changes).length === 0) return location;
  return deps.db.$transaction(async (tx) => {
    const before = await rowBeforeChange(tx, deps.provider, 'locations', location.id, 'Location', () => tx.location.findUnique({ where: { id: location.id } }));
    const updated = await tx.location.update({ where: { id: location.id }, data: changes });
    await appendAudit(tx, actor, { action: 'location.update', targetType: 'Location', targetId: location.id, before, after: updated });
    return updated;
  });
}

/** Deletes a location for good; nothing else refers to it. */
export async function deleteLocation(deps: Deps, actor: Actor, id: number): Promise<void> {
  assertPerformAction(actor, 'location.delete');
  const location = await getLocation(deps, actor, id);
  await deps.db.$transaction(async (tx) => {
    const before = await rowBeforeChange(tx, deps.provider, 'locations', location.id, 'Location', () => tx.location.findUnique({ where: { id: location.id } }), 'delete');
    await tx.location.delete({ where: { id: location.id } });
    await appendAudit(tx, actor, { action: 'location.delete', targetType: 'Location', targetId: location.id, before, after: null });
  });
}
