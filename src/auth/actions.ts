import { Scope } from './scopes.ts';

/**
 * The permission catalogue: every action a principal can ask to perform, and which token scopes
 * hold it. The policy (policy.ts) answers from here; services name an action first thing
 * (`assertPerformAction`), and the generated test (test/auth/scopes.test.ts) maps every REST route
 * and GraphQL entry point to one of these, so an entry point without a case fails it.
 *
 * `write` marks the admin writes the audit log records (audit.ts).
 */
interface ActionSpec {
  description: string;
  scopes: readonly Scope[];
  audited?: true;
}

const ALL = [Scope.ADMIN, Scope.TILL, Scope.READ] as const;
const TILL = [Scope.ADMIN, Scope.TILL] as const;
const ADMIN = [Scope.ADMIN] as const;

export const ACTIONS = {
  'store.read': { description: 'Read the store and its summary', scopes: ALL },
  'store.update': { description: "Change the store's settings", scopes: ADMIN, audited: true },
  'card.read': { description: 'Read cards', scopes: ALL },
  'card.create': { description: 'Create a card', scopes: ADMIN, audited: true },
  'card.update': { description: 'Change a card, archive or unarchive it', scopes: ADMIN, audited: true },
  'reward.read': { description: 'Read rewards', scopes: ALL },
  'reward.create': { description: 'Create a reward', scopes: ADMIN, audited: true },
  'reward.update': { description: 'Change a reward', scopes: ADMIN, audited: true },
  'reward.delete': { description: 'Delete a reward', scopes: ADMIN, audited: true },
  'customer.read': { description: 'Read customers and their cards', scopes: ALL },
  'customer.create': { description: 'Create a customer', scopes: TILL },
  'customer.update': { description: "Change a customer's details", scopes: ADMIN },
  'customer.enrol': { description: 'Give a customer a card', scopes: TILL },
  'ledger.read': { description: 'Read ledger entries, redemptions and the event history', scopes: ALL },
  'ledger.addStamps': { description: 'Stamp a customer card', scopes: TILL },
  'ledger.redeem': { description: 'Redeem a reward', scopes: TILL },
  'ledger.removeStamps': {
    description: 'Take stamps back (admin always; till only its own stamps within REMOVE_WINDOW_MS)',
    scopes: TILL,
  },
  'location.read': { description: 'Read locations', scopes: ALL },
  'location.create': { description: 'Create a location', scopes: ADMIN, audited: true },
  'location.update': { description: 'Change a location', scopes: ADMIN, audited: true },
  'location.delete': { description: 'Delete a location', scopes: ADMIN, audited: true },
  'poster.read': { description: 'Read posters', scopes: ALL },
  'poster.create': { description: 'Create a poster', scopes: ADMIN, audited: true },
  'poster.update': { description: 'Change a poster', scopes: ADMIN, audited: true },
  'poster.delete': { description: 'Delete a poster', scopes: ADMIN, audited: true },
  // Webhook subscriptions carry signing secrets and say where customer data goes: admin only, reads too.
  'webhook.read': { description: 'Read webhook subscriptions and deliveries', scopes: ADMIN },
  'webhook.create': { description: 'Create a webhook subscription', scopes: ADMIN, audited: true },
  'webhook.update': { description: 'Change a webhook subscription', scopes: ADMIN, audited: true },
  'webhook.delete': { description: 'Delete a webhook subscription', scopes: ADMIN, audited: true },
  'webhook.rotateSecret': { description: "Rotate a subscription's signing secret", scopes: ADMIN, audited: true },
  'webhook.send': { description: 'Send a test event or redeliver one', scopes: ADMIN },
  'apiToken.read': { description: "List the store's API tokens (never their secrets)", scopes: ADMIN },
  'apiToken.create': { description: 'Create an API token', scopes: ADMIN, audited: true },
  'apiToken.revoke': { description: 'Revoke an API token', scopes: ADMIN, audited: true },
  'auditLog.read': { description: 'Read the audit log', scopes: ADMIN },
} as const satisfies Record<string, ActionSpec>;

export type Action = keyof typeof ACTIONS;

export const ACTION_NAMES = Object.keys(ACTIONS) as Action[];

export function isAction(value: string): value is Action {
  return Object.hasOwn(ACTIONS, value);
}

/** True for the reads: every scope holds them. */
export function isRead(action: Action): boolean {
  return action.endsWith('.read');
}
