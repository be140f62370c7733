import { describe, expect, it } from 'vitest';
import { addStamps, redeemReward } from '../../src/domain/customer-cards/customer-card.service.ts';
import { createCustomer } from '../../src/domain/customers/customer.service.ts';
import { searchTextOf } from '../../src/domain/customers/customer.rules.ts';
import { globalIdOf } from '../../src/graphql/global-ids.ts';
import { walletUrls } from '../../src/links.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { graphqlClient } from '../helpers/graphql.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';

const t = useServer();
const api = graphqlClient(t);
const deps = () => t.runtime.deps;

describe('Query.store', () => {
  it('is the store of the token, with its counts', async () => {
    const { token, actor } = await newStore(t.runtime);
    await deps().db.store.update({ where: { id: actor.storeId }, data: { storeName: 'Blue Door' } });
    const { card } = await seedCard(deps(), actor);
    await seedCard(deps(), actor, { name: 'Old' });
    await seedCustomerCard(deps(), actor, card.id);
    const data = await api.data(
      token,
      '{ store { id databaseId name storeName displayStoreName personal cardsCount customersCount locationsCount postersCount createdAt updatedAt } }',
    );
    expect(data.store).toMatchObject({
      id: globalIdOf('Store', actor.storeId),
      databaseId: actor.storeId,
      storeName: 'Blue Door',
      displayStoreName: 'Blue Door',
      personal: false,
      cardsCount: 2,
      customersCount: 1,
      locationsCount: 0,
      postersCount: 0,
    });
  });

  it('renames with updateStore; refuses a blank name and another store', async () => {
    const { token, actor } = await newStore(t.runtime);
    const other = await newStore(t.runtime);
    const mutation = `mutation($input: UpdateStoreInput!) { updateStore(input: $input) { store { name storeName displayStoreName } userErrors { field message code } } }`;
    const id = globalIdOf('Store', actor.storeId);
    const renamed = await api.data(token, mutation, { input: { id, name: 'Acme', storeName: null } });
    expect(renamed.updateStore).toEqual({ store: { name: 'Acme', storeName: null, displayStoreName: 'Acme' }, userErrors: [] });
    const blank = await api.data(token, mutation, { input: { id, name: '' } });
    expect(blank.updateStore.userErrors).toEqual([{ field: ['input', 'name'], message: "can't be blank", code: 'INVALID' }]);
    const foreign = await api.data(token, mutation, { input: { id: globalIdOf('Store', other.actor.storeId), name: 'Mine' } });
    expect(foreign.updateStore.userErrors).toEqual([{ field: ['input', 'id'], message: 'Store not found', code: 'NOT_FOUND' }]);
  });
});

describe('lookups by databaseId', () => {
  it('find each kind of record of the store, and null for unknown ids', async () => {
    const { token, actor } = await newStore(t.runtime);
    const { card, rewards } = await seedCard(deps(), actor, { name: 'Coffee' }, [{ name: 'Treat', stampsRequired: 2 }]);
    const { customer, customerCard } = await seedCustomerCard(deps(), actor, card.id);
    const data = await api.data(
      token,
      `query($card: Int!, $reward: Int!, $customer: Int!, $customerCard: Int!, $uuid: String!) {
        store {
          card(databaseId: $card) { databaseId name }
          reward(databaseId: $reward) { databaseId name }
          customer(databaseId: $customer) { databaseId firstName }
          customerCard(databaseId: $customerCard) { databaseId uuid }
          customerCardByUuid(uuid: $uuid) { databaseId }
          missing: card(databaseId: 999999) { id }
          missingCustomerCard: customerCardByUuid(uuid: "nope") { id }
        }
      }`,
      { card: card.id, reward: rewards[0]!.id, customer: customer.id, customerCard: customerCard.id, uuid: customerCard.uuid },
    );
    expect(data.store).toEqual({
      card: { databaseId: card.id, name: 'Coffee' },
      reward: { databaseId: rewards[0]!.id, name: 'Treat' },
      customer: { databaseId: customer.id, firstName: customer.firstName },
      customerCard: { databaseId: customerCard.id, uuid: customerCard.uuid },
      customerCardByUuid: { databaseId: customerCard.id },
      missing: null,
      missingCustomerCard: null,
    });
  });
});

