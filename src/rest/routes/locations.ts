import { z } from '@hono/zod-openapi';
import {
  createLocation,
  deleteLocation,
  getLocation,
  listLocations,
  updateLocation,
} from '../../domain/locations/location.service.ts';
import { Attributes, Num, Text } from '../fields.ts';
import { camelKeys } from '../http.ts';
import { LocationSchema, presentLocation } from '../presenters/location.ts';
import { defineRoute } from '../route.ts';

const locationAttributes = {
  name: Text().optional().openapi({ description: 'Location name (required on create)', example: 'High Street Branch' }),
  address: Text().optional().openapi({ description: 'Full street address (required on create)' }),
  latitude: Num()
    .nullable()
    .optional()
    .openapi({ description: 'Stampline extension: coordinates are not geocoded, give both or neither' }),
  longitude: Num().nullable().optional(),
};

const LocationBody = z.object({ location: Attributes(locationAttributes) });

const base = '/accounts/{account_id}/locations';

export const locationRoutes = [
  defineRoute({
    method: 'get',
    path: base,
    operationId: 'listLocations',
    tag: 'Locations',
    summary: 'List the store’s locations',
    success: { status: 200, description: 'Array of locations', schema: z.array(LocationSchema) },
    errors: [404],
    handle: async ({ runtime, actor }) => (await listLocations(runtime.deps, actor)).map(presentLocation),
  }),
  defineRoute({
    method: 'get',
    path: `${base}/{id}`,
    operationId: 'getLocation',
    tag: 'Locations',
    summary: 'Show a location',
    resource: 'Location',
    success: { status: 200, description: 'The location', schema: LocationSchema },
    errors: [404],
    handle: async ({ runtime, actor, params }) => presentLocation(await getLocation(runtime.deps, actor, params.id)),
  }),
  defineRoute({
    method: 'post',
    path: base,
    operationId: 'createLocation',
    tag: 'Locations',
    summary: 'Create a location (no geocoding: latitude and longitude stay null unless given)',
    body: LocationBody,
    wrapper: 'location',
    idempotent: true,
    success: { status: 201, description: 'The new location', schema: LocationSchema },
    errors: [400, 404, 413, 415, 422],
    handle: async ({ runtime, actor, body, idempotencyKey }) =>
      presentLocation(await createLocation(runtime.deps, actor, camelKeys(body.location), idempotencyKey)),
  }),
  defineRoute({
    method: 'patch',
    path: `${base}/{id}`,
    operationId: 'updateLocation',
    tag: 'Locations',
    summary: 'Update a location; a new address without coordinates clears the old ones',
    resource: 'Location',
    body: LocationBody,
    wrapper: 'location',
    success: { status: 200, description: 'The updated location', schema: LocationSchema },
    errors: [400, 404, 413, 415, 422],
    handle: async ({ runtime, actor, params, body }) =>
      presentLocation(await updateLocation(runtime.deps, actor, params.id, camelKeys(body.location))),
  }),
  defineRoute({
    method: 'delete',
    path: `${base}/{id}`,
    operationId: 'deleteLocation',
    tag: 'Locations',
    summary: 'Delete a location for good',
    resource: 'Location',
    success: { status: 204, description: 'Deleted; no body' },
    errors: [404],
    handle: async ({ runtime, actor, params }) => deleteLocation(runtime.deps, actor, params.id),
  }),
];
