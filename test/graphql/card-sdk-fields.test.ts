import { describe, expect, it } from 'vitest';
import { updateCard } from '../../src/domain/cards/card.service.ts';
import { globalIdOf } from '../../src/graphql/global-ids.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { graphqlClient } from '../helpers/graphql.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';

const t = useServer();
const api = graphqlClient(t);

const FIELDS = 'databaseId stampsRequired stampBackgroundColor stripOpacity auxiliaryFields expiresAt showMemberField showStampsToRewardField';
const CREATE = `mutation($input: CreateCardInput!) { createCard(input: $input) { card { ${FIELDS} } userErrors { field message code } } }`;
const UPDATE = `mutation($input: UpdateCardInput!) { updateCard(input: $input) { card { ${FIELDS} } userErrors { field message code } } }`;
const READ = `query($id: Int!) { store { card(databaseId: $id) { ${FIELDS} } } }`;

const SDK_FIELDS = {
  stampBackgroundColor: '#223344',
  stripOpacity: 40,
  auxiliaryFields: ['Open daily 8–18', 'Ask for oat milk'],
  expiresAt: '2031-06-30T21:00:00.000Z',
  showMemberField: false,
  showStampsToRewardField: false,
};

describe("card fields of Leal's current SDK over GraphQL", () => {
  it('defaults them', async () => {
    const { token } = await newStore(t.runtime);
    const data = await api.data(token, CREATE, { input: { name: 'Plain' } });
    expect(data.createCard.card).toMatchObject({
      stampBackgroundColor: null,
      stripOpacity: 100,
      auxiliaryFields: [],
      expiresAt: null,
      showMemberField: false,
      showStampsToRewardField: true,
    });
  });

  it('stores each on create, returns it on read, changes only the given ones on update and clears with null', async () => {
    const { token } = await newStore(t.runtime);
    const created = await api.data(token, CREATE, { input: { name: 'SDK', stampsRequired: 21, ...SDK_FIELDS, auxiliaryFields: ['', ...SDK_FIELDS.auxiliaryFields] } });
    expect(created.createCard.userErrors).toEqual([]);
    expect(created.createCard.card).toMatchObject({ stampsRequired: 21, ...SDK_FIELDS });
    const id = created.createCard.card.databaseId;
    expect((await api.data(token, READ, { id })).store.card).toMatchObject(SDK_FIELDS);

    const updated = await api.data(token, UPDATE, { input: { id: globalIdOf('Card', id), stripOpacity: 0, expiresAt: '2032-01-01' } });
    expect(updated.updateCard.card).toMatchObject({ ...SDK_FIELDS, stripOpacity: 0, expiresAt: '2032-01-01T00:00:00.000Z' });
    const cleared = await api.data(token, UPDATE, {
      input: { id: globalIdOf('Card', id), stampBackgroundColor: null, auxiliaryFields: null, expiresAt: null },
    });
    expect(cleared.updateCard.card).toMatchObject({ stampBackgroundColor: null, auxiliaryFields: [], expiresAt: null, stripOpacity: 0 });
  });

  it('reports each invalid one as an INVALID user error', async () => {
    const { token } = await newStore(t.runtime);
    const data = await api.data(token, CREATE, {
      input: {
        name: 'Bad',
        stampBackgroundColor: 'navy',
        stripOpacity: 101,
        auxiliaryFields: ['a', 'b', 'c'],
        expiresAt: 'soon',
        showMemberField: null,
        stampsRequired: 22,
      },
    });
    expect(data.createCard.card).toBeNull();
    const byField = Object.fromEntries(data.createCard.userErrors.map((e: { field: string[]; message: string }) => [e.field[1], e.message]));
    expect(byField).toEqual({
      stampBackgroundColor: 'must be a hex colour like #6B4226',
      stripOpacity: 'must be less than or equal to 100',
      auxiliaryFields: 'must hold at most 2 texts (blank ones are ignored)',
      expiresAt: 'must be an ISO 8601 date or time, e.g. 2027-12-31T23:59:59Z, or null for never',
      showMemberField: 'must be true or false',
      stampsRequired: 'must be less than or equal to 21',
    });
  });
});

describe('an expired card over GraphQL', () => {
  it('refuses stamps and redemptions with CARD_EXPIRED and changes nothing', async () => {
    const { token, actor } = await newStore(t.runtime);
    const { card, rewards } = await seedCard(t.runtime.deps, actor, { stampsRequired: 5, initialStamps: 2 }, [{ name: 'Tea', stampsRequired: 1 }]);
    const { customerCard } = await seedCustomerCard(t.runtime.deps, actor, card.id);
    await updateCard(t.runtime.deps, actor, card.id, { expiresAt: '2020-01-01T00:00:00Z' });
    const customerCardId = globalIdOf('CustomerCard', customerCard.id);
    const stamped = await api.data(
      token,
      `mutation($input: AddStampsInput!) { addStamps(input: $input) { customerCard { stampsCount } userErrors { field message code } } }`,
      { input: { customerCardId, stamps: 1 } },
    );
    expect(stamped.addStamps).toEqual({
      customerCard: null,
      userErrors: [{ field: ['input', 'stamps'], message: 'the card expired on 1 January 2020 and takes no stamps', code: 'CARD_EXPIRED' }],
    });
    const redeemed = await api.data(
      token,
      `mutation($input: RedeemRewardInput!) { redeemReward(input: $input) { customerCard { stampsCount } userErrors { field code } } }`,
      { input: { customerCardId, rewardId: globalIdOf('Reward', rewards[0]!.id) } },
    );
    expect(redeemed.redeemReward).toEqual({ customerCard: null, userErrors: [{ field: ['input', 'rewardId'], code: 'CARD_EXPIRED' }] });
    const row = await t.runtime.deps.db.customerCard.findUniqueOrThrow({ where: { id: customerCard.id } });
    expect(row.stampsCount).toBe(2);
  });
});
