import { describe, expect, it } from 'vitest';
import { setCardArchived } from '../../src/domain/cards/card.service.ts';
import type { Deps } from '../../src/domain/context.ts';
import { addStamps, redeemReward } from '../../src/domain/customer-cards/customer-card.service.ts';
import { DomainError, ErrorCode } from '../../src/domain/errors.ts';
import {
  createReward,
  deleteReward,
  getReward,
  listRewards,
  type RewardInput,
  updateReward,
} from '../../src/domain/rewards/reward.service.ts';
import { expectDomainError } from '../helpers/errors.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { newStore, useRuntime } from '../helpers/runtime.ts';
import { ledgerSum, storeSnapshot } from '../helpers/snapshot.ts';

const t = useRuntime();
const deps = (): Deps => t.runtime.deps;

describe('createReward', () => {
  it('stores the reward on its card, active and placed last by default', async () => {
    const { actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor, { stampsRequired: 10 });
    const first = await createReward(deps(), actor, card.id, { name: 'Pastry', stampsRequired: 5 });
    const second = await createReward(deps(), actor, card.id, { name: 'Coffee', stampsRequired: 10, description: 'Any size' });
    expect(first).toMatchObject({ storeId: actor.storeId, cardId: card.id, name: 'Pastry', description: null, stampsRequired: 5, position: 0, active: true });
    expect(second).toMatchObject({ name: 'Coffee', description: 'Any size', position: 1, active: true });
    const explicit = await createReward(deps(), actor, card.id, { name: 'Hidden', stampsRequired: 1, position: 7, active: false });
    expect(explicit).toMatchObject({ position: 7, active: false });
    expect(await getReward(deps(), actor, first.id)).toEqual(first);
  });

  it.each<[string, RewardInput, string[]]>([
    ['no name', { stampsRequired: 2 }, ['name']],
    ['a blank name', { name: ' ', stampsRequired: 2 }, ['name']],
    ['no stampsRequired', { name: 'x' }, ['stampsRequired']],
    ['stampsRequired 0', { name: 'x', stampsRequired: 0 }, ['stampsRequired']],
    ['a cost above the card', { name: 'x', stampsRequired: 11 }, ['stampsRequired']],
    ['a fractional cost', { name: 'x', stampsRequired: 2.5 }, ['stampsRequired']],
    ['a negative position', { name: 'x', stampsRequired: 2, position: -1 }, ['position']],
    ['active that is not a boolean', { name: 'x', stampsRequired: 2, active: 'yes' as never }, ['active']],
    ['an overlong description', { name: 'x', stampsRequired: 2, description: 'x'.repeat(1001) }, ['description']],
  ])('refuses %s, naming the field, and creates nothing', async (_label, input, fields) => {
    const { actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor, { stampsRequired: 10 });
    const before = await storeSnapshot(deps().db, actor.storeId);
    await expectDomainError(createReward(deps(), actor, card.id, input), ErrorCode.INVALID, fields);
    expect(await storeSnapshot(deps().db, actor.storeId)).toEqual(before);
  });

  it('refuses a missing or non-integer card id on cardId', async () => {
    const { actor } = await newStore(t.runtime);
    for (const cardId of [undefined, null, '1', 1.5]) {
      await expectDomainError(createReward(deps(), actor, cardId as never, { name: 'x', stampsRequired: 1 }), ErrorCode.INVALID, ['cardId']);
    }
  });

  it("treats another store's card as not found", async () => {
    const a = await newStore(t.runtime);
    const b = await newStore(t.runtime);
    const { card } = await seedCard(deps(), a.actor);
    await expectDomainError(createReward(deps(), b.actor, card.id, { name: 'x', stampsRequired: 1 }), ErrorCode.NOT_FOUND);
    await expectDomainError(createReward(deps(), b.actor, 2 ** 31, { name: 'x', stampsRequired: 1 }), ErrorCode.NOT_FOUND);
    expect(await listRewards(deps(), a.actor)).toEqual([]);
    expect(await listRewards(deps(), b.actor)).toEqual([]);
  });

  it('returns the first reward for a repeated idempotency key and refuses it for other parameters', async () => {
    const { actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor);
    const first = await createReward(deps(), actor, card.id, { name: 'Free', stampsRequired: 3 }, 'reward-1');
    const again = await createReward(deps(), actor, card.id, { stampsRequired: 3, name: 'Free' }, 'reward-1');
    expect(again).toEqual(first);
    await expectDomainError(
      createReward(deps(), actor, card.id, { name: 'Free', stampsRequired: 4 }, 'reward-1'),
      ErrorCode.IDEMPOTENCY_KEY_REUSED,
      ['idempotencyKey'],
    );
    expect(await listRewards(deps(), actor)).toEqual([first]);
  });
});

