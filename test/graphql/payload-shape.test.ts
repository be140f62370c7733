import { isNonNullType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/graphql/schema.ts';
import { globalIdOf } from '../../src/graphql/global-ids.ts';
import { seedCard } from '../helpers/factories.ts';
import { graphqlClient } from '../helpers/graphql.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';

const t = useServer();
const api = graphqlClient(t);

describe('mutation payloads', () => {
  it('are nullable, so one failing mutation does not null the others', () => {
    const nonNull = Object.values(schema.getMutationType()!.getFields()).filter((field) => isNonNullType(field.type));
    expect(nonNull.map((field) => field.name)).toEqual([]);
  });

  it('keep the other mutations of a document when one errors', async () => {
    const { token, actor } = await newStore(t.runtime);
    const { card } = await seedCard(t.runtime.deps, actor);
    const response = await api.raw(
      `mutation Two($cardId: ID!) {
        broken: createReward(input: { cardId: $cardId, name: "Tea", stampsRequired: 2 }) { card { rewards(first: -1) { totalCount } } }
        fine: createCard(input: { name: "Second" }) { card { name } userErrors { code } }
      }`,
      { token, variables: { cardId: globalIdOf('Card', card.id) } },
    );
    expect(response.body.errors).toEqual([expect.objectContaining({ path: ['broken', 'card', 'rewards'], extensions: { code: 'BAD_USER_INPUT' } })]);
    expect(response.body.data).toEqual({ broken: { card: { rewards: null } }, fine: { card: { name: 'Second' }, userErrors: [] } });
  });

  it('createReward and deleteReward return the card, with its rewards as they are now', async () => {
    const { token, actor } = await newStore(t.runtime);
    const { card } = await seedCard(t.runtime.deps, actor, {}, [{ name: 'Cookie', stampsRequired: 2 }]);
    const cardId = globalIdOf('Card', card.id);
    const created = await api.data(
      token,
      `mutation($cardId: ID!) { createReward(input: { cardId: $cardId, name: "Tea", stampsRequired: 3 }) {
        reward { id } card { id rewards { totalCount nodes { name } } } userErrors { code } } }`,
      { cardId },
    );
    expect(created.createReward.card).toEqual({ id: cardId, rewards: { totalCount: 2, nodes: [{ name: 'Cookie' }, { name: 'Tea' }] } });
    const deleted = await api.data(
      token,
      'mutation($id: ID!) { deleteReward(input: { id: $id }) { deletedRewardId card { id rewards { nodes { name } } } userErrors { code } } }',
      { id: created.createReward.reward.id },
    );
    expect(deleted.deleteReward).toEqual({ deletedRewardId: created.createReward.reward.id, card: { id: cardId, rewards: { nodes: [{ name: 'Cookie' }] } }, userErrors: [] });
    const refused = await api.data(token, 'mutation($id: ID!) { deleteReward(input: { id: $id }) { card { id } userErrors { code } } }', {
      id: created.createReward.reward.id,
    });
    expect(refused.deleteReward).toEqual({ card: null, userErrors: [{ code: 'NOT_FOUND' }] });
  });

  it('createCard and createCustomer return the store, enrolCustomer the customer', async () => {
    const { token } = await newStore(t.runtime);
    const card = await api.data(token, 'mutation { createCard(input: { name: "Tea" }) { card { id } store { cards { totalCount } } } }');
    expect(card.createCard.store).toEqual({ cards: { totalCount: 1 } });
    const customer = await api.data(
      token,
      'mutation { createCustomer(input: { firstName: "Ann", email: "ann@example.com" }) { customer { id } store { customers { totalCount } } } }',
    );
    expect(customer.createCustomer.store).toEqual({ customers: { totalCount: 1 } });
    const enrolled = await api.data(
      token,
      'mutation($customerId: ID!, $cardId: ID!) { enrolCustomer(input: { customerId: $customerId, cardId: $cardId }) { customer { id customerCards { totalCount } } } }',
      { customerId: customer.createCustomer.customer.id, cardId: card.createCard.card.id },
    );
    expect(enrolled.enrolCustomer.customer).toEqual({ id: customer.createCustomer.customer.id, customerCards: { totalCount: 1 } });
  });
});
