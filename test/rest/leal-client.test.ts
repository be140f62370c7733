import { expect, it } from 'vitest';
import { expectStatus, restStore } from '../helpers/rest.ts';
import { useServer } from '../helpers/server.ts';

const t = useServer();

/**
 * A till integration written against Leal's SDK shapes, end to end: only documented paths,
 * wrappers and keys, JSON as the SDKs send it.
 */
it('runs a Leal SDK-style till integration unchanged', async () => {
  const { api, actor } = await restStore(t);
  const [account] = expectStatus(await api.get('/accounts'), 200).body;
  expect(account.id).toBe(actor.storeId);
  const base = `/accounts/${account.id}`;

  const card = expectStatus(await api.post(`${base}/cards`, { card: { name: 'Coffee Loyalty Card', stamps_required: 10, initial_stamps: 1 } }), 201).body;
  const reward = expectStatus(await api.post(`${base}/rewards`, { reward: { card_id: card.id, name: 'Free Coffee', stamps_required: 10 } }), 201).body;
  const pastry = expectStatus(await api.post(`${base}/rewards`, { reward: { card_id: card.id, name: 'Pastry', stamps_required: 4 } }), 201).body;

  const created = expectStatus(
    await api.post(`${base}/customers`, {
      customer: { first_name: 'Ada', email: 'ada@example.com', external_references: [{ source: 'square', external_id: 'SQ-1' }] },
      card_id: card.id,
      send_card_links: true,
    }),
    201,
  ).body;
  expect(created.customer_cards[0].stamps_count).toBe(1);

  // The POS knows its own id: look the customer up by it.
  const lookup = expectStatus(await api.get(`${base}/customers?source=square&external_id=SQ-1`), 200).body;
  expect(lookup.pagination.count).toBe(1);
  const customer = lookup.customers[0];
  const customerCard = customer.customer_cards[0];
  const cardPath = `${base}/customers/${customer.id}/customer_cards/${customerCard.id}`;

  const stamped = expectStatus(await api.post(`${cardPath}/stamp`, { stamps: 3, skip_notifications: true }), 200).body;
  expect(stamped).toMatchObject({ stamps_count: 4, stamps_remaining: 6, status: 'active' });
  expect(stamped.available_rewards.map((r: { id: number }) => r.id)).toEqual([pastry.id]);

  const redeemed = expectStatus(await api.post(`${cardPath}/redeem`, { reward_id: pastry.id }), 200).body;
  expect(redeemed).toMatchObject({ success: true, redemption: { reward_name: 'Pastry', stamps_spent: 4, stamps_remaining: 0 } });

  const tooSoon = await api.post(`${cardPath}/redeem`, { reward_id: reward.id });
  expect(tooSoon.status).toBe(422);

  const shown = expectStatus(await api.get(cardPath), 200).body;
  expect(shown).toMatchObject({ stamps_count: 0, available_rewards: [] });
  const cards = expectStatus(await api.get(`${base}/customers/${customer.id}/customer_cards`), 200).body;
  expect(cards.map((c: { uuid: string }) => c.uuid)).toEqual([customerCard.uuid]);
  const profile = expectStatus(await api.get(`${base}/customers/${customer.id}`), 200).body;
  expect(profile.stamp_count).toBe(0);
  const summary = expectStatus(await api.get(`/accounts/${account.id}`), 200).body;
  expect(summary).toMatchObject({ cards_count: 1, customers_count: 1 });
  const cardNow = expectStatus(await api.get(`${base}/cards/${card.id}`), 200).body;
  expect(cardNow).toMatchObject({ rewards_count: 2, customer_cards_count: 1 });
});
