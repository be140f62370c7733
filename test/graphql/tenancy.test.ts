import { readFileSync } from 'node:fs';
import { buildSchema, type GraphQLObjectType } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { addStamps, redeemReward } from '../../src/domain/customer-cards/customer-card.service.ts';
import { createWebhookSubscription } from '../../src/domain/webhooks/webhook-subscription.service.ts';
import { globalIdOf, type NodeType } from '../../src/graphql/global-ids.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { graphqlClient } from '../helpers/graphql.ts';
import { repoRoot } from '../helpers/process.ts';
import { newStore, type TestStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';

const t = useServer();
const api = graphqlClient(t);
const deps = () => t.runtime.deps;

/** Store A's records, which store B must never see or change. */
let a: TestStore;
let b: TestStore;
let ids: Record<NodeType, number>;

beforeAll(async () => {
  a = await newStore(t.runtime);
  b = await newStore(t.runtime);
  const { card, rewards } = await seedCard(deps(), a.actor, { name: 'Secret card' }, [{ name: 'Secret reward', stampsRequired: 1 }]);
  const { customer, customerCard } = await seedCustomerCard(deps(), a.actor, card.id);
  const stamped = await addStamps(deps(), a.actor, { customerCardId: customerCard.id, stamps: 3 });
  const redeemed = await redeemReward(deps(), a.actor, { customerCardId: customerCard.id, rewardId: rewards[0]!.id });
  ids = {
    Store: a.actor.storeId,
    Card: card.id,
    Reward: rewards[0]!.id,
    Customer: customer.id,
    CustomerCard: customerCard.id,
    LedgerEntry: stamped.ledgerEntry.id,
    Redemption: redeemed.redemption.id,
    WebhookSubscription: (await createWebhookSubscription(deps(), a.actor, { targetUrl: 'https://93.184.215.14/secret-hook' })).id,
    ApiToken: (await deps().db.apiToken.findFirstOrThrow({ where: { storeId: a.actor.storeId } })).id,
    AuditLogEntry: (await deps().db.auditLogEntry.findFirstOrThrow({ where: { storeId: a.actor.storeId } })).id,
  };
  // B has records of its own, so its lists are not trivially empty.
  const own = await seedCard(deps(), b.actor, { name: 'Own card' }, [{ name: 'Own reward', stampsRequired: 1 }]);
  const ownCustomerCard = await seedCustomerCard(deps(), b.actor, own.card.id);
  await addStamps(deps(), b.actor, { customerCardId: ownCustomerCard.customerCard.id, stamps: 1 });
  await createWebhookSubscription(deps(), b.actor, { targetUrl: 'https://93.184.215.14/own-hook' });
});

const gid = (type: NodeType) => globalIdOf(type, ids[type]);

/** Every mutation, with another store's ids, and the input field its NOT_FOUND names. */
const mutationCases = (): [string, string, Record<string, unknown>, string][] => [
  ['updateStore', 'UpdateStoreInput', { id: gid('Store'), name: 'Mine now' }, 'id'],
  ['updateCard', 'UpdateCardInput', { id: gid('Card'), name: 'Mine now' }, 'id'],
  ['archiveCard', 'ArchiveCardInput', { id: gid('Card') }, 'id'],
  ['unarchiveCard', 'UnarchiveCardInput', { id: gid('Card') }, 'id'],
  ['createReward', 'CreateRewardInput', { cardId: gid('Card'), name: 'Mine', stampsRequired: 1 }, 'cardId'],
  ['updateReward', 'UpdateRewardInput', { id: gid('Reward'), name: 'Mine now' }, 'id'],
  ['deleteReward', 'DeleteRewardInput', { id: gid('Reward') }, 'id'],
  ['createCustomer', 'CreateCustomerInput', { firstName: 'X', email: 'x@example.com', cardId: gid('Card') }, 'cardId'],
  ['updateCustomer', 'UpdateCustomerInput', { id: gid('Customer'), firstName: 'Mine now' }, 'id'],
  ['enrolCustomer', 'EnrolCustomerInput', { customerId: gid('Customer'), cardId: gid('Card') }, 'customerId'],
  ['addStamps', 'AddStampsInput', { customerCardId: gid('CustomerCard'), stamps: 1 }, 'customerCardId'],
  ['redeemReward', 'RedeemRewardInput', { customerCardId: gid('CustomerCard'), rewardId: gid('Reward') }, 'customerCardId'],
  ['removeStamps', 'RemoveStampsInput', { customerCardId: gid('CustomerCard'), stamps: 1, reason: 'Mine' }, 'customerCardId'],
  ['updateWebhookSubscription', 'UpdateWebhookSubscriptionInput', { id: gid('WebhookSubscription'), enabled: false }, 'id'],
  ['rotateWebhookSecret', 'RotateWebhookSecretInput', { id: gid('WebhookSubscription') }, 'id'],
  ['sendWebhookTest', 'SendWebhookTestInput', { id: gid('WebhookSubscription') }, 'id'],
  ['redeliverWebhookEvent', 'RedeliverWebhookEventInput', { id: gid('WebhookSubscription'), eventId: 'evt_none' }, 'id'],
  ['deleteWebhookSubscription', 'DeleteWebhookSubscriptionInput', { id: gid('WebhookSubscription') }, 'id'],
  ['revokeApiToken', 'RevokeApiTokenInput', { id: gid('ApiToken') }, 'id'],
  ];

describe("another store's records do not exist for the caller", () => {
  it('node and nodes resolve to null for every type', async () => {
    for (const type of Object.keys(ids) as NodeType[]) {
      const own = await api.data(a.token, 'query($id: ID!) { node(id: $id) { id } }', { id: gid(type) });
      expect(own.node, `A sees its own ${type}`).toEqual({ id: gid(type) });
      const foreign = await api.data(b.token, 'query($id: ID!) { node(id: $id) { id } }', { id: gid(type) });
      expect(foreign.node, `B must not see A's ${type}`).toBeNull();
    }
    const many = await api.data(b.token, 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }', {
      ids: (Object.keys(ids) as NodeType[]).map(gid),
    });
    expect(many.nodes).toEqual(Object.keys(ids).map(() => null));
  });

  it('a lookup by the code on the pass answers null', async () => {
    const { uuid } = await deps().db.customerCard.findUniqueOrThrow({ where: { id: ids.CustomerCard } });
    expect((await api.data(a.token, 'query($u: String!) { store { customerCardByUuid(uuid: $u) { databaseId } } }', { u: uuid })).store).toEqual({
      customerCardByUuid: { databaseId: ids.CustomerCard },
    });
    expect((await api.data(b.token, 'query($u: String!) { store { customerCardByUuid(uuid: $u) { databaseId } } }', { u: uuid })).store).toEqual({
      customerCardByUuid: null,
    });
  });

  it('lookups by databaseId answer null', async () => {
    const data = await api.data(
      b.token,
      `query($card: Int!, $reward: Int!, $customer: Int!, $customerCard: Int!) { store {
        card(databaseId: $card) { id } reward(databaseId: $reward) { id }
        customer(databaseId: $customer) { id } customerCard(databaseId: $customerCard) { id }
      } }`,
      { card: ids.Card, reward: ids.Reward, customer: ids.Customer, customerCard: ids.CustomerCard },
    );
    expect(data.store).toEqual({ card: null, reward: null, customer: null, customerCard: null });
  });

  it('lists hold only the caller\'s records', async () => {
    const data = await api.data(
      b.token,
      `{ store {
        cards(scope: ALL) { edges { node { name } } }
        rewards { edges { node { name } } }
        customers { totalCount }
        customerCards { totalCount edges { node { card { name } } } }
        webhookSubscriptions { totalCount edges { node { targetUrl secret } } }
        apiTokens { nodes { databaseId } }
        auditLog { nodes { targetType targetId } }
      } }`,
    );
    expect(data.store.apiTokens.nodes.map((n: { databaseId: number }) => n.databaseId)).not.toContain(ids.ApiToken);
    expect(data.store.auditLog.nodes.map((n: { targetType: string }) => n.targetType)).toEqual(['WebhookSubscription', 'Reward', 'Card']);
    expect(data.store.webhookSubscriptions.totalCount).toBe(1);
    expect(data.store.webhookSubscriptions.edges[0].node.targetUrl).toBe('https://93.184.215.14/own-hook');
    expect(data.store.cards.edges).toEqual([{ node: { name: 'Own card' } }]);
    expect(data.store.rewards.edges).toEqual([{ node: { name: 'Own reward' } }]);
    expect(data.store.customers.totalCount).toBe(1);
    expect(data.store.customerCards).toEqual({ totalCount: 1, edges: [{ node: { card: { name: 'Own card' } } }] });
  });

  it("the event log lists only the caller's events, and refuses another store's cursors", async () => {
    const events = `query($card: ID, $after: String) { store { events(customerCardId: $card, after: $after) {
      nodes { delta customerCard { card { name } } } edges { cursor } } } }`;
    const own = await api.data(b.token, events);
    expect(own.store.events.nodes).toEqual([{ delta: 1, customerCard: { card: { name: 'Own card' } } }]);
    expect((await api.data(b.token, events, { card: gid('CustomerCard') })).store.events.nodes).toEqual([]);
    const foreign = await api.data(a.token, events);
    expect(foreign.store.events.nodes.length).toBe(2);
    const refused = await api.errors(b.token, events, { after: foreign.store.events.edges[0].cursor });
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it("a create names no store: it lands in the caller's", async () => {
    const before = await deps().db.card.count({ where: { storeId: a.actor.storeId } });
    const data = await api.data(b.token, 'mutation { createCard(input: {name: "Planted"}) { card { databaseId } userErrors { code } } }');
    expect(data.createCard.userErrors).toEqual([]);
    const created = await deps().db.card.findUniqueOrThrow({ where: { id: data.createCard.card.databaseId } });
    expect(created.storeId).toBe(b.actor.storeId);
    expect(await deps().db.card.count({ where: { storeId: a.actor.storeId } })).toBe(before);
    await deps().db.card.delete({ where: { id: created.id } });
  });

  it('every mutation answers NOT_FOUND on the foreign id and changes nothing', async () => {
    const snapshot = async () => ({
      card: await deps().db.card.findUniqueOrThrow({ where: { id: ids.Card } }),
      reward: await deps().db.reward.findUniqueOrThrow({ where: { id: ids.Reward } }),
      customer: await deps().db.customer.findUniqueOrThrow({ where: { id: ids.Customer } }),
      customerCard: await deps().db.customerCard.findUniqueOrThrow({ where: { id: ids.CustomerCard } }),
      ledger: await deps().db.ledgerEntry.count({ where: { storeId: a.actor.storeId } }),
      store: await deps().db.store.findUniqueOrThrow({ where: { id: a.actor.storeId } }),
      customers: await deps().db.customer.count({ where: { storeId: a.actor.storeId } }),
      webhookSubscription: await deps().db.webhookSubscription.findUniqueOrThrow({ where: { id: ids.WebhookSubscription } }),
      webhookDeliveries: await deps().db.webhookDelivery.count(),
      apiTokens: await deps().db.apiToken.findMany({ where: { storeId: a.actor.storeId } }),
    });
    const before = await snapshot();
    for (const [name, inputType, input, field] of mutationCases()) {
      const data = await api.data(b.token, `mutation($input: ${inputType}!) { ${name}(input: $input) { userErrors { field code } } }`, { input });
      expect(data[name].userErrors, name).toEqual([{ field: ['input', field], code: 'NOT_FOUND' }]);
    }
    expect(await snapshot()).toEqual(before);
    expect(await deps().db.customer.count({ where: { storeId: b.actor.storeId } })).toBe(1);
  });
});

/**
 * Where the tenancy of each entry point is proven. Built from the schema, so a new root field, store
 * lookup, list or mutation fails here until a case for it is written.
 */
const COVERED: Record<string, string> = {
  'Query.node': 'node and nodes resolve to null for every type',
  'Query.nodes': 'node and nodes resolve to null for every type',
  'Query.store': 'always the caller\'s store: every test here reads through it',
  'Query.viewerCustomerCard':
    "test/graphql/card-holder.test.ts: null for an API token; a customer page reads its own card only, never another store's",
  'Store.card': 'lookups by databaseId answer null',
  'Store.reward': 'lookups by databaseId answer null',
  'Store.customer': 'lookups by databaseId answer null',
  'Store.customerCard': 'lookups by databaseId answer null',
  'Store.customerCardByUuid': 'a lookup by the code on the pass answers null',
  'Store.cards': "lists hold only the caller's records",
  'Store.rewards': "lists hold only the caller's records",
  'Store.customers': "lists hold only the caller's records",
  'Store.customerCards': "lists hold only the caller's records",
  'Store.webhookSubscriptions': "lists hold only the caller's records",
  'Store.events': "the event log lists only the caller's events, and refuses another store's cursors",
  'Store.apiTokens': "lists hold only the caller's records",
  'Store.auditLog': "lists hold only the caller's records",
  'Mutation.createApiToken': "test/auth/access.test.ts: a token is created in the caller's store",
  'Mutation.createCard': 'a create names no store: it lands in the caller\'s',
  'Mutation.createWebhookSubscription': "test/graphql/webhooks.test.ts: a create names no store, it lands in the caller's",
  'Subscription.stampsChanged': "test/graphql/subscriptions.test.ts: refuses another store's ids with NOT_FOUND",
};

it('has a tenancy case for every root field, store field with arguments, mutation and subscription', () => {
  const schema = buildSchema(readFileSync(`${repoRoot}/schema.graphql`, 'utf8'));
  const fieldsOf = (type: GraphQLObjectType | null | undefined, onlyWithArgs = false) =>
    Object.values(type?.getFields() ?? {})
      .filter((field) => !onlyWithArgs || field.args.length > 0)
      .map((field) => `${type!.name}.${field.name}`);
  const entryPoints = [
    ...fieldsOf(schema.getQueryType()),
    ...fieldsOf(schema.getType('Store') as GraphQLObjectType, true),
    ...fieldsOf(schema.getMutationType()),
    ...fieldsOf(schema.getSubscriptionType()),
  ];
  const covered = new Set([...Object.keys(COVERED), ...mutationCases().map(([name]) => `Mutation.${name}`)]);
  expect(entryPoints.filter((entry) => !covered.has(entry))).toEqual([]);
});
