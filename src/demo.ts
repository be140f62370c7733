import { createCard } from './domain/cards/card.service.ts';
import { systemActor } from './domain/context.ts';
import type { Deps } from './domain/context.ts';
import { createCustomer } from './domain/customers/customer.service.ts';
import { createReward } from './domain/rewards/reward.service.ts';
import { createStore } from './domain/stores/store.service.ts';

/** Seeds a demo store on an empty database so a fresh `npm start` has something to show. */
export async function seedDemoIfEmpty(deps: Deps): Promise<{ accountId: number; token: string } | undefined> {
  if ((await deps.db.store.count()) > 0) return undefined;
  const { store, token } = await createStore(deps.db, 'Blue Door Cafe');
  const actor = systemActor(store.id);
  const card = await createCard(deps, actor, {
    name: 'Coffee Card',
    cardColor: '#1E3A5F',
    textColor: '#FFFFFF',
    stampIcon: 'coffee',
    stampColor: '#F2B134',
    stampsRequired: 10,
    initialStamps: 1,
    headerText: 'Buy 9, the 10th is on us',
  });
  await createReward(deps, actor, card.id, { name: 'Free pastry', stampsRequired: 5, description: 'Any pastry from the counter' });
  await createReward(deps, actor, card.id, { name: 'Free coffee', stampsRequired: 10, description: 'Any size, any coffee' });
  await createCustomer(deps, actor, { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' }, { cardId: card.id });
  return { accountId: store.id, token };
}
