import { assertPerformAction } from '../../auth/policy.ts';
import type { Actor, Deps } from '../context.ts';

/** How much a store holds; archived cards count too, since the store still owns them. */
export interface StoreSummary {
  locationsCount: number;
  cardsCount: number;
  customersCount: number;
  postersCount: number;
}

export async function storeSummary(deps: Deps, actor: Actor): Promise<StoreSummary> {
  assertPerformAction(actor, 'store.read');
  const where = { storeId: actor.storeId };
  const [locationsCount, cardsCount, customersCount, postersCount] = await Promise.all([
    deps.db.location.count({ where }),
    deps.db.card.count({ where }),
    deps.db.customer.count({ where }),
    deps.db.poster.count({ where }),
  ]);
  return { locationsCount, cardsCount, customersCount, postersCount };
}
