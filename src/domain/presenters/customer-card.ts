import type { Config } from '../../config.ts';
import { cardPageUrl, walletUrls } from '../../links.ts';
import { type CustomerCardDetail, type CustomerCardProgress, progressOf } from '../customer-cards/customer-card.queries.ts';
import type { CustomerCardStatus } from '../customer-cards/progress.rules.ts';
import { presentReward, type RewardJson } from './reward.ts';
import { timestamp } from './time.ts';

/** A customer card as lists show it (index, and inside a customer). */
export interface CustomerCardListItemJson {
  id: number;
  uuid: string;
  account_id: number;
  customer_id: number;
  card_id: number;
  card_name: string;
  stamps_count: number;
  stamps_remaining: number;
  progress_percentage: number;
  status: CustomerCardStatus;
  pass_installed: boolean;
  apple_wallet_url: string;
  google_wallet_url: string;
  page_url: string;
  issued_at: string;
  created_at: string;
  updated_at: string;
}

/** A customer card as show, stamp and event data show it: the list shape plus its redeemable rewards. */
export interface CustomerCardJson extends CustomerCardListItemJson {
  available_rewards: RewardJson[];
}

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
