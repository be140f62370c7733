import { z } from '@hono/zod-openapi';
import type { Config } from '../../config.ts';
import {
  type CustomerCardDetail,
  type CustomerCardProgress,
  progressOf,
} from '../../domain/customer-cards/customer-card.queries.ts';
import { CustomerCardStatus } from '../../domain/customer-cards/progress.rules.ts';
import type { RedemptionRow } from '../../domain/customer-cards/customer-card.service.ts';
import { cardPageUrl } from '../../pages/urls.ts';
import { walletUrls } from '../../wallet/urls.ts';
import { presentReward, RewardSchema } from './reward.ts';
import { IdField, Timestamp, timestamp } from './shared.ts';

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
  status: z.enum(Object.values(CustomerCardStatus) as [string, ...string[]]),
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
export type CustomerCardListItemJson = z.infer<typeof CustomerCardListItemSchema>;
export type CustomerCardJson = z.infer<typeof CustomerCardSchema>;

export function presentCustomerCardListItem(
  config: Pick<Config, 'publicUrl'>,
  detail: CustomerCardDetail,
  progress: CustomerCardProgress = progressOf(detail),
): CustomerCardListItemJson {
  const wallet = walletUrls(config, detail.uuid);
  return {
    id: detail.id,
    uuid: detail.uuid,
    account_id: detail.storeId,
    customer_id: detail.customerId,
    card_id: detail.cardId,
    card_name: detail.card.name,
    stamps_count: detail.stampsCount,
    stamps_remaining: progress.stampsRemaining,
    progress_percentage: progress.progressPercentage,
    status: progress.status,
    pass_installed: detail.passInstalled,
    apple_wallet_url: wallet.apple,
    google_wallet_url: wallet.google,
    page_url: cardPageUrl(config, detail.uuid),
    issued_at: timestamp(detail.issuedAt),
    created_at: timestamp(detail.createdAt),
    updated_at: timestamp(detail.updatedAt),
  };
}

export function presentCustomerCard(config: Pick<Config, 'publicUrl'>, detail: CustomerCardDetail): CustomerCardJson {
  const progress = progressOf(detail);
  return {
    ...presentCustomerCardListItem(config, detail, progress),
    available_rewards: progress.availableRewards.map(presentReward),
  };
}

export const RedemptionResponseSchema = z
  .object({
    success: z.literal(true),
    redemption: z.object({
      id: IdField,
      reward_id: IdField,
      reward_name: z.string(),
      stamps_spent: z.number().int(),
      stamps_remaining: z.number().int().openapi({ description: 'Stamps left on the card after the redemption' }),
      redeemed_at: Timestamp,
    }),
  })
  .openapi('RedemptionResponse');
export type RedemptionResponseJson = z.infer<typeof RedemptionResponseSchema>;

export function presentRedemption(redemption: RedemptionRow): RedemptionResponseJson {
  return {
    success: true,
    redemption: {
      id: redemption.id,
      reward_id: redemption.rewardId,
      reward_name: redemption.rewardName,
      stamps_spent: redemption.stampsSpent,
      stamps_remaining: redemption.stampsRemaining,
      redeemed_at: timestamp(redemption.redeemedAt),
    },
  };
}
