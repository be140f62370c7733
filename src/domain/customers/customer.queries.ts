import type { Prisma } from '../../generated/sqlite/client.ts';
import type { Actor, Deps } from '../context.ts';
import { type CustomerCardDetail, customerCardsByCustomer } from '../customer-cards/customer-card.queries.ts';

export type ExternalReferenceRow = Prisma.ExternalReferenceGetPayload<object>;

/** What a customer is shown with besides its own columns. */
export interface CustomerExtras {
  customerCards: CustomerCardDetail[];
  externalReferences: ExternalReferenceRow[];
  /** Stamps held across all the customer's cards. */
  stampCount: number;
}

/** Loads the extras of several customers of the store in a fixed number of queries. */
export async function customerExtras(
  deps: Deps,
  actor: Actor,
  customerIds: readonly number[],
): Promise<Map<number, CustomerExtras>> {
  const ids = [...new Set(customerIds)];
  const [cards, references] = await Promise.all([
    customerCardsByCustomer(deps, actor, ids),
    ids.length === 0
      ? Promise.resolve([])
      : deps.db.externalReference.findMany({
          where: { storeId: actor.storeId, customerId: { in: ids } },
          orderBy: { id: 'asc' },
        }),
  ]);
  const referencesOf = new Map<number, ExternalReferenceRow[]>(ids.map((id) => [id, []]));
  for (const ref of references) referencesOf.get(ref.customerId)?.push(ref);
  const extras = new Map<number, CustomerExtras>();
  for (const id of ids) {
    const customerCards = cards.get(id) ?? [];
    extras.set(id, {
      customerCards,
      externalReferences: referencesOf.get(id) ?? [],
      stampCount: customerCards.reduce((sum, card) => sum + card.stampsCount, 0),
    });
  }
  return extras;
}
