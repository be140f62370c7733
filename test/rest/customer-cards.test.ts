import { describe, expect, it } from 'vitest';
import { setCardArchived } from '../../src/domain/cards/card.service.ts';
import {
  CustomerCardListItemSchema,
  CustomerCardSchema,
  RedemptionResponseSchema,
} from '../../src/rest/presenters/customer-card.ts';
import { RewardSchema } from '../../src/rest/presenters/reward.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import {
  CUSTOMER_CARD_KEYS,
  CUSTOMER_CARD_LIST_KEYS,
  EXTRA_CUSTOMER_CARD_LIST_KEYS,
  REDEMPTION_KEYS,
  REWARD_KEYS,
} from '../helpers/leal-shapes.ts';
import { expectError, expectShape, expectStatus, ISO_MS, restStore } from '../helpers/rest.ts';
import { useServer } from '../helpers/server.ts';

const t = useServer({ PUBLIC_URL: 'https://stamps.example' });
const deps = () => t.runtime.deps;

/** A store with a card (5 stamps, a 2-stamp and a 5-stamp reward, one inactive) and an enrolled customer. */
async function scene(card = { stampsRequired: 5, initialStamps: 1 }) {
  const store = await restStore(t);
  const seeded = await seedCard(deps(), store.actor, card, [
    { name: 'Cookie', stampsRequired: 2 },
    { name: 'Coffee', stampsRequired: 5 },
    { name: 'Retired', stampsRequired: 1, active: false },
  ]);
  const { customer, customerCard } = await seedCustomerCard(deps(), store.actor, seeded.card.id);
  const cardPath = `${store.path}/customers/${customer.id}/customer_cards/${customerCard.id}`;
  return { ...store, ...seeded, customer, customerCard, cardPath };
}

async function ledger(customerCardId: number) {
  return deps().db.ledgerEntry.findMany({ where: { customerCardId }, orderBy: { id: 'asc' } });
}

describe('GET …/customers/:customer_id/customer_cards', () => {
  it('lists the customer’s cards with progress and wallet URLs', async () => {
    const s = await scene();
    const response = expectStatus(await s.api.get(`${s.path}/customers/${s.customer.id}/customer_cards`), 200);
    expect(response.body).toHaveLength(1);
    const [item] = response.body;
    expectShape(item, [...CUSTOMER_CARD_LIST_KEYS, ...EXTRA_CUSTOMER_CARD_LIST_KEYS], CustomerCardListItemSchema.strict());
    expect(item).toMatchObject({
      id: s.customerCard.id,
      uuid: s.customerCard.uuid,
      account_id: s.actor.storeId,
      customer_id: s.customer.id,
      card_id: s.card.id,
      card_name: 'Coffee',
      stamps_count: 1,
      stamps_remaining: 4,
      progress_percentage: 50,
      status: 'active',
      pass_installed: false,
      apple_wallet_url: `https://stamps.example/wallet/apple/${s.customerCard.uuid}.pkpass`,
      google_wallet_url: `https://stamps.example/wallet/google/${s.customerCard.uuid}`,
      page_url: `https://stamps.example/cards/${s.customerCard.uuid}`,
    });
    for (const key of ['issued_at', 'created_at', 'updated_at']) expect(item[key]).toMatch(ISO_MS);
  });

  it('answers 404 "Customer not found" for an unknown customer', async () => {
    const s = await scene();
    const response = await s.api.get(`${s.path}/customers/999999/customer_cards`);
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: 'Customer not found' });
  });
});

describe('GET …/customer_cards/:id', () => {
  it('shows the card with available_rewards as reward objects', async () => {
    const s = await scene({ stampsRequired: 5, initialStamps: 2 });
    const response = expectStatus(await s.api.get(s.cardPath), 200);
    expectShape(response.body, CUSTOMER_CARD_KEYS, CustomerCardSchema.strict());
    expect(response.body.available_rewards).toHaveLength(1);
    expectShape(response.body.available_rewards[0], REWARD_KEYS, RewardSchema.strict());
    expect(response.body.available_rewards[0]).toMatchObject({ name: 'Cookie', stamps_required: 2, active: true });
  });

  it('reads the customer card, its card and its rewards in one statement on either database', async () => {
    const s = await scene({ stampsRequired: 5, initialStamps: 3 });
    // A first request puts the token in the token cache, so the second sends no token lookup.
    expectStatus(await s.api.get(s.cardPath), 200);
    t.queries.length = 0;
    const response = expectStatus(await s.api.get(s.cardPath), 200);
    expect(response.body.available_rewards.map((reward: { name: string }) => reward.name)).toEqual(['Cookie']);
    expect(t.queries.filter((sql) => !/api_tokens/.test(sql))).toHaveLength(1);
  });

  it('answers 404 when the card is not the customer’s', async () => {
    const s = await scene();
    const other = await seedCustomerCard(deps(), s.actor, s.card.id);
    const response = await s.api.get(`${s.path}/customers/${other.customer.id}/customer_cards/${s.customerCard.id}`);
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: 'Customer card not found' });
  });
});

