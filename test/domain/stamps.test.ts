import { describe, expect, it } from 'vitest';
import type { Deps } from '../../src/domain/context.ts';
import {
  addStamps,
  getCustomerCard,
  redeemReward,
} from '../../src/domain/customer-cards/customer-card.service.ts';
import { setCardArchived } from '../../src/domain/cards/card.service.ts';
import { DomainError, ErrorCode } from '../../src/domain/errors.ts';
import type { StampsChangedEvent } from '../../src/domain/events.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { newStore, useRuntime } from '../helpers/runtime.ts';

const t = useRuntime();
const deps = (): Deps => t.runtime.deps;

async function ledgerSum(customerCardId: number): Promise<number> {
  const sum = await deps().db.ledgerEntry.aggregate({ where: { customerCardId }, _sum: { delta: true } });
  return sum._sum.delta ?? 0;
}

async function expectDomainError(promise: Promise<unknown>, code: string, field?: string) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe(code);
  if (field) expect(Object.keys((error as DomainError).fields)).toContain(field);
}

describe('addStamps', () => {
  it('adds stamps, writes one ledger entry and keeps stamps beyond the requirement', async () => {
    const { actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor, { stampsRequired: 5, initialStamps: 2 });
    const { customerCard } = await seedCustomerCard(deps(), actor, card.id);
    expect(customerCard.stampsCount).toBe(2);

    const first = await addStamps(deps(), actor, { customerCardId: customerCard.id, stamps: 4 });
    expect(first.customerCard.stampsCount).toBe(6);
    expect(first.ledgerEntry).toMatchObject({ kind: 'STAMP', delta: 4, balanceAfter: 6, source: 'GRAPHQL' });
    expect(await ledgerSum(customerCard.id)).toBe(6);
    const kinds = await deps().db.ledgerEntry.findMany({ where: { customerCardId: customerCard.id }, orderBy: { id: 'asc' } });
    expect(kinds.map((e) => e.kind)).toEqual(['WELCOME', 'STAMP']);
  });

  it.each([0, -1, 1.5, '1', null, undefined, 6, Number.NaN])('refuses stamps = %s with errors.stamps and changes nothing', async (stamps) => {
    const { actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor, { stampsRequired: 5 });
    const { customerCard } = await seedCustomerCard(deps(), actor, card.id);
    await expectDomainError(addStamps(deps(), actor, { customerCardId: customerCard.id, stamps }), ErrorCode.INVALID, 'stamps');
    expect((await getCustomerCard(deps(), actor, { customerCardId: customerCard.id })).stampsCount).toBe(0);
    expect(await ledgerSum(customerCard.id)).toBe(0);
  });

  it('refuses an archived card', async () => {
    const { actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor);
    const { customerCard } = await seedCustomerCard(deps(), actor, card.id);
    await setCardArchived(deps(), actor, card.id, true);
    await expectDomainError(addStamps(deps(), actor, { customerCardId: customerCard.id, stamps: 1 }), ErrorCode.CARD_ARCHIVED);
    expect(await ledgerSum(customerCard.id)).toBe(0);
  });

  it("treats another store's customer card as not found", async () => {
    const a = await newStore(t.runtime);
    const b = await newStore(t.runtime);
    const { card } = await seedCard(deps(), a.actor);
    const { customerCard } = await seedCustomerCard(deps(), a.actor, card.id);
    await expectDomainError(addStamps(deps(), b.actor, { customerCardId: customerCard.id, stamps: 1 }), ErrorCode.NOT_FOUND);
    await expectDomainError(addStamps(deps(), a.actor, { customerCardId: customerCard.id, customerId: 999_999, stamps: 1 }), ErrorCode.NOT_FOUND);
    expect(await ledgerSum(customerCard.id)).toBe(0);
  });

  it('returns the first result for a repeated idempotency key and refuses the key for other parameters', async () => {
    const { actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor);
    const { customerCard } = await seedCustomerCard(deps(), actor, card.id);
    const input = { customerCardId: customerCard.id, stamps: 2, idempotencyKey: 'till-7-sale-1' };
    const first = await addStamps(deps(), actor, input);
    const again = await addStamps(deps(), actor, input);
    expect(again.replayed).toBe(true);
    expect(again.ledgerEntry.id).toBe(first.ledgerEntry.id);
    expect(again.customerCard.stampsCount).toBe(2);
    await expectDomainError(addStamps(deps(), actor, { ...input, stamps: 3 }), ErrorCode.IDEMPOTENCY_KEY_REUSED, 'idempotencyKey');
    expect(await ledgerSum(customerCard.id)).toBe(2);
  });

  it('publishes one event per stamp after commit', async () => {
    const { actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor);
    const { customerCard } = await seedCustomerCard(deps(), actor, card.id);
    const seen: StampsChangedEvent[] = [];
    const unsubscribe = deps().events.subscribe((e) => e.type === 'stamps.changed' && e.customerCardId === customerCard.id && seen.push(e));
    await addStamps(deps(), actor, { customerCardId: customerCard.id, stamps: 3 });
    await addStamps(deps(), actor, { customerCardId: customerCard.id, stamps: 0 }).catch(() => undefined);
    unsubscribe();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ kind: 'STAMP', delta: 3, balanceAfter: 3, cardId: card.id, storeId: actor.storeId });
  });
});

