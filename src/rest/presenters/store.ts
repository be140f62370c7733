import { z } from '@hono/zod-openapi';
import type { StoreSummary } from '../../domain/stores/store-summary.ts';
import { displayStoreName, type StoreRow } from '../../domain/stores/store.service.ts';
import { IdField, Timestamp } from './shared.ts';
import { timestamp } from '../../domain/presenters/time.ts';

export const StoreSchema = z
  .object({
    id: IdField,
    name: z.string().openapi({ description: 'Internal account name' }),
    store_name: z.string().nullable().openapi({ description: 'Public-facing name shown to customers' }),
    display_store_name: z.string().openapi({ description: '`store_name` when set, else `name`' }),
    personal: z.boolean(),
    time_zone: z.string().openapi({ description: 'IANA time zone; days of card `max_stamps_per_day` limits begin at its midnight', example: 'UTC' }),
    locations_count: z.number().int(),
    cards_count: z.number().int().openapi({ description: 'All cards of the store, archived ones included' }),
    customers_count: z.number().int(),
    posters_count: z.number().int(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi('Store');
export type StoreJson = z.infer<typeof StoreSchema>;

export function presentStore(store: StoreRow, summary: StoreSummary): StoreJson {
  return {
    id: store.id,
    name: store.name,
    store_name: store.storeName,
    display_store_name: displayStoreName(store),
    personal: store.personal,
    time_zone: store.timeZone,
    locations_count: summary.locationsCount,
    cards_count: summary.cardsCount,
    customers_count: summary.customersCount,
    posters_count: summary.postersCount,
    created_at: timestamp(store.createdAt),
    updated_at: timestamp(store.updatedAt),
  };
}
