import { describe, expect, it } from 'vitest';
import { globalIdOf } from '../../src/graphql/global-ids.ts';
import { CardSchema } from '../../src/rest/presenters/card.ts';
import { StoreSchema } from '../../src/rest/presenters/store.ts';
import { graphqlClient } from '../helpers/graphql.ts';
import { CARD_KEYS, EXTRA_CARD_KEYS, STORE_KEYS } from '../helpers/leal-shapes.ts';
import { expectError, expectShape, expectStatus, restStore } from '../helpers/rest.ts';
import { useServer } from '../helpers/server.ts';

/** The settings of the stamp limits: card fields and the store's time zone, over both APIs. */

const t = useServer();
const graphql = graphqlClient(t);

describe('card stamp limits over REST', () => {
  it('default to off, are stored on create and update, and clear with null or a blank form value', async () => {
    const { api, path } = await restStore(t);
    const plain = expectStatus(await api.post(`${path}/cards`, { card: { name: 'Plain' } }), 201);
    expectShape(plain.body, [...CARD_KEYS, ...EXTRA_CARD_KEYS], CardSchema.strict());
    expect(plain.body).toMatchObject({ stamp_cooldown_seconds: 0, max_stamps_per_day: null });

    const limited = expectStatus(
      await api.post(`${path}/cards`, { card: { name: 'Limited', stamp_cooldown_seconds: 300, max_stamps_per_day: 4 } }),
      201,
    );
    expect(limited.body).toMatchObject({ stamp_cooldown_seconds: 300, max_stamps_per_day: 4 });
    const shown = expectStatus(await api.get(`${path}/cards/${limited.body.id}`), 200);
    expect(shown.body).toMatchObject({ stamp_cooldown_seconds: 300, max_stamps_per_day: 4 });

    const form = expectStatus(
      await api.patch(`${path}/cards/${limited.body.id}`, { card: { stamp_cooldown_seconds: '0', max_stamps_per_day: '' } }, { form: true }),
      200,
    );
    expect(form.body).toMatchObject({ stamp_cooldown_seconds: 0, max_stamps_per_day: null });
    const json = expectStatus(await api.patch(`${path}/cards/${limited.body.id}`, { card: { max_stamps_per_day: 2 } }), 200);
    expect(json.body).toMatchObject({ stamp_cooldown_seconds: 0, max_stamps_per_day: 2 });
    const cleared = expectStatus(await api.patch(`${path}/cards/${limited.body.id}`, { card: { max_stamps_per_day: null } }), 200);
    expect(cleared.body.max_stamps_per_day).toBeNull();
  });

  it.each([
    [{ stamp_cooldown_seconds: -1 }, 'stamp_cooldown_seconds', 'must be greater than or equal to 0'],
    [{ stamp_cooldown_seconds: 2_592_001 }, 'stamp_cooldown_seconds', 'must be less than or equal to 2592000'],
    [{ stamp_cooldown_seconds: 1.5 }, 'stamp_cooldown_seconds', 'must be an integer'],
    [{ stamp_cooldown_seconds: null }, 'stamp_cooldown_seconds', "can't be blank"],
    [{ max_stamps_per_day: 0 }, 'max_stamps_per_day', 'must be greater than or equal to 1'],
    [{ max_stamps_per_day: 1001 }, 'max_stamps_per_day', 'must be less than or equal to 1000'],
    [{ max_stamps_per_day: 'many' }, 'max_stamps_per_day', 'must be an integer'],
  ])('refuses %j with 422', async (card, field, message) => {
    const { api, path } = await restStore(t);
    const response = await api.post(`${path}/cards`, { card: { name: 'Bad', ...card } });
    expectError(response, 422, [field]);
    expect(response.body.errors[field]).toEqual([message]);
  });
});

describe('the store time zone over REST', () => {
  it('is UTC by default, takes an IANA name (capitals as the runtime spells it) and refuses anything else', async () => {
    const { api, actor } = await restStore(t);
    const shown = expectStatus(await api.get(`/accounts/${actor.storeId}`), 200);
    expectShape(shown.body, STORE_KEYS, StoreSchema.strict());
    expect(shown.body.time_zone).toBe('UTC');

    const berlin = expectStatus(await api.patch(`/accounts/${actor.storeId}`, { account: { time_zone: 'europe/berlin' } }), 200);
    expect(berlin.body.time_zone).toBe('Europe/Berlin');
    for (const zone of ['Mars/Olympus', '+02:00', 'CET', '', 'Europe/Berlin\u0000']) {
      const refused = await api.patch(`/accounts/${actor.storeId}`, { account: { time_zone: zone } });
      expectError(refused, 422, ['time_zone']);
      expect(refused.body.errors.time_zone).toEqual(['must be an IANA time zone name, e.g. Europe/Berlin or UTC']);
    }
    expect(expectStatus(await api.get(`/accounts/${actor.storeId}`), 200).body.time_zone).toBe('Europe/Berlin');
  });
});

describe('the same settings over GraphQL', () => {
  const CARD_FIELDS = 'databaseId stampCooldownSeconds maxStampsPerDay';

  it('createCard and updateCard set stampCooldownSeconds and maxStampsPerDay; updateStore sets timeZone', async () => {
    const { token, actor } = await restStore(t);
    const created = await graphql.data(
      token,
      `mutation($input: CreateCardInput!) { createCard(input: $input) { card { ${CARD_FIELDS} } userErrors { field message } } }`,
      { input: { name: 'Limited', stampCooldownSeconds: 60, maxStampsPerDay: 3 } },
    );
    expect(created.createCard.card).toMatchObject({ stampCooldownSeconds: 60, maxStampsPerDay: 3 });
    const id = globalIdOf('Card', created.createCard.card.databaseId);
    const update = `mutation($input: UpdateCardInput!) { updateCard(input: $input) { card { ${CARD_FIELDS} } userErrors { field message code } } }`;
    const cleared = await graphql.data(token, update, { input: { id, maxStampsPerDay: null, stampCooldownSeconds: 0 } });
    expect(cleared.updateCard.card).toMatchObject({ stampCooldownSeconds: 0, maxStampsPerDay: null });
    const refused = await graphql.data(token, update, { input: { id, maxStampsPerDay: 0 } });
    expect(refused.updateCard.userErrors).toEqual([
      { field: ['input', 'maxStampsPerDay'], message: 'must be greater than or equal to 1', code: 'INVALID' },
    ]);

    const store = `mutation($input: UpdateStoreInput!) { updateStore(input: $input) { store { timeZone } userErrors { field message } } }`;
    const storeId = globalIdOf('Store', actor.storeId);
    expect((await graphql.data(token, '{ store { timeZone } }')).store.timeZone).toBe('UTC');
    expect((await graphql.data(token, store, { input: { id: storeId, timeZone: 'America/New_York' } })).updateStore.store).toEqual({ timeZone: 'America/New_York' });
    expect((await graphql.data(token, store, { input: { id: storeId, timeZone: 'Nowhere/Land' } })).updateStore.userErrors).toEqual([
      { field: ['input', 'timeZone'], message: 'must be an IANA time zone name, e.g. Europe/Berlin or UTC' },
    ]);
  });
});