describe('redeemReward', () => {
  it('spends the reward cost and records a redemption and a ledger entry', async () => {
    const { actor } = await newStore(t.runtime);
    const { card, rewards } = await seedCard(deps(), actor, {}, [{ name: 'Free coffee', stampsRequired: 4 }]);
    const { customerCard } = await seedCustomerCard(deps(), actor, card.id);
    await addStamps(deps(), actor, { customerCardId: customerCard.id, stamps: 6 });
    const result = await redeemReward(deps(), actor, { customerCardId: customerCard.id, rewardId: rewards[0]!.id });
    expect(result.customerCard.stampsCount).toBe(2);
    expect(result.redemption).toMatchObject({ rewardName: 'Free coffee', stampsSpent: 4, stampsRemaining: 2 });
    expect(result.ledgerEntry).toMatchObject({ kind: 'REDEEM', delta: -4, balanceAfter: 2, redemptionId: result.redemption.id });
    expect(await ledgerSum(customerCard.id)).toBe(2);
  });

  it('refuses when stamps do not cover the cost, an inactive reward, and a reward of another card', async () => {
    const { actor } = await newStore(t.runtime);
    const { card, rewards } = await seedCard(deps(), actor, {}, [
      { name: 'Big', stampsRequired: 8 },
      { name: 'Off', stampsRequired: 1, active: false },
    ]);
    const other = await seedCard(deps(), actor, {}, [{ name: 'Elsewhere', stampsRequired: 1 }]);
    const { customerCard } = await seedCustomerCard(deps(), actor, card.id);
    await addStamps(deps(), actor, { customerCardId: customerCard.id, stamps: 3 });
    const ref = { customerCardId: customerCard.id };
    await expectDomainError(redeemReward(deps(), actor, { ...ref, rewardId: rewards[0]!.id }), ErrorCode.NOT_ENOUGH_STAMPS);
    await expectDomainError(redeemReward(deps(), actor, { ...ref, rewardId: rewards[1]!.id }), ErrorCode.REWARD_INACTIVE);
    await expectDomainError(redeemReward(deps(), actor, { ...ref, rewardId: other.rewards[0]!.id }), ErrorCode.REWARD_NOT_ON_CARD);
    expect(await ledgerSum(customerCard.id)).toBe(3);
    expect(await deps().db.redemption.count({ where: { customerCardId: customerCard.id } })).toBe(0);
  });

  it("treats another store's reward as not found", async () => {
    const a = await newStore(t.runtime);
    const b = await newStore(t.runtime);
    const { card } = await seedCard(deps(), a.actor);
    const foreign = await seedCard(deps(), b.actor, {}, [{ name: 'Theirs', stampsRequired: 1 }]);
    const { customerCard } = await seedCustomerCard(deps(), a.actor, card.id);
    await addStamps(deps(), a.actor, { customerCardId: customerCard.id, stamps: 5 });
    await expectDomainError(
      redeemReward(deps(), a.actor, { customerCardId: customerCard.id, rewardId: foreign.rewards[0]!.id }),
      ErrorCode.NOT_FOUND,
    );
  });
});

