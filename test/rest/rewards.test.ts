import { describe, expect, it } from 'vitest';
import { RewardSchema } from '../../src/rest/presenters/reward.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { REWARD_KEYS } from '../helpers/leal-shapes.ts';
import { expectError, expectShape, expectStatus, ISO_MS, restStore } from '../helpers/rest.ts';
import { useServer } from '../helpers/server.ts';

const t = useServer();
const deps = () => t.runtime.deps;

describe('rewards', () => {
  it('creates (201) with defaults, lists by card then position, filters, shows and updates', async () => {
    const { api, path, actor } = await restStore(t);
    const one = await seedCard(deps(), actor, { stampsRequired: 10 });
    const two = await seedCard(deps(), actor, { stampsRequired: 10 });
    const coffee = expectStatus(await api.post(`${path}/rewards`, { reward: { card_id: one.card.id, name: 'Free Coffee', stamps_required: 10 } }), 201);
    expectShape(coffee.body, REWARD_KEYS, RewardSchema.strict());
    expect(coffee.body).toMatchObject({ account_id: actor.storeId, card_id: one.card.id, description: null, position: 0, active: true });
    expect(coffee.body.created_at).toMatch(ISO_MS);
    const cookie = expectStatus(
      await api.post(`${path}/rewards`, { reward: { card_id: String(one.card.id), name: 'Cookie', stamps_required: '4', position: '0', active: '0', description: 'Any' } }, { form: true }),
      201,
    ).body;
    expect(cookie).toMatchObject({ stamps_required: 4, position: 0, active: false, description: 'Any' });
    const bare = expectStatus(await api.post(`${path}/rewards`, { card_id: two.card.id, name: 'Tea', stamps_required: 3 }), 201).body;

    const ids = async (query: string) => (expectStatus(await api.get(`${path}/rewards${query}`), 200).body as { id: number }[]).map((r) => r.id);
    expect(await ids('')).toEqual([coffee.body.id, cookie.id, bare.id]);
    expect(await ids(`?card_id=${one.card.id}`)).toEqual([coffee.body.id, cookie.id]);
    expect(await ids('?active=1')).toEqual([coffee.body.id, bare.id]);

    expect(expectStatus(await api.get(`${path}/rewards/${bare.id}`), 200).body).toEqual(bare);
    const updated = expectStatus(await api.patch(`${path}/rewards/${cookie.id}`, { reward: { active: true, name: 'Big Cookie', card_id: two.card.id } }), 200).body;
    expectShape(updated, REWARD_KEYS, RewardSchema.strict());
    expect(updated).toMatchObject({ active: true, name: 'Big Cookie', card_id: one.card.id, stamps_required: 4 });
  });

  it.each([
    [{ reward: { name: 'x', stamps_required: 1 } }, 'card_id'],
    [{ reward: { card_id: 0, name: 'x', stamps_required: 1 } }, 'card_id'],
    [{ reward: { card_id: 'abc', name: 'x', stamps_required: 3 } }, 'card_id'],
    [{ reward: { card_id: 'CARD', stamps_required: 3 } }, 'name'],
    [{ reward: { card_id: 'CARD', name: 'x' } }, 'stamps_required'],
    [{ reward: { card_id: 'CARD', name: 'x', stamps_required: 0 } }, 'stamps_required'],
    [{ reward: { card_id: 'CARD', name: 'x', stamps_required: 11 } }, 'stamps_required'],
    [{ reward: { card_id: 'CARD', name: 'x', stamps_required: 2, active: 'no' } }, 'active'],
    [{ reward: { card_id: 'CARD', name: 'x', stamps_required: 2, position: -1 } }, 'position'],
  ])('refuses %j with 422 on %s and creates nothing', async (body, field) => {
    const { api, path, actor } = await restStore(t);
    const { card } = await seedCard(deps(), actor, { stampsRequired: 10 });
    const given: Record<string, unknown> = body.reward;
    const reward = { ...given, ...(given.card_id === 'CARD' ? { card_id: card.id } : {}) };
    expectError(await api.post(`${path}/rewards`, { reward }), 422, [field]);
    expect(expectStatus(await api.get(`${path}/rewards`), 200).body).toEqual([]);
  });

  it('answers 404 for a card_id of no card of the store and for an unknown reward', async () => {
    const { api, path } = await restStore(t);
    const unknownCard = await api.post(`${path}/rewards`, { reward: { card_id: 999999, name: 'x', stamps_required: 1 } });
    expect(unknownCard.status).toBe(404);
    expect(unknownCard.body).toEqual({ error: 'Card not found' });
    const unknownReward = await api.get(`${path}/rewards/999999`);
    expect(unknownReward.body).toEqual({ error: 'Reward not found' });
    expectError(await api.patch(`${path}/rewards/999999`, { reward: { name: 'x' } }), 404);
  });

  it('deletes an unredeemed reward (204) and refuses one with redemptions (422)', async () => {
    const { api, path, actor } = await restStore(t);
    const { card, rewards } = await seedCard(deps(), actor, { stampsRequired: 5 }, [
      { name: 'Unused', stampsRequired: 2 },
      { name: 'Used', stampsRequired: 1 },
    ]);
    const { customer, customerCard } = await seedCustomerCard(deps(), actor, card.id);
    const cardPath = `${path}/customers/${customer.id}/customer_cards/${customerCard.id}`;
    expectStatus(await api.post(`${cardPath}/stamp`, { stamps: 1 }), 200);
    expectStatus(await api.post(`${cardPath}/redeem`, { reward_id: rewards[1]!.id }), 200);
    const deleted = await api.delete(`${path}/rewards/${rewards[0]!.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expectError(await api.delete(`${path}/rewards/${rewards[1]!.id}`), 422, ['base']);
    expect(expectStatus(await api.get(`${path}/rewards`), 200).body.map((r: { id: number }) => r.id)).toEqual([rewards[1]!.id]);
  });

  it('answers a retried Idempotency-Key with the first reward', async () => {
    const { api, path, actor } = await restStore(t);
    const { card } = await seedCard(deps(), actor);
    const headers = { 'Idempotency-Key': 'reward-1' };
    const body = { reward: { card_id: card.id, name: 'Once', stamps_required: 2 } };
    const first = expectStatus(await api.post(`${path}/rewards`, body, { headers }), 201);
    const again = expectStatus(await api.post(`${path}/rewards`, body, { headers }), 201);
    expect(again.body).toEqual(first.body);
    expect(expectStatus(await api.get(`${path}/rewards`), 200).body).toHaveLength(1);
  });
});
