import { describe, expect, it } from 'vitest';
import { CardSchema } from '../../src/rest/presenters/card.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { CARD_KEYS, EXTRA_CARD_KEYS } from '../helpers/leal-shapes.ts';
import { expectError, expectShape, expectStatus, restStore } from '../helpers/rest.ts';
import { useServer } from '../helpers/server.ts';

const t = useServer();

const SDK_FIELDS = {
  stamp_background_color: '#223344',
  strip_opacity: 40,
  auxiliary_fields: ['Open daily 8–18', 'Ask for oat milk'],
  expires_at: '2031-06-30T21:00:00.000Z',
  show_member_field: false,
  show_stamps_to_reward_field: false,
};

describe("card fields of Leal's current SDK over REST", () => {
  it('defaults them on create and returns every key', async () => {
    const { api, path } = await restStore(t);
    const created = expectStatus(await api.post(`${path}/cards`, { card: { name: 'Plain' } }), 201);
    expectShape(created.body, [...CARD_KEYS, ...EXTRA_CARD_KEYS], CardSchema.strict());
    expect(created.body).toMatchObject({
      stamp_background_color: null,
      strip_opacity: 100,
      auxiliary_fields: [],
      expires_at: null,
      show_member_field: false,
      show_stamps_to_reward_field: true,
    });
  });

  it('stores each on create (JSON) and returns it on show and list', async () => {
    const { api, path } = await restStore(t);
    const created = expectStatus(await api.post(`${path}/cards`, { card: { name: 'SDK', stamps_required: 21, ...SDK_FIELDS } }), 201);
    expect(created.body).toMatchObject({ stamps_required: 21, ...SDK_FIELDS });
    const shown = expectStatus(await api.get(`${path}/cards/${created.body.id}`), 200);
    expect(shown.body).toMatchObject(SDK_FIELDS);
    const listed = expectStatus(await api.get(`${path}/cards`), 200);
    expect(listed.body[0]).toMatchObject(SDK_FIELDS);
  });

  it('takes them form-encoded as the SDK sends them, blank auxiliary texts ignored', async () => {
    const { api, path } = await restStore(t);
    const body = {
      card: {
        name: 'Form',
        stamps_required: '19',
        stamp_background_color: '#ABCDEF',
        strip_opacity: '0',
        auxiliary_fields: ['', 'Second', ' '],
        expires_at: '2030-01-31',
        show_member_field: '0',
        show_stamps_to_reward_field: 'true',
      },
    };
    const created = expectStatus(await api.post(`${path}/cards`, body, { form: true }), 201);
    expect(created.body).toMatchObject({
      stamps_required: 19,
      stamp_background_color: '#ABCDEF',
      strip_opacity: 0,
      auxiliary_fields: ['Second'],
      expires_at: '2030-01-31T00:00:00.000Z',
      show_member_field: false,
      show_stamps_to_reward_field: true,
    });
  });

  it('changes only the given ones on PATCH, and clears with null', async () => {
    const { api, path } = await restStore(t);
    const created = expectStatus(await api.post(`${path}/cards`, { card: { name: 'SDK', ...SDK_FIELDS } }), 201);
    const patched = expectStatus(await api.patch(`${path}/cards/${created.body.id}`, { card: { strip_opacity: 75 } }), 200);
    expect(patched.body).toMatchObject({ ...SDK_FIELDS, strip_opacity: 75 });
    const cleared = expectStatus(
      await api.patch(`${path}/cards/${created.body.id}`, {
        card: { stamp_background_color: null, auxiliary_fields: null, expires_at: null, show_member_field: true },
      }),
      200,
    );
    expect(cleared.body).toMatchObject({ stamp_background_color: null, auxiliary_fields: [], expires_at: null, show_member_field: true, strip_opacity: 75 });
  });

  it.each([
    [{ stamp_background_color: 'navy' }, 'stamp_background_color', 'must be a hex colour like #6B4226'],
    [{ strip_opacity: 101 }, 'strip_opacity', 'must be less than or equal to 100'],
    [{ strip_opacity: -1 }, 'strip_opacity', 'must be greater than or equal to 0'],
    [{ strip_opacity: 50.5 }, 'strip_opacity', 'must be an integer'],
    [{ auxiliary_fields: ['a', 'b', 'c'] }, 'auxiliary_fields', 'must hold at most 2 texts (blank ones are ignored)'],
    [{ auxiliary_fields: ['x'.repeat(41)] }, 'auxiliary_fields', 'item 1: is too long (maximum is 40 characters)'],
    [{ auxiliary_fields: 'one' }, 'auxiliary_fields', 'must be a list'],
    [{ expires_at: 'next tuesday' }, 'expires_at', 'must be an ISO 8601 date or time, e.g. 2027-12-31T23:59:59Z, or null for never'],
    [{ expires_at: '2030-02-31' }, 'expires_at', 'must be an ISO 8601 date or time, e.g. 2027-12-31T23:59:59Z, or null for never'],
    [{ show_member_field: 'maybe' }, 'show_member_field', 'must be one of: true, false, 1, 0'],
    [{ stamps_required: 22 }, 'stamps_required', 'must be less than or equal to 21'],
  ])('refuses %j with a 422 naming the field', async (attributes, field, message) => {
    const { api, path } = await restStore(t);
    const response = await api.post(`${path}/cards`, { card: { name: 'Bad', ...attributes } });
    expectError(response, 422, [field]);
    expect(response.body.errors[field]).toContain(message);
  });
});