describe('under concurrency', () => {
  it('50 parallel stamps are all counted, each once', async () => {
    const { actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor, { stampsRequired: 18 });
    const { customerCard } = await seedCustomerCard(deps(), actor, card.id);
    const results = await Promise.all(
      Array.from({ length: 50 }, () => addStamps(deps(), actor, { customerCardId: customerCard.id, stamps: 1 })),
    );
    const balances = results.map((r) => r.ledgerEntry.balanceAfter).sort((x, y) => x - y);
    expect(balances).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const final = await getCustomerCard(deps(), actor, { customerCardId: customerCard.id });
    expect(final.stampsCount).toBe(50);
    expect(await ledgerSum(customerCard.id)).toBe(50);
  });

  it('racing redemptions never spend the same stamps twice', async () => {
    const { actor } = await newStore(t.runtime);
    const { card, rewards } = await seedCard(deps(), actor, { stampsRequired: 10 }, [{ name: 'Coffee', stampsRequired: 10 }]);
    const { customerCard } = await seedCustomerCard(deps(), actor, card.id);
    await addStamps(deps(), actor, { customerCardId: customerCard.id, stamps: 10 });
    await addStamps(deps(), actor, { customerCardId: customerCard.id, stamps: 10 });
    await addStamps(deps(), actor, { customerCardId: customerCard.id, stamps: 5 });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, () => redeemReward(deps(), actor, { customerCardId: customerCard.id, rewardId: rewards[0]!.id })),
    );
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(won).toHaveLength(2);
    expect(lost.every((o) => o.reason instanceof DomainError && o.reason.code === ErrorCode.NOT_ENOUGH_STAMPS)).toBe(true);
    const final = await getCustomerCard(deps(), actor, { customerCardId: customerCard.id });
    expect(final.stampsCount).toBe(5);
    expect(await ledgerSum(customerCard.id)).toBe(5);
  });

  it('stamps and redemptions racing together keep balance = sum of ledger', async () => {
    const { actor } = await newStore(t.runtime);
    const { card, rewards } = await seedCard(deps(), actor, { stampsRequired: 3 }, [{ name: 'Treat', stampsRequired: 3 }]);
    const { customerCard } = await seedCustomerCard(deps(), actor, card.id);
    const ops = Array.from({ length: 60 }, (_, i) =>
      i % 3 === 0
        ? redeemReward(deps(), actor, { customerCardId: customerCard.id, rewardId: rewards[0]!.id })
        : addStamps(deps(), actor, { customerCardId: customerCard.id, stamps: 1 }),
    );
    const outcomes = await Promise.allSettled(ops);
    const redeemed = outcomes.filter((o, i) => i % 3 === 0 && o.status === 'fulfilled').length;
    const final = await getCustomerCard(deps(), actor, { customerCardId: customerCard.id });
    expect(final.stampsCount).toBe(40 - redeemed * 3);
    expect(final.stampsCount).toBeGreaterThanOrEqual(0);
    expect(await ledgerSum(customerCard.id)).toBe(final.stampsCount);
  });

  it('concurrent retries with one idempotency key write once', async () => {
    const { actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor);
    const { customerCard } = await seedCustomerCard(deps(), actor, card.id);
    const input = { customerCardId: customerCard.id, stamps: 1, idempotencyKey: 'same' };
    const results = await Promise.all(Array.from({ length: 10 }, () => addStamps(deps(), actor, input)));
    expect(new Set(results.map((r) => r.ledgerEntry.id)).size).toBe(1);
    expect(await ledgerSum(customerCard.id)).toBe(1);
  });
});

