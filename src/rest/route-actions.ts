import type { Action } from '../auth/actions.ts';

/**
 * The policy case of every REST route, by operation id. The services ask the policy themselves; this
 * table says which action each route comes down to, so the generated test (test/auth/scopes.test.ts)
 * can call every route with every scope and fails for a route missing here.
 */
export const REST_ACTIONS: Readonly<Record<string, Action | 'public'>> = {
  getStatus: 'public',
  listAccounts: 'store.read',
  getAccount: 'store.read',
  updateAccount: 'store.update',
  listCards: 'card.read',
  getCard: 'card.read',
  createCard: 'card.create',
  updateCard: 'card.update',
  listCustomerCards: 'customer.read',
  getCustomerCard: 'customer.read',
  stampCustomerCard: 'ledger.addStamps',
  redeemCustomerCardReward: 'ledger.redeem',
  listCustomers: 'customer.read',
  getCustomer: 'customer.read',
  createCustomer: 'customer.create',
  updateCustomer: 'customer.update',
  listLocations: 'location.read',
  getLocation: 'location.read',
  createLocation: 'location.create',
  updateLocation: 'location.update',
  deleteLocation: 'location.delete',
  listPosters: 'poster.read',
  getPoster: 'poster.read',
  createPoster: 'poster.create',
  updatePoster: 'poster.update',
  deletePoster: 'poster.delete',
  listRewards: 'reward.read',
  getReward: 'reward.read',
  createReward: 'reward.create',
  updateReward: 'reward.update',
  deleteReward: 'reward.delete',
  listWebhookSubscriptions: 'webhook.read',
  createWebhookSubscription: 'webhook.create',
  getWebhookSubscription: 'webhook.read',
  updateWebhookSubscription: 'webhook.update',
  deleteWebhookSubscription: 'webhook.delete',
  rotateWebhookSubscriptionSecret: 'webhook.rotateSecret',
  testWebhookSubscription: 'webhook.send',
};
