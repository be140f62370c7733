import { assertPerformAction } from '../../auth/policy.ts';
import type { Actor, Deps } from '../context.ts';

/** What hangs off a card: its rewards (active or not) and the customer cards issued from it. */
export interface CardCounts {
  rewardsCount: number;
  customerCardsCount: number;
}

/** Counts for several cards in two grouped queries; cards of other stores count as empty. */
export async function cardCounts(deps: Deps, actor: Actor, cardIds: readonly number[]): Promise<Map<number, CardCounts>> {
  assertPerformAction(actor, 'card.read');
  const ids = [...new Set(cardIds)];
  const counts = new Map<number, CardCounts>(ids.map((id) => [id, { rewardsCount: 0, customerCardsCount: 0 }]));
  if (ids.length === 0) return counts;
  const where = { storeId: actor.storeId, cardId: { in: ids } };
  const [rewards, customerCards] = await Promise.all([
    deps.db.reward.groupBy({ by: ['cardId'], where, _count: { _all: true } }),
    deps.db.customerCard.groupBy({ by: ['cardId'], where, _count: { _all: true } }),
  ]);
  for (const row of rewards) counts.get(row.cardId)!.rewardsCount = row._count._all;
  for (const row of customerCards) counts.get(row.cardId)!.customerCardsCount = row._count._all;
  return counts;
}
