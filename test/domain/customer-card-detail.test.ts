import { describe, expect, it } from 'vitest';
import type { Deps } from '../../src/domain/context.ts';
import { setCardArchived } from '../../src/domain/cards/card.service.ts';
import { readCustomerCardDetail } from '../../src/domain/customer-cards/customer-card-detail.sql.ts';
import { addStamps, redeemReward } from '../../src/domain/customer-cards/customer-card.service.ts';
import { detailInclude, getCustomerCardDetail } from '../../src/domain/customer-cards/customer-card.queries.ts';
import { enrolCustomer } from '../../src/domain/customers/customer.service.ts';
import { updateReward } from '../../src/domain/rewards/reward.service.ts';
import { ErrorCode } from '../../src/domain/errors.ts';
import { expectDomainError } from '../helpers/domain-errors.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { newStore, useRuntime } from '../helpers/runtime.ts';

const t = useRuntime();
const deps = (): Deps => t.runtime.deps;

/** The read the hand-written statement replaces. */
function prismaDetail(where: { id: number; storeId: number; customerId: number }) {
  return deps().db.customerCard.findFirst({ where, include: detailInclude });
}

/** Two stores with customer cards in every state the detail can be in. */
async function seedStores() {
  const { actor } = await newStore(t.runtime);
  const { actor: other } = await newStore(t.runtime);
  const plain = await seedCard(deps(), actor, { stampsRequired: 5 }, [
    { name: 'Coffee', stampsRequired: 5, position: 2 },
    { name: 'Cookie', stampsRequired: 2, position: 1, description: 'Any cookie' },
    { name: 'Old', stampsRequired: 3, position: 1, active: false },
  ]);
  const dressed = await seedCard(
    deps(),
    actor,
    {
      name: 'Dressed',
      stampsRequired: 3,
      initialStamps: 1,
      stripType: 'preset',
      stripPreset: 'coffee-beans',
      stripColor: '#112233',
      headerText: 'Hi',
      stampBackgroundColor: '#445566',
      stripOpacity: 40,
      auxiliaryFields: ['one', 'two'],
      expiresAt: '2099-01-01',
      showMemberField: true,
      showStampsToRewardField: false,
      stampCooldownSeconds: 30,
      maxStampsPerDay: 4,
    },
    [{ name: 'Tea', stampsRequired: 3 }],
  );
  const bare = await seedCard(deps(), actor, { name: 'No rewards' });
  const archived = await seedCard(deps(), actor, { name: 'Archived' }, [{ name: 'Gone', stampsRequired: 2 }]);

  const empty = await seedCustomerCard(deps(), actor, plain.card.id);
  const full = await seedCustomerCard(deps(), actor, plain.card.id);
  await addStamps(deps(), actor, { customerCardId: full.customerCard.id, stamps: 5 });
  await addStamps(deps(), actor, { customerCardId: full.customerCard.id, stamps: 2 });
  const redeemed = await seedCustomerCard(deps(), actor, plain.card.id);
  await addStamps(deps(), actor, { customerCardId: redeemed.customerCard.id, stamps: 5 });
  await redeemReward(deps(), actor, { customerCardId: redeemed.customerCard.id, rewardId: plain.rewards[0]!.id });
  // A reward switched off after the card was used.
  await updateReward(deps(), actor, plain.rewards[1]!.id, { active: false });
  const welcomed = await seedCustomerCard(deps(), actor, dressed.card.id);
  await deps().db.customerCard.update({
    where: { id: welcomed.customerCard.id },
    data: { passInstalled: true, googleIssuedAt: new Date('2026-03-04T05:06:07.089Z') },
  });
  const onBare = await seedCustomerCard(deps(), actor, bare.card.id);
  // The same customer on a second card.
  const second = await enrolCustomer(deps(), actor, empty.customer.id, dressed.card.id);
  const onArchived = await seedCustomerCard(deps(), actor, archived.card.id);
  await addStamps(deps(), actor, { customerCardId: onArchived.customerCard.id, stamps: 1 });
  await setCardArchived(deps(), actor, archived.card.id, true);

  const elsewhereCard = await seedCard(deps(), other, { name: 'Elsewhere' }, [{ name: 'Theirs', stampsRequired: 1 }]);
  const elsewhere = await seedCustomerCard(deps(), other, elsewhereCard.card.id);
  await addStamps(deps(), other, { customerCardId: elsewhere.customerCard.id, stamps: 1 });

  const ours = [empty, full, redeemed, welcomed, onBare, onArchived].map((seeded) => seeded.customerCard);
  return { actor, other, ours: [...ours, second], elsewhere: elsewhere.customerCard };
}

