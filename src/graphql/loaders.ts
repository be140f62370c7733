import DataLoader from 'dataloader';
import type { Deps } from '../domain/context.ts';
import { readActiveRewardsOfCards } from '../domain/rewards/active-rewards.sql.ts';
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

/**
 * Ids the caller will ask for one at a time, in separate batches (a replayed page of events is
 * executed event by event): the first batch of each loader reads them all, so the others are served
 * from its cache instead of costing a statement each.
 */
export interface LoadAlongside {
  cardIds: readonly number[];
  customerIds: readonly number[];
}

/** A loader whose first batch also reads `alongside`, keeping their values for later loads. */
function loaderOf<V>(read: (ids: number[]) => Promise<(id: number) => V>, alongside: readonly number[] = []): DataLoader<number, V> {
  let extra = alongside;
  const loader: DataLoader<number, V> = new DataLoader(async (keys) => {
    const more = extra.filter((id) => !keys.includes(id));
    extra = [];
    const valueOf = await read([...new Set([...keys, ...more])]);
    for (const id of more) loader.prime(id, valueOf(id));
    return keys.map(valueOf);
  });
  return loader;
}

export function createLoaders(deps: Deps, alongside?: LoadAlongside): Loaders {
  const { db } = deps;
  return {
    activeRewardsByCard: loaderOf(async (cardIds) => {
      const rows = await readActiveRewardsOfCards(db, deps.provider, cardIds);
      return (id) => rows.filter((row) => row.cardId === id);
    }, alongside?.cardIds),
    rewardsCountByCard: loaderOf(async (cardIds) => {
      const groups = await db.reward.groupBy({ by: ['cardId'], where: { cardId: { in: cardIds } }, _count: { _all: true } });
      const counts = new Map(groups.map((group) => [group.cardId, group._count._all]));
      return (id) => counts.get(id) ?? 0;
    }, alongside?.cardIds),
    customerCardsCountByCard: loaderOf(async (cardIds) => {
      const groups = await db.customerCard.groupBy({
        by: ['cardId'],
        where: { cardId: { in: cardIds } },
        _count: { _all: true },
      });
      const counts = new Map(groups.map((group) => [group.cardId, group._count._all]));
      return (id) => counts.get(id) ?? 0;
    }, alongside?.cardIds),
    stampCountByCustomer: loaderOf(async (customerIds) => {
      const groups = await db.customerCard.groupBy({
        by: ['customerId'],
        where: { customerId: { in: customerIds } },
        _sum: { stampsCount: true },
      });
      const sums = new Map(groups.map((group) => [group.customerId, group._sum.stampsCount ?? 0]));
      return (id) => sums.get(id) ?? 0;
    }, alongside?.customerIds),
  };
}
