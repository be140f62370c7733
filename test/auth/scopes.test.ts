import { readFileSync } from 'node:fs';
import { buildSchema, type GraphQLObjectType } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS, type Action } from '../../src/auth/actions.ts';
import { AUDITED_ACTIONS } from '../../src/auth/audit.ts';
import { can } from '../../src/auth/policy.ts';
import type { Principal } from '../../src/auth/principal.ts';
import { SCOPES, type Scope } from '../../src/auth/scopes.ts';
import { createLocation } from '../../src/domain/locations/location.service.ts';
import { createPoster } from '../../src/domain/posters/poster.service.ts';
import { createReward } from '../../src/domain/rewards/reward.service.ts';
import { createApiToken } from '../../src/domain/stores/store.service.ts';
import { createWebhookSubscription } from '../../src/domain/webhooks/webhook-subscription.service.ts';
import { FIELD_ACTIONS } from '../../src/graphql/field-policy.ts';
import { globalIdOf } from '../../src/graphql/global-ids.ts';
import { restRoutes } from '../../src/rest/mount.ts';
import { REST_ACTIONS } from '../../src/rest/route-actions.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { graphqlClient } from '../helpers/graphql.ts';
import { repoRoot } from '../helpers/process.ts';
import { restClient, restStore } from '../helpers/rest.ts';
import { fillRoutePath } from '../helpers/route-paths.ts';
import { useServer } from '../helpers/server.ts';
import { storeSnapshot } from '../helpers/snapshot.ts';

/**
 * Every entry point with every scope, generated from the REST route table and the GraphQL schema:
 * an entry point without a policy case fails here; a refused call answers 403 / FORBIDDEN and
 * changes nothing; an allowed one is not refused.
 */

const t = useServer();
const deps = () => t.runtime.deps;
const gql = graphqlClient(t);

const tokenOf = (scope: Scope): Principal => ({ kind: 'TOKEN', tokenId: 1, scope, name: scope });

const snapshot = async (storeId: number) => JSON.stringify(await storeSnapshot(deps().db, storeId));

describe('the policy covers every entry point', () => {
  it('every REST route has a policy case', () => {
    const missing = restRoutes.map(({ spec }) => spec.operationId).filter((id) => !(id in REST_ACTIONS));
    expect(missing).toEqual([]);
    const publics = restRoutes.filter(({ spec }) => spec.public).map(({ spec }) => spec.operationId);
    expect(publics.every((id) => REST_ACTIONS[id] === 'public')).toBe(true);
  });

  it('every root field, store field, mutation and subscription of the schema has a policy case', () => {
    const schema = buildSchema(readFileSync(`${repoRoot}/schema.graphql`, 'utf8'));
    const fieldsOf = (type: GraphQLObjectType | null | undefined) => Object.keys(type?.getFields() ?? {}).map((field) => `${type!.name}.${field}`);
    const entryPoints = [
      ...fieldsOf(schema.getQueryType()),
      ...fieldsOf(schema.getType('Store') as GraphQLObjectType),
      ...fieldsOf(schema.getMutationType()),
      ...fieldsOf(schema.getSubscriptionType()),
    ];
    expect(entryPoints.filter((entry) => !(entry in FIELD_ACTIONS))).toEqual([]);
  });

  it('the catalogue: admin holds everything, read only reads, till the counter work', () => {
    const allowed = (scope: Scope) => (Object.keys(ACTIONS) as Action[]).filter((action) => can(tokenOf(scope), action));
    expect(allowed('admin')).toEqual(Object.keys(ACTIONS));
    expect(allowed('read').every((action) => action.endsWith('.read'))).toBe(true);
    expect(allowed('till').filter((action) => !action.endsWith('.read')).sort()).toEqual(
      ['customer.create', 'customer.enrol', 'ledger.addStamps', 'ledger.redeem', 'ledger.removeStamps'].sort(),
    );
    for (const scope of ['till', 'read'] as const) {
      for (const action of ['webhook.read', 'apiToken.read', 'apiToken.create', 'apiToken.revoke', 'auditLog.read'] as const) {
        expect(can(tokenOf(scope), action), `${scope} ${action}`).toBe(false);
      }
    }
  });
});