describe('the customer card detail read', () => {
  it('answers what the Prisma read answers for every customer card, and nothing for the wrong store or customer', async () => {
    const { actor, other, ours, elsewhere } = await seedStores();
    const all = [...ours.map((card) => ({ card, actor })), { card: elsewhere, actor: other }];
    let compared = 0;
    for (const { card, actor: owner } of all) {
      for (const storeId of [actor.storeId, other.storeId]) {
        for (const customerId of new Set(all.map((one) => one.card.customerId))) {
          const where = { id: card.id, storeId, customerId };
          const expected = await prismaDetail(where);
          expect(await readCustomerCardDetail(deps().db, where)).toEqual(expected);
          if (expected) {
            compared += 1;
            expect(storeId).toBe(owner.storeId);
            expect(customerId).toBe(card.customerId);
          }
        }
      }
    }
    expect(compared).toBe(all.length);
    expect(await readCustomerCardDetail(deps().db, { id: 987654, storeId: actor.storeId, customerId: ours[0]!.customerId })).toBeNull();
  });

  it('keeps each kind of value: times, booleans, JSON, nulls and rewards in display order', async () => {
    const { actor, ours } = await seedStores();
    const empty = (await readCustomerCardDetail(deps().db, { id: ours[0]!.id, storeId: actor.storeId, customerId: ours[0]!.customerId }))!;
    expect(empty.card.rewards.map((reward) => [reward.name, reward.active])).toEqual([
      ['Cookie', false],
      ['Old', false],
      ['Coffee', true],
    ]);
    expect(empty.card.rewards[0]!.description).toBe('Any cookie');
    expect(empty.card.auxiliaryFields).toEqual([]);
    const welcomed = (await readCustomerCardDetail(deps().db, { id: ours[3]!.id, storeId: actor.storeId, customerId: ours[3]!.customerId }))!;
    expect(welcomed).toMatchObject({ stampsCount: 1, passInstalled: true, googleIssuedAt: new Date('2026-03-04T05:06:07.089Z') });
    expect(welcomed.issuedAt).toBeInstanceOf(Date);
    expect(welcomed.card).toMatchObject({
      auxiliaryFields: ['one', 'two'],
      expiresAt: new Date('2099-01-01T00:00:00.000Z'),
      showMemberField: true,
      showStampsToRewardField: false,
      maxStampsPerDay: 4,
      stripOpacity: 40,
    });
    const onBare = (await readCustomerCardDetail(deps().db, { id: ours[4]!.id, storeId: actor.storeId, customerId: ours[4]!.customerId }))!;
    expect(onBare.card.rewards).toEqual([]);
    const onArchived = (await readCustomerCardDetail(deps().db, { id: ours[5]!.id, storeId: actor.storeId, customerId: ours[5]!.customerId }))!;
    expect(onArchived.card.archivedAt).toBeInstanceOf(Date);
    expect(onArchived.card.rewards).toHaveLength(1);
  });

  it('is what the REST show reads: another store’s card or another customer’s is not found', async () => {
    const { actor, other, ours, elsewhere } = await seedStores();
    const [first, second] = [ours[0]!, ours[1]!];
    const shown = await getCustomerCardDetail(deps(), actor, { customerCardId: first.id, customerId: first.customerId });
    expect(shown).toEqual(await prismaDetail({ id: first.id, storeId: actor.storeId, customerId: first.customerId }));
    await expectDomainError(
      getCustomerCardDetail(deps(), actor, { customerCardId: first.id, customerId: second.customerId }),
      ErrorCode.NOT_FOUND,
    );
    await expectDomainError(
      getCustomerCardDetail(deps(), other, { customerCardId: first.id, customerId: first.customerId }),
      ErrorCode.NOT_FOUND,
    );
    await expectDomainError(
      getCustomerCardDetail(deps(), actor, { customerCardId: elsewhere.id, customerId: elsewhere.customerId }),
      ErrorCode.NOT_FOUND,
    );
  });
});