describe('addressing and retries', () => {
  it('treats ids no customer card can have as not found', async () => {
    const { actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor);
    const { customerCard, customer } = await seedCustomerCard(deps(), actor, card.id);
    for (const ref of [
      { customerCardId: Number.NaN },
      { customerCardId: 2 ** 31 },
      { customerCardId: 1.5 },
      { customerCardId: customerCard.id, customerId: Number.NaN },
      { customerCardId: customerCard.id, customerId: 2 ** 31 },
    ]) {
      await expectDomainError(addStamps(deps(), actor, { ...ref, stamps: 1 }), ErrorCode.NOT_FOUND);
      await expectDomainError(getCustomerCard(deps(), actor, ref), ErrorCode.NOT_FOUND);
    }
    expect((await getCustomerCard(deps(), actor, { customerCardId: customerCard.id, customerId: customer.id })).id).toBe(customerCard.id);
  });

  it('refuses a missing or non-integer reward id on rewardId, and an impossible one as not found', async () => {
    const { actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor, {}, [{ name: 'Coffee', stampsRequired: 1 }]);
    const { customerCard } = await seedCustomerCard(deps(), actor, card.id);
    await addStamps(deps(), actor, { customerCardId: customerCard.id, stamps: 3 });
    for (const rewardId of [undefined, null, '1', 1.5]) {
      await expectDomainError(redeemReward(deps(), actor, { customerCardId: customerCard.id, rewardId: rewardId as never }), ErrorCode.INVALID, 'rewardId');
    }
    await expectDomainError(redeemReward(deps(), actor, { customerCardId: customerCard.id, rewardId: 2 ** 31 }), ErrorCode.NOT_FOUND);
    expect(await ledgerSum(customerCard.id)).toBe(3);
  });

  it('returns the first redemption to concurrent retries with one key, even when the stamps cover only one', async () => {
    const { actor } = await newStore(t.runtime);
    const { card, rewards } = await seedCard(deps(), actor, { stampsRequired: 4 }, [
      { name: 'Coffee', stampsRequired: 4 },
      { name: 'Tea', stampsRequired: 1 },
    ]);
    const { customerCard } = await seedCustomerCard(deps(), actor, card.id);
    await addStamps(deps(), actor, { customerCardId: customerCard.id, stamps: 4 });
    const input = { customerCardId: customerCard.id, rewardId: rewards[0]!.id, idempotencyKey: 'redeem-once' };
    const results = await Promise.all(Array.from({ length: 8 }, () => redeemReward(deps(), actor, input)));
    expect(new Set(results.map((r) => r.redemption.id)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(await ledgerSum(customerCard.id)).toBe(0);
    await expectDomainError(
      redeemReward(deps(), actor, { ...input, rewardId: rewards[1]!.id }),
      ErrorCode.IDEMPOTENCY_KEY_REUSED,
      'idempotencyKey',
    );
  });

  it('replays a stamp retry after the card was archived', async () => {
    const { actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor);
    const { customerCard } = await seedCustomerCard(deps(), actor, card.id);
    const input = { customerCardId: customerCard.id, stamps: 2, idempotencyKey: 'before-archive' };
    const first = await addStamps(deps(), actor, input);
    await setCardArchived(deps(), actor, card.id, true);
    const again = await addStamps(deps(), actor, input);
    expect(again).toMatchObject({ replayed: true, ledgerEntry: first.ledgerEntry });
    expect(await ledgerSum(customerCard.id)).toBe(2);
  });
});

describe('error fields', () => {
  it('names the field of every stamp and redemption refusal', async () => {
    const { actor } = await newStore(t.runtime);
    const { card, rewards } = await seedCard(deps(), actor, { stampsRequired: 5 }, [
      { name: 'Dear', stampsRequired: 5 },
      { name: 'Off', stampsRequired: 1, active: false },
    ]);
    const other = await seedCard(deps(), actor, {}, [{ name: 'Elsewhere', stampsRequired: 1 }]);
    const { customerCard } = await seedCustomerCard(deps(), actor, card.id);
    await addStamps(deps(), actor, { customerCardId: customerCard.id, stamps: 2 });
    const ref = { customerCardId: customerCard.id };
    // Thunks: a refusal created before its turn would reject unobserved.
    const refusals: [() => Promise<unknown>, string, Record<string, string[]>][] = [
      [() => addStamps(deps(), actor, { ...ref, stamps: 6 }), ErrorCode.INVALID, { stamps: ['must be an integer from 1 to 5'] }],
      [() => redeemReward(deps(), actor, { ...ref, rewardId: rewards[0]!.id }), ErrorCode.NOT_ENOUGH_STAMPS, { rewardId: ['needs 5 stamps, more than the card holds'] }],
      [() => redeemReward(deps(), actor, { ...ref, rewardId: rewards[1]!.id }), ErrorCode.REWARD_INACTIVE, { rewardId: ['is inactive'] }],
      [() => redeemReward(deps(), actor, { ...ref, rewardId: other.rewards[0]!.id }), ErrorCode.REWARD_NOT_ON_CARD, { rewardId: ['belongs to another card'] }],
      [() => addStamps(deps(), actor, { ...ref, stamps: 1, idempotencyKey: '' }), ErrorCode.INVALID, { idempotencyKey: ['must be 1 to 255 characters'] }],
    ];
    for (const [refuse, code, fields] of refusals) {
      const error = await refuse().then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect({ code: (error as DomainError).code, fields: (error as DomainError).fields }).toEqual({ code, fields });
    }
    await setCardArchived(deps(), actor, card.id, true);
    const archived = await addStamps(deps(), actor, { ...ref, stamps: 1 }).then(() => undefined, (e: unknown) => e);
    expect(archived).toMatchObject({ code: ErrorCode.CARD_ARCHIVED, fields: { stamps: ['cannot be added to an archived card'] } });
    expect(await ledgerSum(customerCard.id)).toBe(2);
  });
});