/** A valid body for each REST route with one, so only the policy can refuse it. */
const BODIES: Record<string, (ids: { cardId: number; rewardId: number }) => unknown> = {
  updateAccount: () => ({ account: { name: 'Renamed store' } }),
  createCard: () => ({ card: { name: 'New card' } }),
  updateCard: () => ({ card: { name: 'Renamed card' } }),
  stampCustomerCard: () => ({ stamps: 1 }),
  redeemCustomerCardReward: ({ rewardId }) => ({ reward_id: rewardId }),
  createCustomer: ({ cardId }) => ({ customer: { first_name: 'New', email: `new-${Math.random()}@example.com` }, card_id: cardId }),
  updateCustomer: () => ({ customer: { first_name: 'Renamed' } }),
  createLocation: () => ({ location: { name: 'New', address: 'Somewhere' } }),
  updateLocation: () => ({ location: { name: 'Renamed' } }),
  createPoster: ({ cardId }) => ({ poster: { card_id: cardId } }),
  updatePoster: () => ({ poster: { title: 'Renamed' } }),
  createReward: ({ cardId }) => ({ reward: { card_id: cardId, name: 'New reward', stamps_required: 1 } }),
  updateReward: () => ({ reward: { name: 'Renamed reward' } }),
  createWebhookSubscription: () => ({ target_url: 'https://93.184.215.14/new', event: 'stamp.earned' }),
  updateWebhookSubscription: () => ({ description: 'Renamed' }),
};

/** Not refused by the policy: a success, or a domain answer (a reward already redeemed cannot be deleted: 422). */
const allowedStatus = (status: number) => status < 300 || status === 404 || status === 422;

describe('REST: every route with admin, till and read tokens', () => {
  it('refuses with 403 exactly what the scope does not hold, changing nothing; allows the rest', async () => {
    const owner = await restStore(t);
    const storeId = owner.actor.storeId;
    const { card, rewards } = await seedCard(deps(), owner.actor, { stampsRequired: 5 }, [{ name: 'Cookie', stampsRequired: 1 }]);
    const { customer, customerCard } = await seedCustomerCard(deps(), owner.actor, card.id);
    await deps().db.customerCard.update({ where: { id: customerCard.id }, data: { stampsCount: 4 } });
    const location = await createLocation(deps(), owner.actor, { name: 'A', address: 'B' });
    const poster = await createPoster(deps(), owner.actor, card.id, {});
    const subscription = await createWebhookSubscription(deps(), owner.actor, { targetUrl: 'https://93.184.215.14/hook' });
    const ids = { cardId: card.id, rewardId: rewards[0]!.id };
    const records: Record<string, number> = {
      accounts: storeId,
      cards: card.id,
      customers: customer.id,
      customer_cards: customerCard.id,
      locations: location.id,
      posters: poster.id,
      rewards: rewards[0]!.id,
      webhook_subscriptions: subscription.id,
    };
    const fill = (path: string) => fillRoutePath(path, { account: storeId, customer: customer.id, records, test: 'scope test' });
    const routes = restRoutes.map(({ spec }) => spec).filter((spec) => !spec.public);
    const call = async (token: string, spec: (typeof routes)[number]) => {
      const body = spec.body ? BODIES[spec.operationId]?.(ids) : undefined;
      if (spec.body && body === undefined) throw new Error(`${spec.operationId} has a body but no case in BODIES`);
      return restClient(t, token).request(spec.method.toUpperCase(), fill(spec.path), body);
    };

    for (const scope of ['read', 'till'] as const) {
      const token = await createApiToken(deps().db, storeId, { scope, name: `${scope} token` });
      const refused = routes.filter((spec) => !can(tokenOf(scope), REST_ACTIONS[spec.operationId] as Action));
      const before = await snapshot(storeId);
      for (const spec of refused) {
        const response = await call(token, spec);
        expect({ route: spec.operationId, status: response.status }).toEqual({ route: spec.operationId, status: 403 });
        expect(response.body).toEqual({ error: 'Forbidden', errors: { scope: [expect.stringContaining(`scope ${scope}`)] } });
      }
      expect(await snapshot(storeId), `${scope}: refusals change nothing`).toBe(before);
      for (const spec of routes.filter((route) => !refused.includes(route))) {
        const response = await call(token, spec);
        expect({ route: spec.operationId, scope, allowed: allowedStatus(response.status) }).toEqual({ route: spec.operationId, scope, allowed: true });
      }
    }

    // Admin: everything answers (deletes last, of a reward nobody redeemed; no test delivery: it would call out).
    records.rewards = (await createReward(deps(), owner.actor, card.id, { name: 'Unredeemed', stampsRequired: 1 })).id;
    const admin = routes
      .filter((spec) => REST_ACTIONS[spec.operationId] !== 'webhook.send')
      .sort((a, b) => Number(a.method === 'delete') - Number(b.method === 'delete'));
    for (const spec of admin) {
      const response = await call(owner.token, spec);
      expect({ route: spec.operationId, allowed: allowedStatus(response.status) }).toEqual({ route: spec.operationId, allowed: true });
    }
    // Each admin write of the route table left one audit entry, attributed to the admin token.
    const audit = await deps().db.auditLogEntry.findMany({ where: { storeId, actorKind: 'TOKEN' }, orderBy: { id: 'asc' } });
    const writtenByRoutes = new Set(admin.map((spec) => REST_ACTIONS[spec.operationId]).filter((action) => AUDITED_ACTIONS.includes(action as Action)));
    expect(new Set(audit.map((entry) => entry.action))).toEqual(writtenByRoutes);
    expect(audit.every((entry) => entry.actorName.startsWith('API token sl_'))).toBe(true);
  });
});

