import type { Tx } from '../../db/client.ts';
import { EventType } from '../ledger/event-types.ts';
import type { Reaction } from '../ledger/reactions.ts';

export const PASS_UPDATE_TOPIC = 'pass.updated';
export const CARD_PASSES_UPDATE_TOPIC = 'card.passes.updated';

export interface PassUpdatePayload {
  customerCardId: number;
  /** False for `skip_notifications`: the pass content still changes, but no device is alerted. */
  notify: boolean;
}

const BALANCE_EVENTS = new Set<string>([EventType.STAMP_EARNED, EventType.STAMP_REMOVED, EventType.REWARD_REDEEMED]);

/**
 * The wallet work a balance change causes, queued in the same transaction as the change, so a crash
 * or a wallet-service outage loses no update. One message per ledger entry (a stamp that also unlocks
 * a reward updates the pass once); cards with no installed pass cost nothing.
 */
export const passUpdateReaction: Reaction = (_tx, appended) =>
  appended.flatMap(({ event, facts: { customerCard, notify } }) => {
    if (!BALANCE_EVENTS.has(event.type) || !customerCard) return [];
    const apple = customerCard.passInstalled && notify;
    const google = customerCard.googleIssuedAt !== null;
    if (!apple && !google) return [];
    const payload: PassUpdatePayload = { customerCardId: customerCard.id, notify };
    return [{ topic: PASS_UPDATE_TOPIC, payload: { ...payload } }];
  });

export interface CardPassesUpdatePayload {
  cardId: number;
}

/**
 * Queues a refresh of every pass of a card after a change to what all of them show (the card's name,
 * colours or terms, its rewards). One message per change, whatever the number of passes: the worker
 * expands it into one push per device and one patch per Google object.
 */
export async function enqueueCardPassesUpdate(tx: Tx, cardId: number): Promise<void> {
  // A card nobody carries in a wallet (every new one) queues nothing; a pass installed after this
  // commit is fetched fresh anyway.
  const held = await tx.customerCard.findFirst({
    where: { cardId, OR: [{ passInstalled: true }, { googleIssuedAt: { not: null } }] },
    select: { id: true },
  });
  if (!held) return;
  const payload: CardPassesUpdatePayload = { cardId };
  await tx.outboxMessage.create({ data: { topic: CARD_PASSES_UPDATE_TOPIC, payload: { ...payload } } });
}
