import type { Db, Provider } from '../../db/client.ts';
import type { RewardRow } from './reward.service.ts';

/**
 * The active rewards of the given cards, in display order (position, then id): what
 * `reward.findMany({ where: { cardId: { in: cardIds }, active: true }, orderBy: [{ position: 'asc' }, { id: 'asc' }] })`
 * returns, without Prisma's query planning and result mapping, which cost more than the statement on
 * a card read (docs/performance.md). The ids travel as one parameter, so the text is the same for any
 * number of cards and each connection prepares it once: an array on PostgreSQL, a JSON array that
 * SQLite's `json_each` unpacks. test/domain/active-rewards.test.ts checks it against the Prisma read.
 */
export async function readActiveRewardsOfCards(db: Db, provider: Provider, cardIds: readonly number[]): Promise<RewardRow[]> {
  if (cardIds.length === 0) return [];
  return provider === 'postgresql'
    ? db.$queryRaw<RewardRow[]>`
        SELECT id, store_id AS "storeId", card_id AS "cardId", name, description, stamps_required AS "stampsRequired",
          position, active, created_at AS "createdAt", updated_at AS "updatedAt"
        FROM rewards WHERE card_id = ANY(${[...cardIds]}) AND active = true ORDER BY position, id`
    : db.$queryRaw<RewardRow[]>`
        SELECT id, store_id AS "storeId", card_id AS "cardId", name, description, stamps_required AS "stampsRequired",
          position, active, created_at AS "createdAt", updated_at AS "updatedAt"
        FROM rewards WHERE card_id IN (SELECT value FROM json_each(${JSON.stringify(cardIds)})) AND active = true
        ORDER BY position, id`;
}