describe('CustomerCard', () => {
  it('exposes progress, wallet links and its ledger', async () => {
    const { token, actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor, { name: 'Coffee', stampsRequired: 10, initialStamps: 1 }, [
      { name: 'Cookie', stampsRequired: 2 },
      { name: 'Coffee', stampsRequired: 8 },
    ]);
    const { customer, customerCard } = await seedCustomerCard(deps(), actor, card.id);
    await addStamps(deps(), actor, { customerCardId: customerCard.id, stamps: 3 });
    const data = await api.data(
      token,
      `query($id: Int!) { store { customerCard(databaseId: $id) {
        id uuid accountId customerId cardId cardName stampsCount stampsRemaining progressPercentage status passInstalled
        appleWalletUrl googleWalletUrl issuedAt createdAt updatedAt
        availableRewards { name stampsRequired }
        customer { databaseId } card { databaseId }
        ledgerEntries(first: 10) { totalCount edges { node { kind delta balanceAfter source } } }
        latest: ledgerEntries(last: 1) { edges { node { delta } } pageInfo { hasPreviousPage hasNextPage } }
        redemptions(first: 5) { totalCount }
      } } }`,
      { id: customerCard.id },
    );
    const urls = walletUrls(t.runtime.config, customerCard.uuid);
    expect(data.store.customerCard).toMatchObject({
      id: globalIdOf('CustomerCard', customerCard.id),
      uuid: customerCard.uuid,
      accountId: actor.storeId,
      customerId: customer.id,
      cardId: card.id,
      cardName: 'Coffee',
      stampsCount: 4,
      stampsRemaining: 6,
      progressPercentage: 50,
      status: 'ACTIVE',
      passInstalled: false,
      appleWalletUrl: urls.apple,
      // Google Wallet is not configured on this server.
      googleWalletUrl: null,
      availableRewards: [{ name: 'Cookie', stampsRequired: 2 }],
      customer: { databaseId: customer.id },
      card: { databaseId: card.id },
      ledgerEntries: {
        totalCount: 2,
        edges: [
          { node: { kind: 'WELCOME', delta: 1, balanceAfter: 1, source: 'GRAPHQL' } },
          { node: { kind: 'STAMP', delta: 3, balanceAfter: 4, source: 'GRAPHQL' } },
        ],
      },
      latest: { edges: [{ node: { delta: 3 } }], pageInfo: { hasPreviousPage: true, hasNextPage: false } },
      redemptions: { totalCount: 0 },
    });
    expect(data.store.customerCard.appleWalletUrl).toMatch(/\/wallet\/apple\/[0-9a-f-]{36}\.pkpass$/);
  });
});