describe('updateReward', () => {
  it('changes only the given attributes and never the card', async () => {
    const { actor } = await newStore(t.runtime);
    const { card, rewards } = await seedCard(deps(), actor, { stampsRequired: 10 }, [{ name: 'Pastry', stampsRequired: 5, description: 'Any' }]);
    const other = await seedCard(deps(), actor);
    const reward = rewards[0]!;
    const updated = await updateReward(deps(), actor, reward.id, {
      name: 'Croissant',
      active: false,
      cardId: other.card.id,
      storeId: 999,
    } as RewardInput);
    expect(updated).toMatchObject({ name: 'Croissant', active: false, description: 'Any', stampsRequired: 5, cardId: card.id, storeId: actor.storeId });
    expect(await updateReward(deps(), actor, reward.id, { description: null, position: 3 })).toMatchObject({ description: null, position: 3 });
    expect(await updateReward(deps(), actor, reward.id, {})).toEqual(await getReward(deps(), actor, reward.id));
  });

  it.each<[string, RewardInput, string[]]>([
    ['a blank name', { name: '' }, ['name']],
    ['a null name', { name: null as never }, ['name']],
    ['a cost above the card', { stampsRequired: 11 }, ['stampsRequired']],
    ['a null cost', { stampsRequired: null as never }, ['stampsRequired']],
    ['a null position', { position: null as never }, ['position']],
    ['active = null', { active: null as never }, ['active']],
  ])('refuses %s and leaves the reward as it was', async (_label, input, fields) => {
    const { actor } = await newStore(t.runtime);
    const { rewards } = await seedCard(deps(), actor, { stampsRequired: 10 }, [{ name: 'Pastry', stampsRequired: 5 }]);
    await expectDomainError(updateReward(deps(), actor, rewards[0]!.id, input), ErrorCode.INVALID, fields);
    expect(await getReward(deps(), actor, rewards[0]!.id)).toEqual(rewards[0]);
  });

  it("treats another store's reward as not found", async () => {
    const a = await newStore(t.runtime);
    const b = await newStore(t.runtime);
    const { rewards } = await seedCard(deps(), a.actor, {}, [{ name: 'Mine', stampsRequired: 1 }]);
    await expectDomainError(updateReward(deps(), b.actor, rewards[0]!.id, { name: 'Theirs' }), ErrorCode.NOT_FOUND);
    await expectDomainError(getReward(deps(), b.actor, rewards[0]!.id), ErrorCode.NOT_FOUND);
    await expectDomainError(getReward(deps(), b.actor, Number.NaN), ErrorCode.NOT_FOUND);
    expect(await getReward(deps(), a.actor, rewards[0]!.id)).toEqual(rewards[0]);
  });
});