describe('POST …/customer_cards/:id/stamp', () => {
  it('adds stamps, answers the card in show shape and writes a REST ledger entry', async () => {
    const s = await scene();
    const response = expectStatus(await s.api.post(`${s.cardPath}/stamp`, { stamps: 3 }), 200);
    expectShape(response.body, CUSTOMER_CARD_KEYS, CustomerCardSchema.strict());
    expect(response.body).toMatchObject({ stamps_count: 4, stamps_remaining: 1, status: 'active' });
    expect(response.body.available_rewards.map((r: { name: string }) => r.name)).toEqual(['Cookie']);
    const entries = await ledger(s.customerCard.id);
    expect(entries.map((e) => [e.kind, e.delta, e.balanceAfter, e.source])).toEqual([
      ['WELCOME', 1, 1, 'REST'],
      ['STAMP', 3, 4, 'REST'],
    ]);
  });

  it('keeps stamps beyond the requirement and reports the card completed', async () => {
    const s = await scene();
    await s.api.post(`${s.cardPath}/stamp`, { stamps: 5 });
    const response = expectStatus(await s.api.post(`${s.cardPath}/stamp`, { stamps: 2 }), 200);
    expect(response.body).toMatchObject({ stamps_count: 8, stamps_remaining: 0, status: 'completed', progress_percentage: 100 });
  });

  it('takes form bodies and string values, including skip_notifications', async () => {
    const s = await scene();
    await deps().db.customerCard.update({ where: { id: s.customerCard.id }, data: { passInstalled: true, googleIssuedAt: new Date() } });
    const response = expectStatus(await s.api.post(`${s.cardPath}/stamp`, { stamps: '2', skip_notifications: 'true' }, { form: true }), 200);
    expect(response.body.stamps_count).toBe(3);
    expect(response.body.pass_installed).toBe(true);
    const queued = await deps().db.outboxMessage.findMany({ orderBy: { id: 'asc' } });
    const mine = queued.filter((m) => (m.payload as { customerCardId: number }).customerCardId === s.customerCard.id);
    expect(mine.map((m) => m.payload)).toEqual([{ customerCardId: s.customerCard.id, notify: false }]);
  });

  it('takes stamps from the query string as Rails merges it', async () => {
    const s = await scene();
    const response = expectStatus(await s.api.post(`${s.cardPath}/stamp?stamps=2`), 200);
    expect(response.body.stamps_count).toBe(3);
  });

  it.each([0, -1, 1.5, 'three', null, 6, '', true])('refuses stamps = %j with 422 on stamps and changes nothing', async (stamps) => {
    const s = await scene();
    const response = await s.api.post(`${s.cardPath}/stamp`, { stamps });
    expectError(response, 422, ['stamps']);
    expect((await ledger(s.customerCard.id)).length).toBe(1);
    expect(expectStatus(await s.api.get(s.cardPath), 200).body.stamps_count).toBe(1);
  });

  it('refuses a missing stamps parameter and a bad skip_notifications with 422', async () => {
    const s = await scene();
    const missing = await s.api.post(`${s.cardPath}/stamp`, {});
    expectError(missing, 422, ['stamps']);
    expect(missing.body.errors.stamps).toEqual(["can't be blank"]);
    expectError(await s.api.post(`${s.cardPath}/stamp`, { stamps: 1, skip_notifications: 'maybe' }), 422, ['skip_notifications']);
    expect((await ledger(s.customerCard.id)).length).toBe(1);
  });

  it('refuses stamps on an archived card with 422', async () => {
    const s = await scene();
    await setCardArchived(deps(), s.actor, s.card.id, true);
    expectError(await s.api.post(`${s.cardPath}/stamp`, { stamps: 1 }), 422, ['stamps']);
    expect(expectStatus(await s.api.get(s.cardPath), 200).body.status).toBe('archived');
  });

  it('answers a retried Idempotency-Key with the first result and stamps once', async () => {
    const s = await scene();
    const headers = { 'Idempotency-Key': 'till-3-sale-77' };
    const first = expectStatus(await s.api.post(`${s.cardPath}/stamp`, { stamps: 2 }, { headers }), 200);
    const again = expectStatus(await s.api.post(`${s.cardPath}/stamp`, { stamps: 2 }, { headers }), 200);
    expect(again.body.stamps_count).toBe(first.body.stamps_count);
    expect((await ledger(s.customerCard.id)).filter((e) => e.kind === 'STAMP')).toHaveLength(1);
    expectError(await s.api.post(`${s.cardPath}/stamp`, { stamps: 1 }, { headers }), 422, ['idempotency_key']);
    expectError(await s.api.post(`${s.cardPath}/stamp`, { stamps: 1 }, { headers: { 'Idempotency-Key': 'x'.repeat(256) } }), 422, ['idempotency_key']);
  });

  it('refuses an Idempotency-Key reused with other options (skip_notifications added or dropped), like a different body', async () => {
    const s = await scene();
    const headers = { 'Idempotency-Key': 'till-3-sale-78' };
    expectStatus(await s.api.post(`${s.cardPath}/stamp`, { stamps: 1 }, { headers }), 200);
    const withOption = await s.api.post(`${s.cardPath}/stamp`, { stamps: 1, skip_notifications: true }, { headers });
    expectError(withOption, 422, ['idempotency_key']);
    // false is what omitting it means: the same request.
    expectStatus(await s.api.post(`${s.cardPath}/stamp`, { stamps: 1, skip_notifications: false }, { headers }), 200);

    const quiet = { 'Idempotency-Key': 'till-3-sale-79' };
    expectStatus(await s.api.post(`${s.cardPath}/stamp`, { stamps: 1, skip_notifications: true }, { headers: quiet }), 200);
    expectError(await s.api.post(`${s.cardPath}/stamp`, { stamps: 1 }, { headers: quiet }), 422, ['idempotency_key']);
    expectStatus(await s.api.post(`${s.cardPath}/stamp`, { stamps: 1, skip_notifications: 1 }, { headers: quiet }), 200);
    expect((await ledger(s.customerCard.id)).filter((e) => e.kind === 'STAMP')).toHaveLength(2);
  });

  it('counts concurrent stamps each once', async () => {
    const s = await scene({ stampsRequired: 18, initialStamps: 0 });
    const responses = await Promise.all(Array.from({ length: 12 }, () => s.api.post(`${s.cardPath}/stamp`, { stamps: 1 })));
    expect(responses.map((r) => r.status)).toEqual(Array(12).fill(200));
    expect(expectStatus(await s.api.get(s.cardPath), 200).body.stamps_count).toBe(12);
  });
});

