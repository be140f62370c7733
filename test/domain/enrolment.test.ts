import { describe, expect, it } from 'vitest';
import { setCardArchived } from '../../src/domain/cards/card.service.ts';
import { type Deps, WriteSource } from '../../src/domain/context.ts';
import { createCustomer, enrolCustomer } from '../../src/domain/customers/customer.service.ts';
import { DomainError, ErrorCode } from '../../src/domain/errors.ts';
import type { StampsChangedEvent } from '../../src/domain/events.ts';
import { expectDomainError } from '../helpers/errors.ts';
import { seedCard } from '../helpers/factories.ts';
import { newStore, useRuntime } from '../helpers/runtime.ts';
import { ledgerSum, storeSnapshot } from '../helpers/snapshot.ts';

const t = useRuntime();
const deps = (): Deps => t.runtime.deps;

async function ledgerOf(customerCardId: number) {
  return deps().db.ledgerEntry.findMany({ where: { customerCardId }, orderBy: { id: 'asc' } });
}

/** Collects the stamp events of one store while `run` runs. */
async function eventsDuring(storeId: number, run: () => Promise<unknown>): Promise<StampsChangedEvent[]> {
  const seen: StampsChangedEvent[] = [];
  const unsubscribe = deps().events.subscribe((event) => event.type === 'stamps.changed' && event.storeId === storeId && seen.push(event));
  try {
    await run();
  } finally {
    unsubscribe();
  }
  return seen;
}

let n = 0;
const person = () => ({ firstName: 'Enrolee', email: `enrolee${++n}@example.com` });

describe('createCustomer with a card', () => {
  it('issues the customer card with the initial stamps as one WELCOME ledger entry', async () => {
    const { actor } = await newStore(t.runtime, WriteSource.REST);
    const { card } = await seedCard(deps(), actor, { stampsRequired: 10, initialStamps: 3 });
    let created!: Awaited<ReturnType<typeof createCustomer>>;
    const events = await eventsDuring(actor.storeId, async () => {
      created = await createCustomer(deps(), actor, person(), { cardId: card.id });
    });
    const { customer, customerCard } = created;
    expect(customerCard).toMatchObject({ storeId: actor.storeId, customerId: customer.id, cardId: card.id, stampsCount: 3, passInstalled: false });
    expect(customerCard!.uuid).toMatch(/^[0-9a-f-]{36}$/);
    const ledger = await ledgerOf(customerCard!.id);
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ kind: 'WELCOME', delta: 3, balanceAfter: 3, source: 'REST', idempotencyKey: null, redemptionId: null });
    expect(await ledgerSum(deps().db, customerCard!.id)).toBe(customerCard!.stampsCount);
    expect(events).toEqual([
      expect.objectContaining({ kind: 'WELCOME', delta: 3, balanceAfter: 3, customerCardId: customerCard!.id, customerId: customer.id, cardId: card.id }),
    ]);
  });

  it('writes no ledger entry and no event when the card has no initial stamps', async () => {
    const { actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor, { initialStamps: 0 });
    const events = await eventsDuring(actor.storeId, async () => {
      const { customerCard } = await createCustomer(deps(), actor, person(), { cardId: card.id });
      expect(customerCard!.stampsCount).toBe(0);
      expect(await ledgerOf(customerCard!.id)).toEqual([]);
    });
    expect(events).toEqual([]);
  });

  it('refuses an archived card (CARD_ARCHIVED on cardId) and creates no customer', async () => {
    const { actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor, { initialStamps: 2 });
    await setCardArchived(deps(), actor, card.id, true);
    const before = await storeSnapshot(deps().db, actor.storeId);
    await expectDomainError(createCustomer(deps(), actor, person(), { cardId: card.id }), ErrorCode.CARD_ARCHIVED, ['cardId']);
    expect(await storeSnapshot(deps().db, actor.storeId)).toEqual(before);
  });

  it("treats another store's card as not found and creates no customer", async () => {
    const a = await newStore(t.runtime);
    const b = await newStore(t.runtime);
    const { card } = await seedCard(deps(), a.actor);
    const before = await storeSnapshot(deps().db, b.actor.storeId);
    await expectDomainError(createCustomer(deps(), b.actor, person(), { cardId: card.id }), ErrorCode.NOT_FOUND);
    await expectDomainError(createCustomer(deps(), b.actor, person(), { cardId: 2 ** 31 }), ErrorCode.NOT_FOUND);
    expect(await storeSnapshot(deps().db, b.actor.storeId)).toEqual(before);
  });

  it('refuses a non-integer card id on cardId, and treats a null one as none', async () => {
    const { actor } = await newStore(t.runtime);
    await expectDomainError(createCustomer(deps(), actor, person(), { cardId: '1' as never }), ErrorCode.INVALID, ['cardId']);
    const { customerCard } = await createCustomer(deps(), actor, person(), { cardId: null as never });
    expect(customerCard).toBeUndefined();
  });

  it('replays the customer and its card for a repeated idempotency key, writing the welcome stamps once', async () => {
    const { actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor, { initialStamps: 2 });
    const input = person();
    const first = await createCustomer(deps(), actor, input, { cardId: card.id, idempotencyKey: 'signup' });
    // Archiving the card afterwards must not turn the retry into an error.
    await setCardArchived(deps(), actor, card.id, true);
    const again = await createCustomer(deps(), actor, input, { cardId: card.id, idempotencyKey: 'signup' });
    expect(again).toEqual(first);
    expect(await ledgerOf(first.customerCard!.id)).toHaveLength(1);
    await expectDomainError(
      createCustomer(deps(), actor, input, { idempotencyKey: 'signup' }),
      ErrorCode.IDEMPOTENCY_KEY_REUSED,
      ['idempotencyKey'],
    );
  });
});

