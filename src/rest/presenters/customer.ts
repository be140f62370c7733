import { z } from '@hono/zod-openapi';
import type { CustomerJson } from '../../domain/presenters/customer.ts';
import { CustomerCardListItemSchema } from './customer-card.ts';
import { IdField, type Proves, type SchemaMatches, Timestamp } from './shared.ts';

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
export type CustomerSchemaMatches = Proves<SchemaMatches<z.infer<typeof CustomerSchema>, CustomerJson>>;

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
