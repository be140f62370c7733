import { describe, expect, it } from 'vitest';
import { globalIdOf } from '../../src/graphql/global-ids.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { graphqlClient } from '../helpers/graphql.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';

const t = useServer();
const api = graphqlClient(t);
const deps = () => t.runtime.deps;

const CARD_FIELDS = `id databaseId name cardColor textColor stampIcon stampColor stampsRequired initialStamps stripType
  stripColor stripPreset headerText archivedAt rewardsCount customerCardsCount createdAt updatedAt`;

const CREATE = `mutation($input: CreateCardInput!) { createCard(input: $input) { card { ${CARD_FIELDS} } userErrors { field message code } } }`;
const UPDATE = `mutation($input: UpdateCardInput!) { updateCard(input: $input) { card { ${CARD_FIELDS} } userErrors { field message code } } }`;
const ARCHIVE = `mutation($id: ID!) { archiveCard(input: { id: $id }) { card { archivedAt } userErrors { field message code } } }`;
const UNARCHIVE = `mutation($id: ID!) { unarchiveCard(input: { id: $id }) { card { archivedAt } userErrors { field message code } } }`;

describe('createCard', () => {
  it('creates a card with the defaults for omitted attributes', async () => {
    const { token, actor } = await newStore(t.runtime);
    const data = await api.data(token, CREATE, { input: { name: 'Coffee Loyalty Card' } });
    expect(data.createCard.userErrors).toEqual([]);
    expect(data.createCard.card).toMatchObject({
      name: 'Coffee Loyalty Card',
      cardColor: '#6B4226',
      textColor: '#FFFFFF',
      stampIcon: 'coffee',
      stampColor: '#F5C542',
      stampsRequired: 10,
      initialStamps: 0,
      stripType: 'COLOR',
      stripColor: null,
      stripPreset: null,
      headerText: null,
      archivedAt: null,
      rewardsCount: 0,
      customerCardsCount: 0,
    });
    expect(data.createCard.card.id).toBe(globalIdOf('Card', data.createCard.card.databaseId));
    expect(data.createCard.card.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const row = await deps().db.card.findUniqueOrThrow({ where: { id: data.createCard.card.databaseId } });
    expect(row.storeId).toBe(actor.storeId);
  });

  it('takes every attribute', async () => {
    const { token } = await newStore(t.runtime);
    const input = {
      name: 'Haircuts',
      cardColor: '#112233',
      textColor: '#000000',
      stampIcon: 'scissors',
      stampColor: '#ABCDEF',
      stampsRequired: 6,
      initialStamps: 1,
      stripType: 'PRESET',
      stripPreset: 'waves',
      headerText: 'Cut 5, the 6th is free',
    };
    const data = await api.data(token, CREATE, { input });
    expect(data.createCard.card).toMatchObject(input);
  });

  it('reports every invalid attribute as an INVALID user error and creates nothing', async () => {
    const { token, actor } = await newStore(t.runtime);
    const data = await api.data(token, CREATE, {
      input: { name: ' ', cardColor: 'red', stampsRequired: 22, initialStamps: -1, stampIcon: 'Not An Icon' },
    });
    expect(data.createCard.card).toBeNull();
    const fields = data.createCard.userErrors.map((e: { field: string[] }) => e.field.join('.'));
    expect(fields.sort()).toEqual(['input.cardColor', 'input.initialStamps', 'input.name', 'input.stampIcon', 'input.stampsRequired']);
    expect(data.createCard.userErrors.every((e: { code: string }) => e.code === 'INVALID')).toBe(true);
    expect(data.createCard.userErrors).toContainEqual({
      field: ['input', 'stampsRequired'],
      message: 'must be less than or equal to 21',
      code: 'INVALID',
    });
    expect(await deps().db.card.count({ where: { storeId: actor.storeId } })).toBe(0);
  });

  it('refuses null for a colour the pass needs', async () => {
    const { token } = await newStore(t.runtime);
    const data = await api.data(token, CREATE, { input: { name: 'X', cardColor: null } });
    expect(data.createCard.userErrors).toEqual([{ field: ['input', 'cardColor'], message: "can't be blank", code: 'INVALID' }]);
  });

  it('creates once for a repeated idempotency key', async () => {
    const { token, actor } = await newStore(t.runtime);
    const input = { name: 'Once', idempotencyKey: 'create-card-1' };
    const first = await api.data(token, CREATE, { input });
    const again = await api.data(token, CREATE, { input });
    expect(again.createCard.card.id).toBe(first.createCard.card.id);
    expect(await deps().db.card.count({ where: { storeId: actor.storeId } })).toBe(1);
  });
});

describe('updateCard', () => {
  it('changes only the given attributes', async () => {
    const { token, actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor, { name: 'Coffee', stampsRequired: 10, headerText: 'Hello' });
    const id = globalIdOf('Card', card.id);
    const data = await api.data(token, UPDATE, { input: { id, name: 'Tea', cardColor: '#00AA00', headerText: null } });
    expect(data.updateCard.userErrors).toEqual([]);
    expect(data.updateCard.card).toMatchObject({ id, name: 'Tea', cardColor: '#00AA00', headerText: null, stampsRequired: 10 });
  });

  it('checks initialStamps against a lowered stampsRequired', async () => {
    const { token, actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor, { stampsRequired: 10, initialStamps: 5 });
    const data = await api.data(token, UPDATE, { input: { id: globalIdOf('Card', card.id), stampsRequired: 4 } });
    expect(data.updateCard).toEqual({
      card: null,
      userErrors: [{ field: ['input', 'initialStamps'], message: 'must be less than the stamps required (4)', code: 'INVALID' }],
    });
    expect((await deps().db.card.findUniqueOrThrow({ where: { id: card.id } })).stampsRequired).toBe(10);
  });

  it("answers NOT_FOUND on input.id for another store's card, another type's id and garbage", async () => {
    const { token, actor } = await newStore(t.runtime);
    const other = await newStore(t.runtime);
    const { card: theirs } = await seedCard(deps(), other.actor);
    const { rewards } = await seedCard(deps(), actor, {}, [{ name: 'R', stampsRequired: 1 }]);
    for (const id of [globalIdOf('Card', theirs.id), globalIdOf('Reward', rewards[0]!.id), 'not-an-id', globalIdOf('Card', 0)]) {
      const data = await api.data(token, UPDATE, { input: { id, name: 'Hijacked' } });
      expect(data.updateCard).toEqual({
        card: null,
        userErrors: [{ field: ['input', 'id'], message: 'Card not found', code: 'NOT_FOUND' }],
      });
    }
    expect((await deps().db.card.findUniqueOrThrow({ where: { id: theirs.id } })).name).toBe('Coffee');
  });
});

describe('archiveCard and unarchiveCard', () => {
  it('archives and restores a card; archived cards leave the default listing', async () => {
    const { token, actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor);
    const id = globalIdOf('Card', card.id);
    const archived = await api.data(token, ARCHIVE, { id });
    expect(archived.archiveCard.userErrors).toEqual([]);
    expect(archived.archiveCard.card.archivedAt).not.toBeNull();
    const again = await api.data(token, ARCHIVE, { id });
    expect(again.archiveCard.card.archivedAt).toBe(archived.archiveCard.card.archivedAt);

    const list = `{ store { active: cards { totalCount } archived: cards(scope: ARCHIVED) { edges { node { id } } } all: cards(scope: ALL) { totalCount } } }`;
    expect((await api.data(token, list)).store).toEqual({ active: { totalCount: 0 }, archived: { edges: [{ node: { id } }] }, all: { totalCount: 1 } });

    const restored = await api.data(token, UNARCHIVE, { id });
    expect(restored.unarchiveCard).toEqual({ card: { archivedAt: null }, userErrors: [] });
  });

  it('shows customer cards of an archived card as ARCHIVED', async () => {
    const { token, actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor);
    const { customerCard } = await seedCustomerCard(deps(), actor, card.id);
    await api.data(token, ARCHIVE, { id: globalIdOf('Card', card.id) });
    const data = await api.data(token, `{ store { customerCard(databaseId: ${customerCard.id}) { status } } }`);
    expect(data.store.customerCard.status).toBe('ARCHIVED');
  });

  it('answers NOT_FOUND for an unknown card', async () => {
    const { token } = await newStore(t.runtime);
    const data = await api.data(token, UNARCHIVE, { id: globalIdOf('Card', 999_999) });
    expect(data.unarchiveCard.userErrors).toEqual([{ field: ['input', 'id'], message: 'Card not found', code: 'NOT_FOUND' }]);
  });
});