describe('connections', () => {
  it('page with first/after, report totalCount and pageInfo, and refuse more than 100', async () => {
    const { token, actor } = await newStore(t.runtime);
    await deps().db.customer.createMany({
      data: Array.from({ length: 105 }, (_, i) => {
        const details = { firstName: `P${i}`, lastName: null, email: `p${i}@example.com`, phone: null, birthday: null };
        return { storeId: actor.storeId, ...details, metadata: {}, searchText: searchTextOf(details) };
      }),
    });
    const page = `query($first: Int, $after: String) { store { customers(first: $first, after: $after) {
      totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { firstName } } } } }`;
    const first = (await api.data(token, page, { first: 2 })).store.customers;
    expect(first.totalCount).toBe(105);
    expect(first.edges.map((e: { node: { firstName: string } }) => e.node.firstName)).toEqual(['P0', 'P1']);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false, endCursor: first.edges[1].cursor });
    const second = (await api.data(token, page, { first: 2, after: first.pageInfo.endCursor })).store.customers;
    expect(second.edges.map((e: { node: { firstName: string } }) => e.node.firstName)).toEqual(['P2', 'P3']);
    expect(second.pageInfo.hasPreviousPage).toBe(true);
    const big = (await api.data(token, page, { first: 100 })).store.customers;
    expect(big.edges).toHaveLength(100);
    expect(big.pageInfo.hasNextPage).toBe(true);
    const tooBig = await api.errors(token, page, { first: 101 });
    expect(tooBig.body.errors?.[0]).toMatchObject({ path: ['store', 'customers'], extensions: { code: 'BAD_USER_INPUT' } });
    expect(tooBig.body.data.store.customers).toBeNull();
    const byDefault = (await api.data(token, page, {})).store.customers;
    expect(byDefault.edges).toHaveLength(20);
  });

  it('refuses a negative page size with a coded error', async () => {
    const { token } = await newStore(t.runtime);
    const response = await api.errors(token, '{ store { cards(first: -1) { totalCount } } }');
    expect(response.body.errors?.[0]).toMatchObject({ message: 'Argument "first" must be between 0 and 100', extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('search customers like the REST search: name, email, phone, card code, external id, external reference', async () => {
    const { token, actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor);
    const ann = await createCustomer(deps(), actor, { firstName: 'Ann', lastName: 'Smith', email: 'ann@example.com' }, { cardId: card.id });
    await createCustomer(deps(), actor, {
      firstName: 'Bob',
      phone: '+1 555 010 9999',
      externalReferences: [{ source: 'square', externalId: 'SQ-42' }],
    });
    await createCustomer(deps(), actor, { firstName: 'Cat', email: 'cat@example.org', externalReferences: [{ source: 'shopify', externalId: 'S1' }] });
    const search = async (args: string) =>
      (await api.data(token, `{ store { customers(${args}) { totalCount edges { node { firstName } } } } }`)).store.customers.edges.map(
        (e: { node: { firstName: string } }) => e.node.firstName,
      );
    expect(await search('search: "SMI"')).toEqual(['Ann']);
    expect(await search('search: "example.org"')).toEqual(['Cat']);
    expect(await search('search: "555-010"')).toEqual(['Bob']);
    expect(await search(`search: "${ann.customerCard!.uuid}"`)).toEqual(['Ann']);
    expect(await search('search: "SQ-42"')).toEqual(['Bob']);
    expect(await search('externalReference: { source: "shopify" }')).toEqual(['Cat']);
    expect(await search('externalReference: { source: "square", externalId: "SQ-42" }')).toEqual(['Bob']);
    expect(await search('externalReference: { source: "square", externalId: "nope" }')).toEqual([]);
    expect(await search('search: "   "')).toEqual(['Ann', 'Bob', 'Cat']);
  });

  it('filter rewards by active and order them by card then position', async () => {
    const { token, actor } = await newStore(t.runtime);
    const a = await seedCard(deps(), actor, {}, [
      { name: 'A2', stampsRequired: 2, position: 2 },
      { name: 'A1', stampsRequired: 1, position: 1 },
      { name: 'A-off', stampsRequired: 1, position: 3, active: false },
    ]);
    await seedCard(deps(), actor, {}, [{ name: 'B1', stampsRequired: 1 }]);
    const names = (connection: { edges: { node: { name: string } }[] }) => connection.edges.map((e) => e.node.name);
    const data = await api.data(
      token,
      `query($card: Int!) { store {
        all: rewards { totalCount edges { node { name } } }
        active: rewards(active: true) { totalCount edges { node { name } } }
        inactive: rewards(active: false) { edges { node { name } } }
        card(databaseId: $card) { rewardsCount rewards(active: true) { totalCount edges { node { name } } } }
      } }`,
      { card: a.card.id },
    );
    expect(names(data.store.all)).toEqual(['A1', 'A2', 'A-off', 'B1']);
    expect(names(data.store.active)).toEqual(['A1', 'A2', 'B1']);
    expect(data.store.active.totalCount).toBe(3);
    expect(names(data.store.inactive)).toEqual(['A-off']);
    expect(data.store.card.rewardsCount).toBe(3);
    expect(data.store.card.rewards.totalCount).toBe(2);
    expect(names(data.store.card.rewards)).toEqual(['A1', 'A2']);
  });
});

describe('Query.node and Query.nodes', () => {
  it('resolve every node type of the store by global id', async () => {
    const { token, actor } = await newStore(t.runtime);
    const { card, rewards } = await seedCard(deps(), actor, {}, [{ name: 'R', stampsRequired: 1 }]);
    const { customer, customerCard } = await seedCustomerCard(deps(), actor, card.id);
    const stamped = await addStamps(deps(), actor, { customerCardId: customerCard.id, stamps: 1 });
    const redeemed = await redeemReward(deps(), actor, { customerCardId: customerCard.id, rewardId: rewards[0]!.id });
    const ids = {
      Store: actor.storeId,
      Card: card.id,
      Reward: rewards[0]!.id,
      Customer: customer.id,
      CustomerCard: customerCard.id,
      LedgerEntry: stamped.ledgerEntry.id,
      Redemption: redeemed.redemption.id,
    } as const;
    for (const [typename, id] of Object.entries(ids)) {
      const globalId = globalIdOf(typename as keyof typeof ids, id);
      const data = await api.data(token, 'query($id: ID!) { node(id: $id) { __typename id ... on Card { name } } }', { id: globalId });
      expect(data.node).toMatchObject({ __typename: typename, id: globalId });
    }
    const relations = await api.data(
      token,
      `query($redemption: ID!, $card: ID!) {
        redemption: node(id: $redemption) { ... on Redemption { customerCard { databaseId } ledgerEntry { kind delta } reward { name } } }
        card: node(id: $card) { ... on Card { customerCards(first: 5) { totalCount edges { node { databaseId customer { databaseId } } } } } }
      }`,
      { redemption: globalIdOf('Redemption', ids.Redemption), card: globalIdOf('Card', card.id) },
    );
    expect(relations).toEqual({
      redemption: { customerCard: { databaseId: customerCard.id }, ledgerEntry: { kind: 'REDEEM', delta: -1 }, reward: { name: 'R' } },
      card: { customerCards: { totalCount: 1, edges: [{ node: { databaseId: customerCard.id, customer: { databaseId: customer.id } } }] } },
    });
    const data = await api.data(token, 'query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }', {
      ids: [globalIdOf('Customer', customer.id), 'garbage', globalIdOf('Card', card.id), globalIdOf('Card', 999_999)],
    });
    expect(data.nodes).toEqual([
      { __typename: 'Customer', id: globalIdOf('Customer', customer.id) },
      null,
      { __typename: 'Card', id: globalIdOf('Card', card.id) },
      null,
    ]);
  });

  it('answer null for malformed ids and ids of types that are not nodes', async () => {
    const { token } = await newStore(t.runtime);
    const malformed = ['', 'garbage', Buffer.from('Card:abc').toString('base64'), Buffer.from('ApiToken:1').toString('base64'), Buffer.from('Card:99999999999').toString('base64')];
    for (const id of malformed) {
      expect((await api.data(token, 'query($id: ID!) { node(id: $id) { id } }', { id })).node).toBeNull();
    }
  });

  it('refuses more than 100 ids at once', async () => {
    const { token } = await newStore(t.runtime);
    const ids = Array.from({ length: 101 }, (_, i) => globalIdOf('Card', i + 1));
    const response = await api.errors(token, 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids });
    expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.body.data).toEqual({ nodes: null });
  });
});
