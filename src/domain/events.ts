import { log } from '../observability/log.ts';

/**
 * Facts the domain announces after a transaction commits. Payloads are plain JSON (ids, numbers,
 * ISO times) so they can cross processes through Redis.
 */
export interface StampsChangedEvent {
  type: 'stamps.changed';
  /** The event log's id of the change (`evt_…`). */
  eventId: string;
  storeId: number;
  /** Its number in the store's event log: what a stream resumes after (see event-replay.ts). */
  sequence: number;
  cardId: number;
  customerId: number;
  customerCardId: number;
  ledgerEntryId: number;
  kind: 'STAMP' | 'WELCOME' | 'REDEEM' | 'CORRECTION';
  delta: number;
  balanceAfter: number;
  occurredAt: string;
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

export type EventListener<E = DomainEvent> = (event: E) => void;

/**
 * In-process fan-out of what a write announces after commit. Listeners (GraphQL subscriptions, the
 * job worker) attach at start; a listener that throws is reported and never fails the write that
 * emitted it.
 */
export class EventBus<E = DomainEvent> {
  readonly #listeners = new Set<EventListener<E>>();

  subscribe(listener: EventListener<E>): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  publish(event: E): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        log.error({ err: error }, 'event listener failed');
      }
    }
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }
}