/** A valid input for each mutation; ids filled in once the records exist. */
type Ids = Record<'store' | 'card' | 'reward' | 'customer' | 'customerCard' | 'subscription' | 'token', string>;
const MUTATIONS: Record<string, [string, (ids: Ids) => Record<string, unknown>]> = {
  updateStore: ['UpdateStoreInput', ({ store }) => ({ id: store, name: 'Renamed' })],
  createCard: ['CreateCardInput', () => ({ name: 'New card' })],
  updateCard: ['UpdateCardInput', ({ card }) => ({ id: card, name: 'Renamed' })],
  archiveCard: ['ArchiveCardInput', ({ card }) => ({ id: card })],
  unarchiveCard: ['UnarchiveCardInput', ({ card }) => ({ id: card })],
  createReward: ['CreateRewardInput', ({ card }) => ({ cardId: card, name: 'New', stampsRequired: 1 })],
  updateReward: ['UpdateRewardInput', ({ reward }) => ({ id: reward, name: 'Renamed' })],
  deleteReward: ['DeleteRewardInput', ({ reward }) => ({ id: reward })],
  createCustomer: ['CreateCustomerInput', () => ({ firstName: 'New', email: `g-${Math.random()}@example.com` })],
  updateCustomer: ['UpdateCustomerInput', ({ customer }) => ({ id: customer, firstName: 'Renamed' })],
  enrolCustomer: ['EnrolCustomerInput', ({ customer, card }) => ({ customerId: customer, cardId: card })],
  addStamps: ['AddStampsInput', ({ customerCard }) => ({ customerCardId: customerCard, stamps: 1 })],
  redeemReward: ['RedeemRewardInput', ({ customerCard, reward }) => ({ customerCardId: customerCard, rewardId: reward })],
  removeStamps: ['RemoveStampsInput', ({ customerCard }) => ({ customerCardId: customerCard, stamps: 1, reason: 'Scope check' })],
  createWebhookSubscription: ['CreateWebhookSubscriptionInput', () => ({ targetUrl: 'https://93.184.215.14/g' })],
  updateWebhookSubscription: ['UpdateWebhookSubscriptionInput', ({ subscription }) => ({ id: subscription, enabled: false })],
  deleteWebhookSubscription: ['DeleteWebhookSubscriptionInput', ({ subscription }) => ({ id: subscription })],
  rotateWebhookSecret: ['RotateWebhookSecretInput', ({ subscription }) => ({ id: subscription })],
  sendWebhookTest: ['SendWebhookTestInput', ({ subscription }) => ({ id: subscription })],
  redeliverWebhookEvent: ['RedeliverWebhookEventInput', ({ subscription }) => ({ id: subscription, eventId: 'evt_none' })],
  createApiToken: ['CreateApiTokenInput', () => ({ scope: 'ADMIN', name: 'Escalated' })],
  revokeApiToken: ['RevokeApiTokenInput', ({ token }) => ({ id: token })],
};

