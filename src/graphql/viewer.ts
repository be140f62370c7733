import { cardHolderOf } from '../domain/customer-cards/card-page.queries.ts';
import { type Actor, WriteSource } from '../domain/context.ts';
import { authenticateBearer, type Credential, tokenActor } from '../http/auth.ts';
import type { Runtime } from '../runtime.ts';

/** A customer page's restricted access: one customer card, read and watched, nothing else. */
export interface CardHolder {
  customerCardId: number;
}

/**
 * Who runs an operation: a store's API token, or a customer page holding a card's capability. A card
 * holder acts within the card's store (so the store scoping of every read still applies) and is held
 * to its one card by `useCardHolderScope` and the subscription's filter check. `credential` is what
 * it was proved with, re-checked while a live connection of it stays open.
 */
export interface Viewer {
  actor: Actor;
  cardHolder?: CardHolder;
  credential: Credential;
}

// `Authorization: CustomerCard <uuid>`: the scheme the customer page sends; API tokens use Bearer.
const CARD_HOLDER_SCHEME = /^CustomerCard\s+(\S+)\s*$/i;

/** The viewer an Authorization value names; undefined when it names no valid token or card. */
export async function authenticateViewer(runtime: Runtime, authorization: string | null | undefined): Promise<Viewer | undefined> {
  const uuid = CARD_HOLDER_SCHEME.exec(authorization ?? '')?.[1];
  if (uuid !== undefined) {
    const holder = await cardHolderOf(runtime.deps.db, uuid);
    if (!holder) return undefined;
    return {
      actor: { storeId: holder.storeId, source: WriteSource.GRAPHQL, principal: { kind: 'CARD_HOLDER', customerCardId: holder.customerCardId } },
      cardHolder: { customerCardId: holder.customerCardId },
      credential: { kind: 'card', uuid: uuid.toLowerCase() },
    };
  }
  const token = await authenticateBearer(runtime, authorization);
  return (
    token && {
      actor: tokenActor(token, WriteSource.GRAPHQL),
      credential: { kind: 'token', tokenHash: token.tokenHash } }
  );
}
