import type { Actor, Deps } from '../../src/domain/context.ts';
import { type CardInput, createCard } from '../../src/domain/cards/card.service.ts';
import { createCustomer } from '../../src/domain/customers/customer.service.ts';
import { createReward, type RewardInput } from '../../src/domain/rewards/reward.service.ts';

let customerCounter = 0;

/** A card with the given attributes (10 stamps by default) and optional rewards. */
export async function seedCard(deps: Deps, actor: Actor, card: CardInput = {}, rewards: RewardInput[] = []) {
  const created = await createCard(deps, actor, { name: 'Coffee', stampsRequired: 10, ...card });
  const createdRewards = [];
  for (const reward of rewards) createdRewards.push(await createReward(deps, actor, created.id, reward));
  return { card: created, rewards: createdRewards };
}

/** A customer enrolled on `cardId`, returning the customer and its customer card. */
export async function seedCustomerCard(deps: Deps, actor: Actor, cardId: number) {
  const n = ++customerCounter;
  const { customer, customerCard } = await createCustomer(
    deps,
    actor,
    { firstName: `Customer${n}`, email: `customer${n}-${actor.storeId}@example.com` },
    { cardId },
  );
  if (!customerCard) throw new Error('enrolment failed');
  return { customer, customerCard };
}