describe('deleteReward', () => {
  it('deletes a reward nobody redeemed', async () => {
    const { actor } = await newStore(t.runtime);
    const { rewards } = await seedCard(deps(), actor, {}, [{ name: 'Gone', stampsRequired: 1 }]);
    await deleteReward(deps(), actor, rewards[0]!.id);
    await expectDomainError(getReward(deps(), actor, rewards[0]!.id), ErrorCode.NOT_FOUND);
    await expectDomainError(deleteReward(deps(), actor, rewards[0]!.id), ErrorCode.NOT_FOUND);
  });

  it('refuses once the reward was redeemed (IN_USE) and keeps its history', async () => {
    const { actor } = await newStore(t.runtime);
    const { card, rewards } = await seedCard(deps(), actor, {}, [{ name: 'Coffee', stampsRequired: 2 }]);
    const { customerCard } = await seedCustomerCard(deps(), actor, card.id);
    await addStamps(deps(), actor, { customerCardId: customerCard.id, stamps: 3 });
    await redeemReward(deps(), actor, { customerCardId: customerCard.id, rewardId: rewards[0]!.id });
    const before = await storeSnapshot(deps().db, actor.storeId);
    const error = await expectDomainError(deleteReward(deps(), actor, rewards[0]!.id), ErrorCode.IN_USE, ['base']);
    expect(error.message).toMatch(/deactivate/);
    expect(await storeSnapshot(deps().db, actor.storeId)).toEqual(before);
    expect(await updateReward(deps(), actor, rewards[0]!.id, { active: false })).toMatchObject({ active: false });
  });

  it("treats another store's reward as not found and deletes nothing", async () => {
    const a = await newStore(t.runtime);
    const b = await newStore(t.runtime);
    const { rewards } = await seedCard(deps(), a.actor, {}, [{ name: 'Mine', stampsRequired: 1 }]);
    await expectDomainError(deleteReward(deps(), b.actor, rewards[0]!.id), ErrorCode.NOT_FOUND);
    expect(await getReward(deps(), a.actor, rewards[0]!.id)).toEqual(rewards[0]);
  });

  it('racing a redemption never loses its ledger entry', async () => {
    const { actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor, { stampsRequired: 10 });
    const rounds = 25;
    for (let round = 0; round < rounds; round++) {
      const reward = await createReward(deps(), actor, card.id, { name: `R${round}`, stampsRequired: 2 });
      const { customerCard } = await seedCustomerCard(deps(), actor, card.id);
      await addStamps(deps(), actor, { customerCardId: customerCard.id, stamps: 5 });
      const [redeemed, deleted] = await Promise.allSettled([
        redeemReward(deps(), actor, { customerCardId: customerCard.id, rewardId: reward.id }),
        // Staggered so that the delete lands at different points of the redemption's transaction.
        new Promise((resolve) => setTimeout(resolve, round % 12)).then(() => deleteReward(deps(), actor, reward.id)),
      ]);
      const balance = (await deps().db.customerCard.findUniqueOrThrow({ where: { id: customerCard.id } })).stampsCount;
      expect(await ledgerSum(deps().db, customerCard.id)).toBe(balance);
      // Exactly one of them wins; the loser fails with a domain error, never an unknown one.
      expect([redeemed.status, deleted.status].filter((s) => s === 'fulfilled')).toHaveLength(1);
      for (const outcome of [redeemed, deleted]) {
        if (outcome.status === 'rejected') {
          expect(outcome.reason).toBeInstanceOf(DomainError);
          expect([ErrorCode.IN_USE, ErrorCode.NOT_FOUND]).toContain((outcome.reason as DomainError).code);
        }
      }
      const redemptions = await deps().db.redemption.count({ where: { customerCardId: customerCard.id } });
      expect(redemptions).toBe(redeemed.status === 'fulfilled' ? 1 : 0);
      expect(balance).toBe(redeemed.status === 'fulfilled' ? 3 : 5);
    }
  });
});

describe('listRewards', () => {
  it('lists by card then position, filters by card and by active, and never shows another store', async () => {
    const a = await newStore(t.runtime);
    const b = await newStore(t.runtime);
    const one = await seedCard(deps(), a.actor, {}, [
      { name: 'Late', stampsRequired: 5, position: 2 },
      { name: 'Early', stampsRequired: 9, position: 1 },
      { name: 'Off', stampsRequired: 1, position: 0, active: false },
    ]);
    const two = await seedCard(deps(), a.actor, {}, [{ name: 'Other card', stampsRequired: 1 }]);
    await seedCard(deps(), b.actor, {}, [{ name: 'Foreign', stampsRequired: 1 }]);
    expect((await listRewards(deps(), a.actor)).map((r) => r.name)).toEqual(['Off', 'Early', 'Late', 'Other card']);
    expect((await listRewards(deps(), a.actor, { cardId: one.card.id, activeOnly: true })).map((r) => r.name)).toEqual(['Early', 'Late']);
    expect((await listRewards(deps(), a.actor, { cardId: two.card.id })).map((r) => r.name)).toEqual(['Other card']);
    expect(await listRewards(deps(), b.actor, { cardId: one.card.id })).toEqual([]);
    expect(await listRewards(deps(), a.actor, { cardId: 2 ** 31 })).toEqual([]);
    await expectDomainError(listRewards(deps(), a.actor, { cardId: 'x' as never }), ErrorCode.INVALID, ['cardId']);
  });

  it('still lists the rewards of an archived card', async () => {
    const { actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor, {}, [{ name: 'Kept', stampsRequired: 1 }]);
    await setCardArchived(deps(), actor, card.id, true);
    expect((await listRewards(deps(), actor, { cardId: card.id })).map((r) => r.name)).toEqual(['Kept']);
  });
});