describe('enrolCustomer', () => {
  it('enrols an existing customer on another card with its initial stamps', async () => {
    const { actor } = await newStore(t.runtime, WriteSource.GRAPHQL);
    const coffee = await seedCard(deps(), actor, { name: 'Coffee', initialStamps: 1 });
    const haircut = await seedCard(deps(), actor, { name: 'Haircut', stampsRequired: 6, initialStamps: 2 });
    const { customer } = await createCustomer(deps(), actor, person(), { cardId: coffee.card.id });
    const customerCard = await enrolCustomer(deps(), actor, customer.id, haircut.card.id);
    expect(customerCard).toMatchObject({ customerId: customer.id, cardId: haircut.card.id, stampsCount: 2, storeId: actor.storeId });
    expect(await ledgerOf(customerCard.id)).toEqual([expect.objectContaining({ kind: 'WELCOME', delta: 2, balanceAfter: 2, source: 'GRAPHQL' })]);
    expect(await deps().db.customerCard.count({ where: { customerId: customer.id } })).toBe(2);
  });

  it('refuses a customer already on the card (ALREADY_ENROLLED on cardId) and changes nothing', async () => {
    const { actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor, { initialStamps: 1 });
    const { customer } = await createCustomer(deps(), actor, person(), { cardId: card.id });
    const before = await storeSnapshot(deps().db, actor.storeId);
    await expectDomainError(enrolCustomer(deps(), actor, customer.id, card.id), ErrorCode.ALREADY_ENROLLED, ['cardId']);
    expect(await storeSnapshot(deps().db, actor.storeId)).toEqual(before);
  });

  it('refuses an archived card (CARD_ARCHIVED on cardId) and changes nothing', async () => {
    const { actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor, { initialStamps: 1 });
    const { customer } = await createCustomer(deps(), actor, person());
    await setCardArchived(deps(), actor, card.id, true);
    const before = await storeSnapshot(deps().db, actor.storeId);
    await expectDomainError(enrolCustomer(deps(), actor, customer.id, card.id), ErrorCode.CARD_ARCHIVED, ['cardId']);
    expect(await storeSnapshot(deps().db, actor.storeId)).toEqual(before);
    await setCardArchived(deps(), actor, card.id, false);
    expect((await enrolCustomer(deps(), actor, customer.id, card.id)).stampsCount).toBe(1);
  });

  it("treats another store's customer or card, and impossible ids, as not found", async () => {
    const a = await newStore(t.runtime);
    const b = await newStore(t.runtime);
    const mine = await seedCard(deps(), a.actor);
    const theirs = await seedCard(deps(), b.actor);
    const { customer } = await createCustomer(deps(), a.actor, person());
    const other = await createCustomer(deps(), b.actor, person());
    await expectDomainError(enrolCustomer(deps(), a.actor, customer.id, theirs.card.id), ErrorCode.NOT_FOUND);
    await expectDomainError(enrolCustomer(deps(), a.actor, other.customer.id, mine.card.id), ErrorCode.NOT_FOUND);
    await expectDomainError(enrolCustomer(deps(), a.actor, Number.NaN, mine.card.id), ErrorCode.NOT_FOUND);
    await expectDomainError(enrolCustomer(deps(), a.actor, customer.id, 2 ** 40), ErrorCode.NOT_FOUND);
    expect(await deps().db.customerCard.count({ where: { customerId: { in: [customer.id, other.customer.id] } } })).toBe(0);
  });

  it('refuses a missing or non-integer card id on cardId', async () => {
    const { actor } = await newStore(t.runtime);
    const { customer } = await createCustomer(deps(), actor, person());
    for (const cardId of [undefined, null, 'abc', 2.5]) {
      await expectDomainError(enrolCustomer(deps(), actor, customer.id, cardId as never), ErrorCode.INVALID, ['cardId']);
    }
  });

  it('replays a repeated idempotency key and refuses it for another card', async () => {
    const { actor } = await newStore(t.runtime);
    const one = await seedCard(deps(), actor, { initialStamps: 1 });
    const two = await seedCard(deps(), actor);
    const { customer } = await createCustomer(deps(), actor, person());
    const first = await enrolCustomer(deps(), actor, customer.id, one.card.id, 'enrol-1');
    expect(await enrolCustomer(deps(), actor, customer.id, one.card.id, 'enrol-1')).toEqual(first);
    await expectDomainError(enrolCustomer(deps(), actor, customer.id, two.card.id, 'enrol-1'), ErrorCode.IDEMPOTENCY_KEY_REUSED, ['idempotencyKey']);
    expect(await ledgerOf(first.id)).toHaveLength(1);
  });

  it('lets one of concurrent enrolments win; the others get ALREADY_ENROLLED', async () => {
    const { actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor, { initialStamps: 4 });
    const { customer } = await createCustomer(deps(), actor, person());
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => enrolCustomer(deps(), actor, customer.id, card.id)));
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const o of outcomes) {
      if (o.status === 'rejected') {
        expect(o.reason).toBeInstanceOf(DomainError);
        expect((o.reason as DomainError).code).toBe(ErrorCode.ALREADY_ENROLLED);
      }
    }
    const customerCard = await deps().db.customerCard.findFirstOrThrow({ where: { customerId: customer.id } });
    expect(customerCard.stampsCount).toBe(4);
    expect(await ledgerSum(deps().db, customerCard.id)).toBe(4);
  });

  it('returns the winner to concurrent retries with one idempotency key', async () => {
    const { actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor, { initialStamps: 4 });
    const { customer } = await createCustomer(deps(), actor, person());
    const results = await Promise.all(Array.from({ length: 8 }, () => enrolCustomer(deps(), actor, customer.id, card.id, 'same')));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(await ledgerSum(deps().db, results[0]!.id)).toBe(4);
  });
});
