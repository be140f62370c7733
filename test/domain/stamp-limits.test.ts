import { describe, expect, it } from 'vitest';
import type { Deps } from '../../src/domain/context.ts';
import { addStamps, getCustomerCard } from '../../src/domain/customer-cards/customer-card.service.ts';
import { startOfLocalDay, startOfNextLocalDay } from '../../src/domain/customer-cards/stamp-limits.rules.ts';
import { DomainError, ErrorCode } from '../../src/domain/errors.ts';
import { updateCard } from '../../src/domain/cards/card.service.ts';
import { updateStore } from '../../src/domain/stores/store.service.ts';
import { CARD_PASSES_UPDATE_TOPIC } from '../../src/domain/wallet/pass-updates.ts';
import { expectDomainError } from '../helpers/domain-errors.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { newStore, useRuntime } from '../helpers/runtime.ts';
import { ledgerSum } from '../helpers/snapshot.ts';

/**
 * The card's stamp limits as the ledger enforces them on a real database. Time is moved by moving the
 * ledger's own entries back (their `created_at` is what the limits read), never by waiting.
 */

const t = useRuntime();
const deps = (): Deps => t.runtime.deps;

async function limitedCard(limits: { stampCooldownSeconds?: number; maxStampsPerDay?: number | null }, timeZone = 'UTC') {
  const store = await newStore(t.runtime);
  if (timeZone !== 'UTC') await updateStore(deps(), store.actor, store.actor.storeId, { timeZone });
  const { card } = await seedCard(deps(), store.actor, { stampsRequired: 10, ...limits });
  const { customerCard } = await seedCustomerCard(deps(), store.actor, card.id);
  return { actor: store.actor, customerCardId: customerCard.id };
}

/** Moves every stamp entry of a customer card to `at`, as if given then. */
async function stampedAt(customerCardId: number, at: Date) {
  await deps().db.ledgerEntry.updateMany({ where: { customerCardId, kind: 'STAMP' }, data: { createdAt: at } });
}

describe('stamp cooldown', () => {
  it('refuses a second stamp within the cooldown with the time it ends, and takes it after', async () => {
    const { actor, customerCardId } = await limitedCard({ stampCooldownSeconds: 600 });
    const first = await addStamps(deps(), actor, { customerCardId, stamps: 1 });
    const error = await expectDomainError(addStamps(deps(), actor, { customerCardId, stamps: 1 }), ErrorCode.TOO_SOON, 'stamps');
    expect(error.retryAt).toEqual(new Date(first.ledgerEntry.createdAt.getTime() + 600_000));
    expect(error.fields.stamps![0]).toContain(error.retryAt!.toISOString());
    expect((await getCustomerCard(deps(), actor, { customerCardId })).stampsCount).toBe(1);

    await stampedAt(customerCardId, new Date(Date.now() - 601_000));
    expect((await addStamps(deps(), actor, { customerCardId, stamps: 2 })).customerCard.stampsCount).toBe(3);
    expect(await ledgerSum(deps().db, customerCardId)).toBe(3);
  });

  it('0 is off: stamps follow each other at once', async () => {
    const { actor, customerCardId } = await limitedCard({ stampCooldownSeconds: 0 });
    for (let i = 0; i < 3; i++) await addStamps(deps(), actor, { customerCardId, stamps: 1 });
    expect(await ledgerSum(deps().db, customerCardId)).toBe(3);
  });

  it('a retry with the same idempotency key is a replay, not a refusal', async () => {
    const { actor, customerCardId } = await limitedCard({ stampCooldownSeconds: 3600 });
    const input = { customerCardId, stamps: 2, idempotencyKey: 'till-1-sale-42' };
    const first = await addStamps(deps(), actor, input);
    const again = await addStamps(deps(), actor, input);
    expect(again.replayed).toBe(true);
    expect(again.ledgerEntry.id).toBe(first.ledgerEntry.id);
    // Another key within the cooldown is a new stamp, and refused.
    await expectDomainError(addStamps(deps(), actor, { ...input, idempotencyKey: 'till-1-sale-43' }), ErrorCode.TOO_SOON);
    expect(await ledgerSum(deps().db, customerCardId)).toBe(2);
  });

  it('concurrent retries with one key all get the first result, none a refusal', async () => {
    const { actor, customerCardId } = await limitedCard({ stampCooldownSeconds: 3600 });
    const input = { customerCardId, stamps: 1, idempotencyKey: 'racing-retries' };
    const results = await Promise.all(Array.from({ length: 10 }, () => addStamps(deps(), actor, input)));
    expect(new Set(results.map((r) => r.ledgerEntry.id)).size).toBe(1);
    expect(await ledgerSum(deps().db, customerCardId)).toBe(1);
  });

  it('50 concurrent stamps within the cooldown: exactly one is taken', async () => {
    const { actor, customerCardId } = await limitedCard({ stampCooldownSeconds: 3600 });
    const outcomes = await Promise.allSettled(Array.from({ length: 50 }, () => addStamps(deps(), actor, { customerCardId, stamps: 1 })));
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(refused.every((o) => o.reason instanceof DomainError && o.reason.code === ErrorCode.TOO_SOON)).toBe(true);
    expect((await getCustomerCard(deps(), actor, { customerCardId })).stampsCount).toBe(1);
    expect(await ledgerSum(deps().db, customerCardId)).toBe(1);
  });
});