describe('POST …/customer_cards/:id/redeem', () => {
  it('redeems, deducting the reward’s stamps, and answers success with the redemption', async () => {
    const s = await scene();
    await s.api.post(`${s.cardPath}/stamp`, { stamps: 4 });
    const response = expectStatus(await s.api.post(`${s.cardPath}/redeem`, { reward_id: s.rewards[0]!.id }), 200);
    expectShape(response.body, ['success', 'redemption'], RedemptionResponseSchema.strict());
    expectShape(response.body.redemption, REDEMPTION_KEYS);
    expect(response.body).toMatchObject({
      success: true,
      redemption: { reward_id: s.rewards[0]!.id, reward_name: 'Cookie', stamps_spent: 2, stamps_remaining: 3 },
    });
    expect(response.body.redemption.redeemed_at).toMatch(ISO_MS);
    const entries = await ledger(s.customerCard.id);
    expect(entries.at(-1)).toMatchObject({ kind: 'REDEEM', delta: -2, balanceAfter: 3, source: 'REST' });
  });

  it('takes a form body', async () => {
    const s = await scene();
    await s.api.post(`${s.cardPath}/stamp`, { stamps: 2 });
    const response = expectStatus(await s.api.post(`${s.cardPath}/redeem`, { reward_id: String(s.rewards[0]!.id) }, { form: true }), 200);
    expect(response.body.redemption.stamps_remaining).toBe(1);
  });

  it('refuses not enough stamps, an inactive reward and a reward of another card with 422, changing nothing', async () => {
    const s = await scene();
    const other = await seedCard(deps(), s.actor, {}, [{ name: 'Elsewhere', stampsRequired: 1 }]);
    for (const rewardId of [s.rewards[1]!.id, s.rewards[2]!.id, other.rewards[0]!.id]) {
      expectError(await s.api.post(`${s.cardPath}/redeem`, { reward_id: rewardId }), 422, ['reward_id']);
    }
    expect(await deps().db.redemption.count({ where: { customerCardId: s.customerCard.id } })).toBe(0);
    expect(expectStatus(await s.api.get(s.cardPath), 200).body.stamps_count).toBe(1);
  });

  it('answers 404 for an unknown reward and 422 for a missing or malformed reward_id', async () => {
    const s = await scene();
    const unknown = await s.api.post(`${s.cardPath}/redeem`, { reward_id: 999999 });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: 'Reward not found' });
    expectError(await s.api.post(`${s.cardPath}/redeem`, {}), 422, ['reward_id']);
    expectError(await s.api.post(`${s.cardPath}/redeem`, { reward_id: 'cookie' }), 422, ['reward_id']);
  });

  it('answers a retried Idempotency-Key with the first redemption and spends once', async () => {
    const s = await scene();
    await s.api.post(`${s.cardPath}/stamp`, { stamps: 4 });
    const headers = { 'Idempotency-Key': 'redeem-1' };
    const first = expectStatus(await s.api.post(`${s.cardPath}/redeem`, { reward_id: s.rewards[0]!.id }, { headers }), 200);
    const again = expectStatus(await s.api.post(`${s.cardPath}/redeem`, { reward_id: s.rewards[0]!.id }, { headers }), 200);
    expect(again.body).toEqual(first.body);
    expect(expectStatus(await s.api.get(s.cardPath), 200).body.stamps_count).toBe(3);
  });
});
