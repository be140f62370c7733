import type { RewardRow } from '../rewards/reward.service.ts';
import { timestamp } from './time.ts';

/** A reward as the REST API and event data show it. */
export interface RewardJson {
  id: number;
  account_id: number;
  card_id: number;
  name: string;
  description: string | null;
  stamps_required: number;
  position: number;
  active: boolean;
  created_at: string;
  updated_at: string;
}

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
