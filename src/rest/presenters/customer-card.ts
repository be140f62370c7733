import { z } from '@hono/zod-openapi';
import { CustomerCardStatus } from '../../domain/customer-cards/progress.rules.ts';
import type { CustomerCardJson, CustomerCardListItemJson } from '../../domain/presenters/customer-card.ts';
import type { RedemptionJson } from '../../domain/presenters/ledger-entry.ts';
import { RewardSchema } from './reward.ts';
import { IdField, type Proves, type SchemaMatches, Timestamp } from './shared.ts';

const customerCardFields = {
  id: IdField,
  uuid: z.string().openapi({ description: 'Public id used in wallet pass URLs' }),
  account_id: IdField,
  customer_id: IdField,
  card_id: IdField,
  card_name: z.string(),
  stamps_count: z.number().int(),
  stamps_remaining: z.number().int().openapi({ description: 'Stamps still needed to complete the card, never below 0' }),
  progress_percentage: z.number().openapi({ description: 'Progress toward the next reward not yet covered, 0–100' }),
  status: z.enum(Object.values(CustomerCardStatus) as [CustomerCardStatus, ...CustomerCardStatus[]]),
  pass_installed: z.boolean(),
  apple_wallet_url: z.string().openapi({ format: 'uri' }),
  google_wallet_url: z.string().openapi({ format: 'uri' }),
  page_url: z.string().openapi({
    format: 'uri',
    description: "The customer's own page of the card, updated live (a Stampline addition; also on the back of the Apple pass)",
  }),
  issued_at: Timestamp,
  created_at: Timestamp,
  updated_at: Timestamp,
};

/** A customer card as lists show it (index, and inside a customer). */
export const CustomerCardListItemSchema = z.object(customerCardFields).openapi('CustomerCardListItem');
/** A customer card as show, stamp and the like return it: the list shape plus its redeemable rewards. */
export const CustomerCardSchema = z
  .object({
    ...customerCardFields,
    available_rewards: z.array(RewardSchema).openapi({ description: 'Active rewards the stamps cover now' }),
  })
  .openapi('CustomerCard');
export type CustomerCardListItemSchemaMatches = Proves<SchemaMatches<z.infer<typeof CustomerCardListItemSchema>, CustomerCardListItemJson>>;
export type CustomerCardSchemaMatches = Proves<SchemaMatches<z.infer<typeof CustomerCardSchema>, CustomerCardJson>>;

const RedemptionSchema = z.object({
  id: IdField,
  reward_id: IdField,
  reward_name: z.string(),
  stamps_spent: z.number().int(),
  stamps_remaining: z.number().int().openapi({ description: 'Stamps left on the card after the redemption' }),
  redeemed_at: Timestamp,
});
export type RedemptionSchemaMatches = Proves<SchemaMatches<z.infer<typeof RedemptionSchema>, RedemptionJson>>;

export const RedemptionResponseSchema = z
  .object({ success: z.literal(true), redemption: RedemptionSchema })
  .openapi('RedemptionResponse');
