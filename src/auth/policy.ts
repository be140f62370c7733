import type { Actor } from '../domain/context.ts';
import { ACTIONS, type Action } from './actions.ts';
import type { Principal } from './principal.ts';
import { Scope } from './scopes.ts';

/**
 * The one answer to "may this principal do this action on this resource". Services call
 * `assertPerformAction` first thing, before reading anything, so a refusal changes nothing and every
 * transport (REST, GraphQL, pages, the wallet service) gets the same answer.
 */

/** How long a till token may take back stamps it gave itself (docs/graphql.md "Scopes"). */
export const REMOVE_STAMPS_WINDOW_MS = 15 * 60 * 1000;

/** The ledger entry a correction would take stamps back from. */
export interface StampsToRemove {
  /** The API token that gave the stamps (`ledger_entries.actor_token_id`), null when no token did. */
  actorTokenId: number | null;
  /** When they were given. */
  createdAt: Date;
}

/** What an action is done to, where the answer depends on it. */
export interface Resource {
  /** The customer card read or changed: a card holder may touch only its own. */
  customerCardId?: number;
  /** The card enrolled on: a poster sign-up may enrol only on its poster's card. */
  cardId?: number;
  /** For `ledger.removeStamps`: the entry whose stamps are taken back. */
  stampsToRemove?: StampsToRemove;
  /** The time to judge windows by; now when absent. */
  now?: Date;
}

/** A refusal: the principal may not do this. REST answers 403, GraphQL a `FORBIDDEN` error on the field. */
export class ForbiddenError extends Error {
  readonly action: Action;

  constructor(action: Action, message: string) {
    super(message);
    this.name = 'ForbiddenError';
    this.action = action;
  }
}

/**
 * A till token may take back stamps only when it gave them itself, less than
 * REMOVE_STAMPS_WINDOW_MS ago; an admin token (and the system) may always.
 */
export function mayRemoveStamps(principal: Principal, entry: StampsToRemove, now: Date = new Date()): boolean {
  if (principal.kind === 'SYSTEM') return true;
  if (principal.kind !== 'TOKEN') return false;
  if (principal.scope === Scope.ADMIN) return true;
  if (principal.scope !== Scope.TILL) return false;
  const age = now.getTime() - entry.createdAt.getTime();
  return entry.actorTokenId === principal.tokenId && age >= 0 && age < REMOVE_STAMPS_WINDOW_MS;
}

/** Whether `principal` may do `action` on `resource`; see the module comment. */
export function can(principal: Principal, action: Action, resource: Resource = {}): boolean {
  switch (principal.kind) {
    case 'SYSTEM':
      return true;
    case 'TOKEN': {
      if (!(ACTIONS[action].scopes as readonly Scope[]).includes(principal.scope)) return false;
      if (action === 'ledger.removeStamps' && resource.stampsToRemove) {
        return mayRemoveStamps(principal, resource.stampsToRemove, resource.now);
      }
      return true;
    }
    case 'CARD_HOLDER':
      // The card's public look and its rewards; its own customer card and ledger, nothing else.
      if (action === 'card.read' || action === 'reward.read') return true;
      if (action === 'customer.read' || action === 'ledger.read') return resource.customerCardId === principal.customerCardId;
      return false;
    case 'SIGNUP':
      if (action === 'card.read' || action === 'reward.read') return true;
      if (action === 'customer.create' || action === 'customer.enrol') {
        return resource.cardId === undefined || resource.cardId === principal.cardId;
      }
      return false;
  }
}

/**
 * What `can` looks at in a principal for reads: two principals with the same key get the same answer
 * to every read action on every resource. Results computed for one may be handed to the other (shared
 * subscription results); keep it in step with `can` (test/auth/policy-key.test.ts holds the two together).
 */
export function readPolicyKeyOf(principal: Principal): string {
  switch (principal.kind) {
    case 'TOKEN':
      return `token:${principal.scope}`;
    case 'CARD_HOLDER':
      return `card-holder:${principal.customerCardId}`;
    case 'SIGNUP':
      return `signup:${principal.cardId}`;
    case 'SYSTEM':
      return 'system';
  }
}

function refusalMessage(principal: Principal, action: Action): string {
  if (principal.kind === 'TOKEN') return `This API token (scope ${principal.scope}) may not ${ACTIONS[action].description.toLowerCase()}`;
  return `Not allowed: ${ACTIONS[action].description.toLowerCase()}`;
}

/** Throws `ForbiddenError` unless the actor's principal may do `action` on `resource`. */
export function assertPerformAction(actor: Actor, action: Action, resource?: Resource): void {
  if (!can(actor.principal, action, resource)) throw new ForbiddenError(action, refusalMessage(actor.principal, action));
}
