import type { PassCard } from '../domain/wallet/pass-card.service.ts';
import type { PassSource } from './pass-model.ts';

/** A loaded customer card in the shape the pure pass mappings take. */
export function passSourceOf(card: PassCard): PassSource & { card: PassSource['card'] & { id: number } } {
  return {
    customerCard: card,
    card: card.card,
    rewards: card.card.rewards,
    store: card.store,
    holder: { firstName: card.customer.firstName },
    locations: card.store.locations,
  };
}
