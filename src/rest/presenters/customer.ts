import { z } from '@hono/zod-openapi';
import type { Config } from '../../config.ts';
import type { CustomerExtras } from '../../domain/customers/customer.queries.ts';
import type { CustomerRow } from '../../domain/customers/customer.service.ts';
import { CustomerCardListItemSchema, presentCustomerCardListItem } from './customer-card.ts';
import { IdField, Timestamp, timestamp } from './shared.ts';

const JsonObjectSchema = z.record(z.string(), z.unknown()).openapi({ type: 'object', additionalProperties: true });

export const ExternalReferenceSchema = z
  .object({
    source: z.string().openapi({ example: 'square', description: 'Lowercase slug of the other system' }),
    external_id: z.string().openapi({ example: 'CUST-123' }),
    metadata: JsonObjectSchema,
  })
  .openapi('ExternalReference');

export const CustomerSchema = z
  .object({
    id: IdField,
    account_id: IdField,
    first_name: z.string(),
    last_name: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    birthday: z.string().nullable().openapi({ format: 'date', example: '1990-04-01' }),
    stamp_count: z.number().int().openapi({ description: 'Stamps held across all the customer’s cards' }),
    customer_cards: z.array(CustomerCardListItemSchema),
    metadata: JsonObjectSchema,
    external_references: z.array(ExternalReferenceSchema),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi('Customer');
export type CustomerJson = z.infer<typeof CustomerSchema>;

export const CustomerPageSchema = z
  .object({
    customers: z.array(CustomerSchema),
    pagination: z.object({
      count: z.number().int().openapi({ description: 'Customers matching, on all pages' }),
      items: z.number().int().openapi({ description: 'Customers per page' }),
      page: z.number().int(),
      pages: z.number().int().openapi({ description: 'Number of pages (0 when nothing matches)' }),
    }),
  })
  .openapi('CustomerPage');

export function presentCustomer(config: Pick<Config, 'publicUrl'>, customer: CustomerRow, extras: CustomerExtras | undefined): CustomerJson {
  return {
    id: customer.id,
    account_id: customer.storeId,
    first_name: customer.firstName,
    last_name: customer.lastName,
    email: customer.email,
    phone: customer.phone,
    birthday: customer.birthday,
    stamp_count: extras?.stampCount ?? 0,
    customer_cards: (extras?.customerCards ?? []).map((card) => presentCustomerCardListItem(config, card)),
    metadata: customer.metadata as Record<string, unknown>,
    external_references: (extras?.externalReferences ?? []).map((ref) => ({
      source: ref.source,
      external_id: ref.externalId,
      metadata: ref.metadata as Record<string, unknown>,
    })),
    created_at: timestamp(customer.createdAt),
    updated_at: timestamp(customer.updatedAt),
  };
}
