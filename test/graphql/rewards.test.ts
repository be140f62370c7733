import { describe, expect, it } from 'vitest';
import { addStamps, redeemReward } from '../../src/domain/customer-cards/customer-card.service.ts';
import { globalIdOf } from '../../src/graphql/global-ids.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { graphqlClient } from '../helpers/graphql.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';

const t = useServer();
const api = graphqlClient(t);
const deps = () => t.runtime.deps;

const FIELDS = 'id databaseId accountId cardId name description stampsRequired position active createdAt updatedAt card { databaseId }';
const CREATE = `mutation($input: CreateRewardInput!) { createReward(input: $input) { reward { ${FIELDS} } userErrors { field message code } } }`;
const UPDATE = `mutation($input: UpdateRewardInput!) { updateReward(input: $input) { reward { ${FIELDS} } userErrors { field message code } } }`;
const DELETE = `mutation($id: ID!) { deleteReward(input: { id: $id }) { deletedRewardId userErrors { field message code } } }`;

describe('createReward', () => {
  it('adds a reward to a card, after the existing ones', async () => {
    const { token, actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor, { stampsRequired: 10 }, [{ name: 'First', stampsRequired: 3 }]);
    const data = await api.data(token, CREATE, {
      input: { cardId: globalIdOf('Card', card.id), name: 'Free coffee', description: 'Any size', stampsRequired: 9 },
    });
    expect(data.createReward.userErrors).toEqual([]);
    expect(data.createReward.reward).toMatchObject({
      accountId: actor.storeId,
      cardId: card.id,
      card: { databaseId: card.id },
      name: 'Free coffee',
      description: 'Any size',
      stampsRequired: 9,
      position: 1,
      active: true,
    });
  });

  it("refuses a cost above the card's stamps required, and a missing name", async () => {
    const { token, actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor, { stampsRequired: 10 });
    const data = await api.data(token, CREATE, { input: { cardId: globalIdOf('Card', card.id), name: '', stampsRequired: 11 } });
    expect(data.createReward.reward).toBeNull();
    expect(data.createReward.userErrors).toEqual([
      { field: ['input', 'name'], message: "can't be blank", code: 'INVALID' },
      { field: ['input', 'stampsRequired'], message: 'must be less than or equal to 10', code: 'INVALID' },
    ]);
  });

  it("answers NOT_FOUND on input.cardId for another store's card", async () => {
    const { token } = await newStore(t.runtime);
    const other = await newStore(t.runtime);
    const { card } = await seedCard(deps(), other.actor);
    const data = await api.data(token, CREATE, { input: { cardId: globalIdOf('Card', card.id), name: 'R', stampsRequired: 1 } });
    expect(data.createReward.userErrors).toEqual([{ field: ['input', 'cardId'], message: 'Card not found', code: 'NOT_FOUND' }]);
    expect(await deps().db.reward.count({ where: { cardId: card.id } })).toBe(0);
  });
});

describe('updateReward', () => {
  it('changes only the given attributes', async () => {
    const { token, actor } = await newStore(t.runtime);
    const { rewards } = await seedCard(deps(), actor, {}, [{ name: 'Old', stampsRequired: 3, description: 'd' }]);
    const id = globalIdOf('Reward', rewards[0]!.id);
    const data = await api.data(token, UPDATE, { input: { id, name: 'New', active: false, description: null } });
    expect(data.updateReward.reward).toMatchObject({ id, name: 'New', active: false, description: null, stampsRequired: 3 });
  });

  it('refuses null for a required attribute', async () => {
    const { token, actor } = await newStore(t.runtime);
    const { rewards } = await seedCard(deps(), actor, {}, [{ name: 'Old', stampsRequired: 3 }]);
    const data = await api.data(token, UPDATE, { input: { id: globalIdOf('Reward', rewards[0]!.id), stampsRequired: null } });
    expect(data.updateReward.userErrors).toEqual([{ field: ['input', 'stampsRequired'], message: 'must be an integer', code: 'INVALID' }]);
  });
});

describe('deleteReward', () => {
  it('deletes a reward nobody redeemed', async () => {
    const { token, actor } = await newStore(t.runtime);
    const { rewards } = await seedCard(deps(), actor, {}, [{ name: 'Gone', stampsRequired: 3 }]);
    const id = globalIdOf('Reward', rewards[0]!.id);
    const data = await api.data(token, DELETE, { id });
    expect(data.deleteReward).toEqual({ deletedRewardId: id, userErrors: [] });
    expect(await deps().db.reward.count({ where: { id: rewards[0]!.id } })).toBe(0);
    const again = await api.data(token, DELETE, { id });
    expect(again.deleteReward.userErrors).toEqual([{ field: ['input', 'id'], message: 'Reward not found', code: 'NOT_FOUND' }]);
  });

  it('keeps a redeemed reward with IN_USE', async () => {
    const { token, actor } = await newStore(t.runtime);
    const { card, rewards } = await seedCard(deps(), actor, {}, [{ name: 'Kept', stampsRequired: 1 }]);
    const { customerCard } = await seedCustomerCard(deps(), actor, card.id);
    await addStamps(deps(), actor, { customerCardId: customerCard.id, stamps: 1 });
    await redeemReward(deps(), actor, { customerCardId: customerCard.id, rewardId: rewards[0]!.id });
    const data = await api.data(token, DELETE, { id: globalIdOf('Reward', rewards[0]!.id) });
    expect(data.deleteReward).toEqual({
      deletedRewardId: null,
      userErrors: [
        { field: ['input'], message: 'has been redeemed and cannot be deleted; set active to false instead', code: 'IN_USE' },
      ],
    });
    expect(await deps().db.reward.count({ where: { id: rewards[0]!.id } })).toBe(1);
  });
});
