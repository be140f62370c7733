/**
 * Facts the domain announces after a transaction commits. Payloads are plain JSON (ids, numbers,
 * ISO times) so they can cross processes through Redis.
 */
export interface StampsChangedEvent {
  type: 'stamps.changed';
  storeId: number;
  cardId: number;
  customerId: number;
  customerCardId: number;
  ledgerEntryId: number;
  kind: 'STAMP' | 'WELCOME' | 'REDEEM';
  delta: number;
  balanceAfter: number;
  occurredAt: string;
  /** False when the change queued no wallet pass update, so the outbox worker has nothing new to do. */
  passUpdateQueued?: boolean;
}

/**
 * An API token was revoked. Every gateway that hears it forgets the token at once (its token cache)
 * and ends the live connections opened with it; the notice names the token by its SHA-256 only.
 */
export interface TokenRevokedEvent {
  type: 'token.revoked';
  tokenHash: string;
}

export type DomainEvent = StampsChangedEvent | TokenRevokedEvent;

export type EventListener = (event: DomainEvent) => void;

/**
 * In-process fan-out of domain events. Listeners (GraphQL subscriptions, the wallet outbox worker)
 * attach at start; a listener that throws is reported and never fails the write that emitted it.
 */
export class EventBus {
  readonly #listeners = new Set<EventListener>();

  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  publish(event: DomainEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        console.error('event listener failed', error);
      }
    }
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }
}
