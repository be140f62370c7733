import type { Db } from '../../src/db/client.ts';

/**
 * Every row a store owns, table by table, in id order. Comparing snapshots taken before and after a
 * refused write (or another store's attempts) proves that it changed nothing. API tokens leave out
 * `last_used_at`, which any authenticated call may touch.
 */
export async function storeSnapshot(db: Db, storeId: number) {
  const where = { storeId };
  const orderBy = { id: 'asc' } as const;
  const tokenFields = { id: true, scope: true, name: true, prefix: true, tokenHash: true, revokedAt: true, createdAt: true } as const;
  const [store, apiTokens, cards, rewards, customers, externalReferences, customerCards, ledgerEntries, redemptions, idempotencyKeys, events] =
    await Promise.all([
      db.store.findUnique({ where: { id: storeId } }),
      db.apiToken.findMany({ where, orderBy, select: tokenFields }),
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
  const [locations, posters, webhookSubscriptions, webhookDeliveries, auditLog] = await Promise.all([
    db.location.findMany({ where, orderBy }),
    db.poster.findMany({ where, orderBy }),
    db.webhookSubscription.findMany({ where, orderBy }),
    db.webhookDelivery.findMany({ where: { subscription: where }, orderBy }),
    db.auditLogEntry.findMany({ where, orderBy }),
  ]);
  return {
    store, apiTokens, cards, rewards, customers, externalReferences, customerCards, ledgerEntries, redemptions, idempotencyKeys, events,
    locations, posters, webhookSubscriptions, webhookDeliveries, auditLog,
  };
}

/** The sum of a customer card's ledger, which must always equal its balance. */
export async function ledgerSum(db: Db, customerCardId: number): Promise<number> {
  const sum = await db.ledgerEntry.aggregate({ where: { customerCardId }, _sum: { delta: true } });
  return sum._sum.delta ?? 0;
}
