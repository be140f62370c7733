/** Pure rules of a customer card's progress: its status, what is left, and which rewards it can pay for. */

export const CustomerCardStatus = { ACTIVE: 'active', COMPLETED: 'completed', ARCHIVED: 'archived' } as const;
export type CustomerCardStatus = (typeof CustomerCardStatus)[keyof typeof CustomerCardStatus];

export interface CardTerms {
  stampsRequired: number;
  archivedAt: Date | null;
}

export interface RewardTerms {
  id: number;
  stampsRequired: number;
  active: boolean;
  position: number;
}

export function statusOf(stampsCount: number, card: CardTerms): CustomerCardStatus {
  if (card.archivedAt) return CustomerCardStatus.ARCHIVED;
  return stampsCount >= card.stampsRequired ? CustomerCardStatus.COMPLETED : CustomerCardStatus.ACTIVE;
}

export function stampsRemaining(stampsCount: number, card: CardTerms): number {
  return Math.max(0, card.stampsRequired - stampsCount);
}

/** Active rewards whose cost the balance covers, in display order. */
export function availableRewards<R extends RewardTerms>(stampsCount: number, rewards: readonly R[]): R[] {
  return rewards
    .filter((reward) => reward.active && reward.stampsRequired <= stampsCount)
    .sort((a, b) => a.position - b.position || a.stampsRequired - b.stampsRequired || a.id - b.id);
}

/** The cheapest active reward the balance does not cover yet (ties: display order); undefined when none is left. */
export function nextReward<R extends RewardTerms>(stampsCount: number, rewards: readonly R[]): R | undefined {
  return rewards
    .filter((reward) => reward.active && reward.stampsRequired > stampsCount)
    .sort((a, b) => a.stampsRequired - b.stampsRequired || a.position - b.position || a.id - b.id)[0];
}

/**
 * Progress toward the next reward the balance does not cover yet, 0–100 with two decimals; 100 when
 * every active reward is covered. A card without active rewards measures against its stamps required.
 */
export function progressPercentage(stampsCount: number, card: CardTerms, rewards: readonly RewardTerms[]): number {
  const costs = rewards.filter((reward) => reward.active).map((reward) => reward.stampsRequired);
  const target = costs.length === 0 ? card.stampsRequired : Math.min(...costs.filter((cost) => cost > stampsCount), Infinity);
  if (!Number.isFinite(target) || target <= 0) return 100;
  return Math.min(100, Math.round((stampsCount / target) * 10000) / 100);
}
