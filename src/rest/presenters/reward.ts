import { z } from '@hono/zod-openapi';
import type { RewardRow } from '../../domain/rewards/reward.service.ts';
import { IdField, Timestamp, timestamp } from './shared.ts';

export const RewardSchema = z
  .object({
    id: IdField,
    account_id: IdField,
    card_id: IdField,
    name: z.string().openapi({ example: 'Free Coffee' }),
    description: z.string().nullable(),
    stamps_required: z.number().int().openapi({ description: 'Stamps the reward costs when redeemed' }),
    position: z.number().int().openapi({ description: 'Display order, lower first' }),
    active: z.boolean(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi('Reward');
export type RewardJson = z.infer<typeof RewardSchema>;

export function presentReward(reward: RewardRow): RewardJson {
  return {
    id: reward.id,
    account_id: reward.storeId,
    card_id: reward.cardId,
    name: reward.name,
    description: reward.description,
    stamps_required: reward.stampsRequired,
    position: reward.position,
    active: reward.active,
    created_at: timestamp(reward.createdAt),
    updated_at: timestamp(reward.updatedAt),
  };
}
