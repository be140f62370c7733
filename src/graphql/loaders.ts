import DataLoader from 'dataloader';
import type { Deps } from '../domain/context.ts';
import type { RewardRow } from '../domain/rewards/reward.service.ts';

/**
 * Per-request batches for values that are not plain relations (aggregates and filtered lists), so a
 * page of 50 rows costs one statement per value, not 50. Created per request: results are never
 * shared between stores or requests.
 */
export interface Loaders {
  /** Active rewards of a card in display order (for available rewards and progress). */
  activeRewardsByCard: DataLoader<number, RewardRow[]>;
  /** Number of rewards of a card. */
  rewardsCountByCard: DataLoader<number, number>;
  /** Number of customer cards issued from a card. */
  customerCardsCountByCard: DataLoader<number, number>;
  /** Stamps a customer holds across all its cards. */
  stampCountByCustomer: DataLoader<number, number>;
}

export function createLoaders(deps: Deps): Loaders {
  const { db } = deps;
  return {
    activeRewardsByCard: new DataLoader(async (cardIds) => {
      const rows = await db.reward.findMany({
        where: { cardId: { in: [...cardIds] }, active: true },
        orderBy: [{ position: 'asc' }, { id: 'asc' }],
      });
      return cardIds.map((id) => rows.filter((row) => row.cardId === id));
    }),
    rewardsCountByCard: new DataLoader(async (cardIds) => {
      const groups = await db.reward.groupBy({ by: ['cardId'], where: { cardId: { in: [...cardIds] } }, _count: { _all: true } });
      const counts = new Map(groups.map((group) => [group.cardId, group._count._all]));
      return cardIds.map((id) => counts.get(id) ?? 0);
    }),
    customerCardsCountByCard: new DataLoader(async (cardIds) => {
      const groups = await db.customerCard.groupBy({
        by: ['cardId'],
        where: { cardId: { in: [...cardIds] } },
        _count: { _all: true },
      });
      const counts = new Map(groups.map((group) => [group.cardId, group._count._all]));
      return cardIds.map((id) => counts.get(id) ?? 0);
    }),
    stampCountByCustomer: new DataLoader(async (customerIds) => {
      const groups = await db.customerCard.groupBy({
        by: ['customerId'],
        where: { customerId: { in: [...customerIds] } },
        _sum: { stampsCount: true },
      });
      const sums = new Map(groups.map((group) => [group.customerId, group._sum.stampsCount ?? 0]));
      return customerIds.map((id) => sums.get(id) ?? 0);
    }),
  };
}