describe('most stamps per day', () => {
  it('takes stamps up to the limit, refuses the rest until the next store-local day', async () => {
    const zone = 'Pacific/Kiritimati';
    const { actor, customerCardId } = await limitedCard({ maxStampsPerDay: 3 }, zone);
    await addStamps(deps(), actor, { customerCardId, stamps: 2 });
    const error = await expectDomainError(addStamps(deps(), actor, { customerCardId, stamps: 2 }), ErrorCode.DAILY_LIMIT, 'stamps');
    const now = new Date();
    expect(error.retryAt).toEqual(startOfNextLocalDay(now, zone));
    await addStamps(deps(), actor, { customerCardId, stamps: 1 });
    await expectDomainError(addStamps(deps(), actor, { customerCardId, stamps: 1 }), ErrorCode.DAILY_LIMIT);
    expect(await ledgerSum(deps().db, customerCardId)).toBe(3);
  });

  it('the day begins at midnight in the store’s time zone: stamps of the instant before do not count, of midnight itself do', async () => {
    const zone = 'America/Los_Angeles';
    const { actor, customerCardId } = await limitedCard({ maxStampsPerDay: 2 }, zone);
    await addStamps(deps(), actor, { customerCardId, stamps: 2 });
    const dayStart = startOfLocalDay(new Date(), zone);

    await stampedAt(customerCardId, dayStart);
    await expectDomainError(addStamps(deps(), actor, { customerCardId, stamps: 1 }), ErrorCode.DAILY_LIMIT);

    await stampedAt(customerCardId, new Date(dayStart.getTime() - 1));
    await addStamps(deps(), actor, { customerCardId, stamps: 2 });
    expect(await ledgerSum(deps().db, customerCardId)).toBe(4);
  });

  it('the store’s time zone decides: the same stamps count today in one zone and yesterday in another', async () => {
    // 14 hours apart (UTC+14 and UTC): whatever the hour, one of the two day starts falls between them.
    const kiritimati = startOfLocalDay(new Date(), 'Pacific/Kiritimati');
    const utc = startOfLocalDay(new Date(), 'UTC');
    const [earlier, later, laterZone] = kiritimati < utc ? [kiritimati, utc, 'UTC'] : [utc, kiritimati, 'Pacific/Kiritimati'];
    const earlierZone = laterZone === 'UTC' ? 'Pacific/Kiritimati' : 'UTC';
    const between = new Date(Math.floor((earlier.getTime() + later.getTime()) / 2));
    const { actor, customerCardId } = await limitedCard({ maxStampsPerDay: 1 }, earlierZone);
    await addStamps(deps(), actor, { customerCardId, stamps: 1 });
    await stampedAt(customerCardId, between);
    // After the day start of the earlier zone: today there.
    await expectDomainError(addStamps(deps(), actor, { customerCardId, stamps: 1 }), ErrorCode.DAILY_LIMIT);
    // Before the day start of the later zone: yesterday there.
    await updateStore(deps(), actor, actor.storeId, { timeZone: laterZone });
    await addStamps(deps(), actor, { customerCardId, stamps: 1 });
  });

  it('more stamps at once than a day allows are refused with no time to retry', async () => {
    const { actor, customerCardId } = await limitedCard({ maxStampsPerDay: 2 });
    const error = await expectDomainError(addStamps(deps(), actor, { customerCardId, stamps: 3 }), ErrorCode.DAILY_LIMIT);
    expect(error.retryAt).toBeNull();
  });

  it('a card’s initial stamps are not limited and do not count', async () => {
    const store = await newStore(t.runtime);
    const { card } = await seedCard(deps(), store.actor, { stampsRequired: 10, initialStamps: 5, maxStampsPerDay: 2 });
    const { customerCard } = await seedCustomerCard(deps(), store.actor, card.id);
    await addStamps(deps(), store.actor, { customerCardId: customerCard.id, stamps: 2 });
    expect(await ledgerSum(deps().db, customerCard.id)).toBe(7);
  });

  it('50 concurrent stamps never pass the limit', async () => {
    const { actor, customerCardId } = await limitedCard({ maxStampsPerDay: 7 });
    const outcomes = await Promise.allSettled(Array.from({ length: 50 }, () => addStamps(deps(), actor, { customerCardId, stamps: 1 })));
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(7);
    expect(refused).toHaveLength(43);
    expect(refused.every((o) => o.reason instanceof DomainError && o.reason.code === ErrorCode.DAILY_LIMIT)).toBe(true);
    expect((await getCustomerCard(deps(), actor, { customerCardId })).stampsCount).toBe(7);
    expect(await ledgerSum(deps().db, customerCardId)).toBe(7);
  });
});

describe('changing the limits', () => {
  it('updates no wallet pass: they are not on it', async () => {
    const store = await newStore(t.runtime);
    const { card } = await seedCard(deps(), store.actor);
    const { customerCard } = await seedCustomerCard(deps(), store.actor, card.id);
    await deps().db.customerCard.update({ where: { id: customerCard.id }, data: { passInstalled: true } });
    const queued = () => deps().db.outboxMessage.count({ where: { topic: CARD_PASSES_UPDATE_TOPIC, payload: { equals: { cardId: card.id } } } });
    await updateCard(deps(), store.actor, card.id, { stampCooldownSeconds: 30, maxStampsPerDay: 5 });
    expect(await queued()).toBe(0);
    await updateCard(deps(), store.actor, card.id, { name: 'Renamed', maxStampsPerDay: null });
    expect(await queued()).toBe(1);
  });
});
