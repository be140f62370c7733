import type { LedgerEntryRow, RedemptionRow } from '../ledger/ledger.ts';
import { timestamp } from './time.ts';

/** A redemption as the REST redeem answer (inside `redemption`) and event data show it. */
export interface RedemptionJson {
  id: number;
  reward_id: number;
  reward_name: string;
  stamps_spent: number;
  stamps_remaining: number;
  redeemed_at: string;
}

export function presentRedemption(redemption: RedemptionRow): RedemptionJson {
  return {
    id: redemption.id,
    reward_id: redemption.rewardId,
    reward_name: redemption.rewardName,
    stamps_spent: redemption.stampsSpent,
    stamps_remaining: redemption.stampsRemaining,
    redeemed_at: timestamp(redemption.redeemedAt),
  };
}

/**
 * A ledger entry in event data. The REST API has no ledger resource; the shape follows its
 * conventions (snake_case, integer ids, lower-case kinds as GraphQL's `LedgerEntry` has them in upper case).
 */
export interface LedgerEntryJson {
  id: number;
  account_id: number;
  customer_card_id: number;
  kind: 'stamp' | 'welcome' | 'redeem' | 'correction';
  delta: number;
  balance_after: number;
  source: 'rest' | 'graphql' | 'system';
  redemption_id: number | null;
  /** Why stamps were taken off, for a `correction`; null otherwise. */
  reason: string | null;
  created_at: string;
}

export function presentLedgerEntry(entry: LedgerEntryRow): LedgerEntryJson {
  return {
    id: entry.id,
    account_id: entry.storeId,
    customer_card_id: entry.customerCardId,
    kind: entry.kind.toLowerCase() as LedgerEntryJson['kind'],
    delta: entry.delta,
    balance_after: entry.balanceAfter,
    source: entry.source.toLowerCase() as LedgerEntryJson['source'],
    redemption_id: entry.redemptionId,
    reason: entry.reason,
    created_at: timestamp(entry.createdAt),
  };
}
