import type { Actor } from './context.ts';

/**
 * The tenancy boundary for reads: a record exists for an actor only when it belongs to the actor's
 * store. Every read that does not go through a service ANDs this into its `where`.
 */
export function ownedBy(actor: Actor): { storeId: number } {
  return { storeId: actor.storeId };
}

/** The actor's own store, as a `where` on stores. */
export function ownStore(actor: Actor): { id: number } {
  return { id: actor.storeId };
}