describe('an expired card over REST', () => {
  async function expiredCard() {
    const store = await restStore(t);
    const { card, rewards } = await seedCard(t.runtime.deps, store.actor, { stampsRequired: 5 }, [{ name: 'Free coffee', stampsRequired: 1 }]);
    const { customer, customerCard } = await seedCustomerCard(t.runtime.deps, store.actor, card.id);
    const base = `${store.path}/customers/${customer.id}/customer_cards/${customerCard.id}`;
    expectStatus(await store.api.post(`${base}/stamp`, { stamps: 2 }), 200);
    expectStatus(await store.api.patch(`${store.path}/cards/${card.id}`, { card: { expires_at: '2020-01-01T00:00:00Z' } }), 200);
    return { ...store, card, reward: rewards[0]!, base };
  }

  it('refuses a stamp with 422 and a clear message, and writes nothing', async () => {
    const { api, base } = await expiredCard();
    const response = await api.post(`${base}/stamp`, { stamps: 1 });
    expectError(response, 422, ['stamps']);
    expect(response.body.error).toBe('The card expired on 1 January 2020 and takes no stamps');
    expect(expectStatus(await api.get(base), 200).body.stamps_count).toBe(2);
  });

  it('refuses a redemption with 422 and keeps the stamps', async () => {
    const { api, base, reward } = await expiredCard();
    const response = await api.post(`${base}/redeem`, { reward_id: reward.id });
    expectError(response, 422, ['reward_id']);
    expect(response.body.error).toBe('The card expired on 1 January 2020 and takes no redemptions');
    expect(expectStatus(await api.get(base), 200).body.stamps_count).toBe(2);
  });

  it('takes no new customers', async () => {
    const { api, path, card } = await expiredCard();
    const response = await api.post(`${path}/customers`, { customer: { first_name: 'Late', email: 'late@example.com' }, card_id: card.id });
    expectError(response, 422, ['card_id']);
    expect(response.body.error).toBe('The card expired on 1 January 2020 and takes no new customers');
  });

  it('works again once the expiry is moved into the future', async () => {
    const { api, path, card, base } = await expiredCard();
    expectStatus(await api.patch(`${path}/cards/${card.id}`, { card: { expires_at: '2999-01-01T00:00:00Z' } }), 200);
    expect(expectStatus(await api.post(`${base}/stamp`, { stamps: 1 }), 200).body.stamps_count).toBe(3);
  });
});
