import type { Prisma } from '../../generated/sqlite/client.ts';
import { MAX_STAMPS_REQUIRED } from '../cards/card.rules.ts';
import { CustomerCardStatus } from './progress.rules.ts';

/**
 * `statusOf` as a database filter. Whether a card is completed compares its stamps with its card's
 * `stampsRequired`, a column of another table, which a filter cannot reference; since a card requires
 * 1 to MAX_STAMPS_REQUIRED stamps, one branch per possible requirement says the same thing.
 */
export function customerCardStatusWhere(status: CustomerCardStatus): Prisma.CustomerCardWhereInput {
  if (status === CustomerCardStatus.ARCHIVED) return { card: { archivedAt: { not: null } } };
  const reached = status === CustomerCardStatus.COMPLETED;
  return {
    OR: Array.from({ length: MAX_STAMPS_REQUIRED }, (_, i) => ({
      card: { stampsRequired: i + 1, archivedAt: null },
      stampsCount: reached ? { gte: i + 1 } : { lt: i + 1 },
    })),
  };
}
