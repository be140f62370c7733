import type { Db } from '../../db/client.ts';
import type { Prisma } from '../../generated/sqlite/client.ts';
import { queryInBatches } from '../batches.ts';
import { isCardUuid } from '../wallet/pass-card.service.ts';

/**
 * The customer card behind a customer page. Its `uuid` is the page's capability, as it already is
 * for the card's wallet pass links: whoever holds it may watch that one card and nothing else.
 */

const pageInclude = {
  card: { include: { rewards: { where: { active: true }, orderBy: [{ position: 'asc' }, { id: 'asc' }] } } },
  store: { select: { name: true, storeName: true } },
} satisfies Prisma.CustomerCardInclude;

/** What a customer page shows: the card's look and rules, its active rewards and the store's public name. */
export type CardPageData = Prisma.CustomerCardGetPayload<{ include: typeof pageInclude }>;

/** The customer card a page capability names, with its store; undefined for anything else. */
export async function cardHolderOf(db: Db, uuid: string): Promise<{ customerCardId: number; storeId: number } | undefined> {
  if (!isCardUuid(uuid)) return undefined;
  const found = await db.customerCard.findUnique({ where: { uuid: uuid.toLowerCase() }, select: { id: true, storeId: true } });
  return found ? { customerCardId: found.id, storeId: found.storeId } : undefined;
}

/** Which of `uuids` (lower case, as `cardHolderOf` matched them) still name a customer card. */
export async function existingCardUuids(db: Db, uuids: readonly string[]): Promise<Set<string>> {
  const rows = await queryInBatches(uuids, (batch) => db.customerCard.findMany({ where: { uuid: { in: batch } }, select: { uuid: true } }));
  return new Set(rows.map((row) => row.uuid));
}

export async function getCardPageData(db: Db, uuid: string): Promise<CardPageData | undefined> {
  if (!isCardUuid(uuid)) return undefined;
  return (await db.customerCard.findUnique({ where: { uuid: uuid.toLowerCase() }, include: pageInclude })) ?? undefined;
}
