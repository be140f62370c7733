import type { Db } from '../../src/db/client.ts';

/**
 * Every row a store owns, table by table, in id order. Comparing snapshots taken before and after a
 * refused write proves that it changed nothing.
 */
export async function storeSnapshot(db: Db, storeId: number) {
  const where = { storeId };
  const orderBy = { id: 'asc' } as const;
  const [store, apiTokens, cards, rewards, customers, externalReferences, customerCards, ledgerEntries, redemptions, idempotencyKeys, events] =
    await Promise.all([
      db.store.findUnique({ where: { id: storeId } }),
      db.apiToken.findMany({ where, orderBy }),
      db.card.findMany({ where, orderBy }),
      db.reward.findMany({ where, orderBy }),
      db.customer.findMany({ where, orderBy }),
      db.externalReference.findMany({ where, orderBy }),
      db.customerCard.findMany({ where, orderBy }),
      db.ledgerEntry.findMany({ where, orderBy }),
      db.redemption.findMany({ where, orderBy }),
      db.idempotencyKey.findMany({ where, orderBy }),
      db.storeEvent.findMany({ where, orderBy: { sequence: 'asc' } }),
    ]);
  return { store, apiTokens, cards, rewards, customers, externalReferences, customerCards, ledgerEntries, redemptions, idempotencyKeys, events };
}

/** The sum of a customer card's ledger, which must always equal its balance. */
export async function ledgerSum(db: Db, customerCardId: number): Promise<number> {
  const sum = await db.ledgerEntry.aggregate({ where: { customerCardId }, _sum: { delta: true } });
  return sum._sum.delta ?? 0;
}