describe('GraphQL: every mutation and admin-only field with till and read tokens', () => {
  let storeId: number;
  let ids: Ids;
  const tokens = {} as Record<Scope, string>;

  beforeAll(async () => {
    const owner = await restStore(t);
    storeId = owner.actor.storeId;
    tokens.admin = owner.token;
    const { card, rewards } = await seedCard(deps(), owner.actor, { stampsRequired: 5 }, [{ name: 'Cookie', stampsRequired: 1 }]);
    const { customer, customerCard } = await seedCustomerCard(deps(), owner.actor, card.id);
    const subscription = await createWebhookSubscription(deps(), owner.actor, { targetUrl: 'https://93.184.215.14/hook' });
    const adminRow = await deps().db.apiToken.findFirstOrThrow({ where: { storeId } });
    ids = {
      store: globalIdOf('Store', storeId),
      card: globalIdOf('Card', card.id),
      reward: globalIdOf('Reward', rewards[0]!.id),
      customer: globalIdOf('Customer', customer.id),
      customerCard: globalIdOf('CustomerCard', customerCard.id),
      subscription: globalIdOf('WebhookSubscription', subscription.id),
      token: globalIdOf('ApiToken', adminRow.id),
    };
    for (const scope of ['till', 'read'] as const) tokens[scope] = await createApiToken(deps().db, storeId, { scope, name: scope });
  });

  it('has an input for every mutation', () => {
    const mutations = Object.keys(FIELD_ACTIONS).filter((key) => key.startsWith('Mutation.')).map((key) => key.slice('Mutation.'.length));
    expect(mutations.filter((name) => !(name in MUTATIONS))).toEqual([]);
  });

  it.each(['read', 'till'] as const)('%s: a refused mutation is a FORBIDDEN error on its field, its payload null, nothing changed', async (scope) => {
    const before = await snapshot(storeId);
    let refusedCount = 0;
    for (const [name, [inputType, input]] of Object.entries(MUTATIONS)) {
      const action = FIELD_ACTIONS[`Mutation.${name}`] as Action;
      if (can(tokenOf(scope), action)) continue;
      refusedCount++;
      const response = await gql.errors(tokens[scope], `mutation($input: ${inputType}!) { ${name}(input: $input) { userErrors { code } } }`, { input: input(ids) });
      expect({ name, data: response.body.data }).toEqual({ name, data: { [name]: null } });
      expect(response.body.errors).toMatchObject([{ path: [name], extensions: { code: 'FORBIDDEN' } }]);
    }
    expect(refusedCount).toBeGreaterThan(scope === 'read' ? 18 : 14);
    expect(await snapshot(storeId)).toBe(before);
  });

  it.each(['read', 'till'] as const)('%s: webhook subscriptions, tokens and the audit log are FORBIDDEN; the rest of the query answers', async (scope) => {
    const response = await gql.errors(tokens[scope], '{ store { name webhookSubscriptions { totalCount } apiTokens { totalCount } auditLog { totalCount } } }');
    expect(response.body.data).toEqual({ store: { name: expect.any(String), webhookSubscriptions: null, apiTokens: null, auditLog: null } });
    expect(response.body.errors!.map((error) => [error.path?.join('.'), error.extensions?.code]).sort()).toEqual([
      ['store.apiTokens', 'FORBIDDEN'],
      ['store.auditLog', 'FORBIDDEN'],
      ['store.webhookSubscriptions', 'FORBIDDEN'],
    ]);
    const viaNode = await gql.errors(tokens[scope], 'query($id: ID!) { node(id: $id) { id } }', { id: ids.subscription });
    expect(viaNode.body.errors![0]!.extensions?.code).toBe('FORBIDDEN');
  });

  it('till: stamps, redeems, creates and enrols customers', async () => {
    const stamped = await gql.data(tokens.till, 'mutation($id: ID!) { addStamps(input: {customerCardId: $id, stamps: 2}) { ledgerEntry { actor { kind name } } userErrors { code } } }', {
      id: ids.customerCard,
    });
    expect(stamped.addStamps).toEqual({ ledgerEntry: { actor: { kind: 'TOKEN', name: 'till' } }, userErrors: [] });
    const created = await gql.data(tokens.till, 'mutation($card: ID!) { createCustomer(input: {firstName: "Till", email: "till@example.com", cardId: $card}) { userErrors { code } } }', {
      card: ids.card,
    });
    expect(created.createCustomer.userErrors).toEqual([]);
  });
});

it('SCOPES lists the three scopes', () => {
  expect(SCOPES).toEqual(['admin', 'till', 'read']);
});
