import { z } from '@hono/zod-openapi';
import type { LocationRow } from '../../domain/locations/location.service.ts';
import { IdField, Timestamp } from './shared.ts';
import { timestamp } from '../../domain/presenters/time.ts';

export const LocationSchema = z
  .object({
    id: IdField,
    account_id: IdField,
    name: z.string().openapi({ example: 'Downtown Branch' }),
    address: z.string(),
    latitude: z.number().nullable().openapi({ description: 'Null unless given: Stampline does not geocode' }),
    longitude: z.number().nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi('Location');
export type LocationJson = z.infer<typeof LocationSchema>;

export function presentLocation(location: LocationRow): LocationJson {
  return {
    id: location.id,
    account_id: location.storeId,
    name: location.name,
    address: location.address,
    latitude: location.latitude,
    longitude: location.longitude,
    created_at: timestamp(location.createdAt),
    updated_at: timestamp(location.updatedAt),
  };
}
