import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema, isObjectType } from 'graphql';
import type { Action } from '../auth/actions.ts';
import { assertPerformAction } from '../auth/policy.ts';
import type { GraphQLContext } from './context.ts';

/**
 * The policy case of every GraphQL entry point. Mutations call domain services, which ask the policy
 * themselves; their entries here name the action for the generated test (test/auth/scopes.test.ts)
 * and are not wrapped. Reads resolve through Prisma selections, so the read fields listed here are
 * wrapped to ask the policy before resolving: a refusal is a `FORBIDDEN` error on that field and
 * the rest of the query still answers. `null` marks an entry whose answer is decided inside (said why).
 */
export const FIELD_ACTIONS: Readonly<Record<string, Action | null>> = {
  // Each node type's own guard applies (TYPE_ACTIONS); tenancy makes other stores' ids null.
  'Query.node': null,
  'Query.nodes': null,
  'Query.store': 'store.read',
  // A token gets null; a customer page its own card (the card-holder scope).
  'Query.viewerCustomerCard': null,
  // The filter's card, card or store is looked up through the services (`customer.read` on the card).
  'Subscription.stampsChanged': null,
  'Store.id': 'store.read',
  'Store.databaseId': 'store.read',
  'Store.name': 'store.read',
  'Store.storeName': 'store.read',
  'Store.displayStoreName': 'store.read',
  'Store.personal': 'store.read',
  'Store.createdAt': 'store.read',
  'Store.updatedAt': 'store.read',
  'Store.timeZone': 'store.read',
  'Store.card': 'card.read',
  'Store.cards': 'card.read',
  'Store.cardsCount': 'card.read',
  'Store.reward': 'reward.read',
  'Store.rewards': 'reward.read',
  'Store.customer': 'customer.read',
  'Store.customers': 'customer.read',
  'Store.customersCount': 'customer.read',
  'Store.customerCard': 'customer.read',
  'Store.customerCardByUuid': 'customer.read',
  'Store.customerCards': 'customer.read',
  'Store.locationsCount': 'location.read',
  'Store.postersCount': 'poster.read',
  'Store.webhookSubscriptions': 'webhook.read',
  'Store.apiTokens': 'apiToken.read',
  'Store.auditLog': 'auditLog.read',
  'Store.events': 'ledger.read',
  'Mutation.updateStore': 'store.update',
  'Mutation.createCard': 'card.create',
  'Mutation.updateCard': 'card.update',
  'Mutation.archiveCard': 'card.update',
  'Mutation.unarchiveCard': 'card.update',
  'Mutation.createReward': 'reward.create',
  'Mutation.updateReward': 'reward.update',
  'Mutation.deleteReward': 'reward.delete',
  'Mutation.createCustomer': 'customer.create',
  'Mutation.updateCustomer': 'customer.update',
  'Mutation.enrolCustomer': 'customer.enrol',
  'Mutation.addStamps': 'ledger.addStamps',
  'Mutation.redeemReward': 'ledger.redeem',
  'Mutation.removeStamps': 'ledger.removeStamps',
  'Mutation.createWebhookSubscription': 'webhook.create',
  'Mutation.updateWebhookSubscription': 'webhook.update',
  'Mutation.deleteWebhookSubscription': 'webhook.delete',
  'Mutation.rotateWebhookSecret': 'webhook.rotateSecret',
  'Mutation.sendWebhookTest': 'webhook.send',
  'Mutation.redeliverWebhookEvent': 'webhook.send',
  'Mutation.createApiToken': 'apiToken.create',
  'Mutation.revokeApiToken': 'apiToken.revoke',
};

/** Types only some principals may read at all, however they are reached (`node`, a payload, a relation). */
export const TYPE_ACTIONS: Readonly<Record<string, Action>> = {
  WebhookSubscription: 'webhook.read',
  WebhookDelivery: 'webhook.read',
  ApiToken: 'apiToken.read',
  AuditLogEntry: 'auditLog.read',
};

function guarded<TSource>(action: Action, resolve: GraphQLFieldResolver<TSource, GraphQLContext>): GraphQLFieldResolver<TSource, GraphQLContext> {
  return (source, args, ctx, info) => {
    assertPerformAction(ctx.actor, action);
    return resolve(source, args, ctx, info);
  };
}

/** Wraps the read fields of FIELD_ACTIONS and every field of TYPE_ACTIONS' types with their policy check. */
export function applyFieldPolicy(schema: GraphQLSchema): GraphQLSchema {
  const mutation = schema.getMutationType()?.name;
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || type.name === mutation) continue;
    for (const field of Object.values(type.getFields())) {
      const action = TYPE_ACTIONS[type.name] ?? FIELD_ACTIONS[`${type.name}.${field.name}`];
      if (!action || field.subscribe) continue;
      field.resolve = guarded(action, (field.resolve ?? defaultFieldResolver) as GraphQLFieldResolver<unknown, GraphQLContext>);
    }
  }
  return schema;
}
