import { describe, expect, it } from 'vitest';
import type { Actor, Deps } from '../../src/domain/context.ts';
import {
  createCustomer,
  type CustomerInput,
  getCustomer,
  listCustomers,
  updateCustomer,
} from '../../src/domain/customers/customer.service.ts';
import { DomainError, ErrorCode } from '../../src/domain/errors.ts';
import { expectDomainError } from '../helpers/errors.ts';
import { seedCard } from '../helpers/factories.ts';
import { newStore, useRuntime } from '../helpers/runtime.ts';
import { storeSnapshot } from '../helpers/snapshot.ts';

const t = useRuntime();
const deps = (): Deps => t.runtime.deps;

async function create(actor: Actor, input: CustomerInput) {
  return (await createCustomer(deps(), actor, input)).customer;
}

async function references(customerId: number) {
  const refs = await deps().db.externalReference.findMany({ where: { customerId }, orderBy: { id: 'asc' } });
  return refs.map(({ source, externalId, metadata }) => ({ source, externalId, metadata }));
}

describe('createCustomer', () => {
  it('stores normalised details, metadata and external references', async () => {
    const { actor } = await newStore(t.runtime);
    const { customer, customerCard } = await createCustomer(deps(), actor, {
      firstName: '  Ada ',
      lastName: ' Lovelace ',
      email: ' Ada@Example.COM ',
      phone: '+44 (20) 7946-0000',
      birthday: '1815-12-10',
      metadata: { tier: 'gold', visits: 3 },
      externalReferences: [{ source: 'square', externalId: 'SQ-1', metadata: { location: 'north' } }],
    });
    expect(customerCard).toBeUndefined();
    expect(customer).toMatchObject({
      storeId: actor.storeId,
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.com',
      phone: '+442079460000',
      birthday: '1815-12-10',
      metadata: { tier: 'gold', visits: 3 },
    });
    expect(await references(customer.id)).toEqual([{ source: 'square', externalId: 'SQ-1', metadata: { location: 'north' } }]);
    expect(await getCustomer(deps(), actor, customer.id)).toEqual(customer);
  });

  it('needs only a first name and one of email or phone; blank optional values are stored as null', async () => {
    const { actor } = await newStore(t.runtime);
    const byPhone = await create(actor, { firstName: 'Grace', phone: '123456', email: '', lastName: '' });
    expect(byPhone).toMatchObject({ email: null, lastName: null, phone: '123456', birthday: null, metadata: {} });
  });

  it.each<[string, CustomerInput, string[]]>([
    ['no first name', { email: 'a@example.com' }, ['firstName']],
    ['a blank first name', { firstName: '   ', email: 'a@example.com' }, ['firstName']],
    ['neither email nor phone', { firstName: 'Ada' }, ['base']],
    ['an invalid email', { firstName: 'Ada', email: 'ada.example.com' }, ['email']],
    ['an invalid phone', { firstName: 'Ada', phone: 'call me' }, ['phone']],
    ['a numeric phone', { firstName: 'Ada', phone: 442079460000 as never }, ['phone']],
    ['an impossible birthday', { firstName: 'Ada', email: 'a@example.com', birthday: '1990-02-30' }, ['birthday']],
    ['a future birthday', { firstName: 'Ada', email: 'a@example.com', birthday: '2999-01-01' }, ['birthday']],
    ['metadata that is not an object', { firstName: 'Ada', email: 'a@example.com', metadata: ['x'] as never }, ['metadata']],
    ['a malformed reference', { firstName: 'Ada', email: 'a@example.com', externalReferences: [{ source: 'Square', externalId: '1' }] }, ['externalReferences']],
    ['several faults', { firstName: '', email: 'nope', birthday: 'soon' }, ['firstName', 'email', 'birthday']],
  ])('refuses %s, naming the field, and creates nothing', async (_label, input, fields) => {
    const { actor } = await newStore(t.runtime);
    const before = await storeSnapshot(deps().db, actor.storeId);
    await expectDomainError(createCustomer(deps(), actor, input), ErrorCode.INVALID, fields);
    expect(await storeSnapshot(deps().db, actor.storeId)).toEqual(before);
  });

  describe('unique email and phone per store', () => {
    it('refuses an email that differs only in case or spaces (TAKEN on email)', async () => {
      const { actor } = await newStore(t.runtime);
      await create(actor, { firstName: 'Ada', email: 'Ada@Example.com' });
      const before = await storeSnapshot(deps().db, actor.storeId);
      const error = await expectDomainError(create(actor, { firstName: 'Other', email: ' ada@example.com' }), ErrorCode.TAKEN, ['email']);
      expect(error.fields.email).toEqual(['has already been taken']);
      expect(await storeSnapshot(deps().db, actor.storeId)).toEqual(before);
    });

    it('refuses a phone that differs only in formatting (TAKEN on phone)', async () => {
      const { actor } = await newStore(t.runtime);
      await create(actor, { firstName: 'Ada', phone: '+44 20 7946 0000' });
      await expectDomainError(create(actor, { firstName: 'Other', phone: '+442079460000' }), ErrorCode.TAKEN, ['phone']);
      await expectDomainError(create(actor, { firstName: 'Other', phone: '+44 (20) 7946-0000', email: 'new@example.com' }), ErrorCode.TAKEN, ['phone']);
    });

    it('names both fields when both are taken', async () => {
      const { actor } = await newStore(t.runtime);
      await create(actor, { firstName: 'Ada', email: 'ada@example.com', phone: '123456' });
      await expectDomainError(create(actor, { firstName: 'Twin', email: 'ADA@example.com', phone: '12 34 56' }), ErrorCode.TAKEN, ['email', 'phone']);
    });

    it('lets another store use the same email and phone', async () => {
      const a = await newStore(t.runtime);
      const b = await newStore(t.runtime);
      await create(a.actor, { firstName: 'Ada', email: 'ada@example.com', phone: '123456' });
      expect(await create(b.actor, { firstName: 'Ada', email: 'ada@example.com', phone: '123456' })).toMatchObject({ storeId: b.actor.storeId });
    });

    it('lets exactly one of concurrent duplicate creates win; the others get TAKEN', async () => {
      const { actor } = await newStore(t.runtime);
      const spellings = ['ada@example.com', 'Ada@Example.com', 'ADA@EXAMPLE.COM', ' ada@example.com ', 'ada@EXAMPLE.com'];
      const outcomes = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) => create(actor, { firstName: `Ada ${i}`, email: spellings[i % spellings.length] })),
      );
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(won).toHaveLength(1);
      for (const { reason } of lost) {
        expect(reason).toBeInstanceOf(DomainError);
        expect(reason).toMatchObject({ code: ErrorCode.TAKEN, fields: { email: ['has already been taken'] } });
      }
      expect((await listCustomers(deps(), actor, {})).count).toBe(1);
    });

    it('names the phone when concurrent creates race for a phone', async () => {
      const { actor } = await newStore(t.runtime);
      const outcomes = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) => create(actor, { firstName: 'P', email: `p${i}@example.com`, phone: i % 2 ? '+44 20 7946 0000' : '+442079460000' })),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toMatchObject({ code: ErrorCode.TAKEN, fields: { phone: ['has already been taken'] } });
    });
  });

  describe('external references', () => {
    it('refuses a reference linked to another customer (TAKEN on externalReferences) and creates nothing', async () => {
      const { actor } = await newStore(t.runtime);
      await create(actor, { firstName: 'Ada', email: 'ada@example.com', externalReferences: [{ source: 'square', externalId: 'SQ-1' }] });
      const before = await storeSnapshot(deps().db, actor.storeId);
      const error = await expectDomainError(
        create(actor, { firstName: 'Bob', email: 'bob@example.com', externalReferences: [{ source: 'square', externalId: 'SQ-1' }] }),
        ErrorCode.TAKEN,
        ['externalReferences'],
      );
      expect(error.fields.externalReferences).toEqual(['square SQ-1 is linked to another customer']);
      expect(await storeSnapshot(deps().db, actor.storeId)).toEqual(before);
    });

    it('allows one external id under different sources, and in another store', async () => {
      const a = await newStore(t.runtime);
      const b = await newStore(t.runtime);
      await create(a.actor, { firstName: 'Ada', email: 'ada@example.com', externalReferences: [{ source: 'square', externalId: '42' }] });
      await create(a.actor, { firstName: 'Bob', email: 'bob@example.com', externalReferences: [{ source: 'shopify', externalId: '42' }] });
      await create(b.actor, { firstName: 'Cy', email: 'cy@example.com', externalReferences: [{ source: 'square', externalId: '42' }] });
    });

    it('names the reference when concurrent creates race for it', async () => {
      const { actor } = await newStore(t.runtime);
      const outcomes = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) =>
          create(actor, { firstName: 'R', email: `r${i}@example.com`, externalReferences: [{ source: 'square', externalId: 'RACE' }] }),
        ),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      for (const o of outcomes) {
        if (o.status === 'rejected') expect(o.reason).toMatchObject({ code: ErrorCode.TAKEN, fields: { externalReferences: ['square RACE is linked to another customer'] } });
      }
    });
  });

  describe('with an idempotency key', () => {
    it('returns the first customer for a repeat, even with the fields in another order', async () => {
      const { actor } = await newStore(t.runtime);
      const first = await createCustomer(deps(), actor, { firstName: 'Ada', email: 'ada@example.com', metadata: { a: 1, b: 2 } }, { idempotencyKey: 'signup-1' });
      const again = await createCustomer(deps(), actor, { metadata: { b: 2, a: 1 }, email: 'ada@example.com', firstName: 'Ada' }, { idempotencyKey: 'signup-1' });
      expect(again).toEqual(first);
      expect((await listCustomers(deps(), actor, {})).count).toBe(1);
    });

    it('refuses the key for other parameters and changes nothing', async () => {
      const { actor } = await newStore(t.runtime);
      await createCustomer(deps(), actor, { firstName: 'Ada', email: 'ada@example.com' }, { idempotencyKey: 'signup-1' });
      const before = await storeSnapshot(deps().db, actor.storeId);
      await expectDomainError(
        createCustomer(deps(), actor, { firstName: 'Bob', email: 'bob@example.com' }, { idempotencyKey: 'signup-1' }),
        ErrorCode.IDEMPOTENCY_KEY_REUSED,
        ['idempotencyKey'],
      );
      expect(await storeSnapshot(deps().db, actor.storeId)).toEqual(before);
    });

    it('returns the winner to every concurrent retry instead of TAKEN', async () => {
      const { actor } = await newStore(t.runtime);
      const results = await Promise.all(
        Array.from({ length: 8 }, () => createCustomer(deps(), actor, { firstName: 'Ada', email: 'ada@example.com' }, { idempotencyKey: 'retry' })),
      );
      expect(new Set(results.map((r) => r.customer.id)).size).toBe(1);
      expect((await listCustomers(deps(), actor, {})).count).toBe(1);
    });
  });
});

describe('updateCustomer', () => {
  it('changes only the given details and normalises them', async () => {
    const { actor } = await newStore(t.runtime);
    const customer = await create(actor, { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', birthday: '1815-12-10' });
    const updated = await updateCustomer(deps(), actor, customer.id, { phone: '+44 20 7946 0000', lastName: null, firstName: ' Augusta ' });
    expect(updated).toMatchObject({ firstName: 'Augusta', lastName: null, email: 'ada@example.com', phone: '+442079460000', birthday: '1815-12-10' });
    expect(updated.searchText).toBe('augusta ada@example.com +442079460000');
  });

  it('accepts its own email in another spelling', async () => {
    const { actor } = await newStore(t.runtime);
    const customer = await create(actor, { firstName: 'Ada', email: 'ada@example.com' });
    expect(await updateCustomer(deps(), actor, customer.id, { email: 'ADA@example.com' })).toMatchObject({ email: 'ada@example.com' });
  });

  it.each<[string, CustomerInput, string, string[]]>([
    ['an email another customer has', { email: 'Bob@Example.com' }, ErrorCode.TAKEN, ['email']],
    ['a phone another customer has', { phone: '98 76 54' }, ErrorCode.TAKEN, ['phone']],
    ['removing the only contact', { email: null }, ErrorCode.INVALID, ['base']],
    ['removing both contacts', { email: '', phone: null }, ErrorCode.INVALID, ['base']],
    ['a null first name', { firstName: null as never }, ErrorCode.INVALID, ['firstName']],
    ['an invalid email', { email: 'ada@' }, ErrorCode.INVALID, ['email']],
    ['metadata that is not an object', { metadata: null as never }, ErrorCode.INVALID, ['metadata']],
    ['references that are not a list', { externalReferences: {} as never }, ErrorCode.INVALID, ['externalReferences']],
  ])('refuses %s and changes nothing', async (_label, input, code, fields) => {
    const { actor } = await newStore(t.runtime);
    await create(actor, { firstName: 'Bob', email: 'bob@example.com', phone: '987654' });
    const customer = await create(actor, { firstName: 'Ada', email: 'ada@example.com', metadata: { tier: 'gold' } });
    const before = await storeSnapshot(deps().db, actor.storeId);
    await expectDomainError(updateCustomer(deps(), actor, customer.id, input), code, fields);
    expect(await storeSnapshot(deps().db, actor.storeId)).toEqual(before);
  });

  it('merges metadata key by key (shallow)', async () => {
    const { actor } = await newStore(t.runtime);
    const customer = await create(actor, { firstName: 'Ada', email: 'ada@example.com', metadata: { tier: 'gold', prefs: { milk: 'oat', sugar: 1 }, visits: 3 } });
    const updated = await updateCustomer(deps(), actor, customer.id, { metadata: { tier: 'silver', prefs: { milk: 'none' }, note: null } });
    expect(updated.metadata).toEqual({ tier: 'silver', prefs: { milk: 'none' }, visits: 3, note: null });
    expect((await updateCustomer(deps(), actor, customer.id, { firstName: 'Ada' })).metadata).toEqual(updated.metadata);
  });

  it('upserts external references by source and external id', async () => {
    const { actor } = await newStore(t.runtime);
    const customer = await create(actor, {
      firstName: 'Ada',
      email: 'ada@example.com',
      externalReferences: [{ source: 'square', externalId: 'SQ-1', metadata: { v: 1 } }],
    });
    await updateCustomer(deps(), actor, customer.id, {
      externalReferences: [
        { source: 'square', externalId: 'SQ-1', metadata: { v: 2 } },
        { source: 'shopify', externalId: 'SH-9' },
      ],
    });
    // Repeating the same references is safe.
    await updateCustomer(deps(), actor, customer.id, { externalReferences: [{ source: 'shopify', externalId: 'SH-9' }] });
    expect(await references(customer.id)).toEqual([
      { source: 'square', externalId: 'SQ-1', metadata: { v: 2 } },
      { source: 'shopify', externalId: 'SH-9', metadata: {} },
    ]);
  });

  it("refuses a reference linked to another customer and keeps both customers' data", async () => {
    const { actor } = await newStore(t.runtime);
    await create(actor, { firstName: 'Bob', email: 'bob@example.com', externalReferences: [{ source: 'square', externalId: 'BOB' }] });
    const ada = await create(actor, { firstName: 'Ada', email: 'ada@example.com' });
    const before = await storeSnapshot(deps().db, actor.storeId);
    await expectDomainError(
      updateCustomer(deps(), actor, ada.id, {
        firstName: 'Changed',
        externalReferences: [
          { source: 'shopify', externalId: 'NEW' },
          { source: 'square', externalId: 'BOB' },
        ],
      }),
      ErrorCode.TAKEN,
      ['externalReferences'],
    );
    expect(await storeSnapshot(deps().db, actor.storeId)).toEqual(before);
  });

  it("treats another store's customer, and impossible ids, as not found", async () => {
    const a = await newStore(t.runtime);
    const b = await newStore(t.runtime);
    const customer = await create(a.actor, { firstName: 'Ada', email: 'ada@example.com' });
    for (const id of [customer.id, 0, Number.NaN, 2 ** 31]) {
      await expectDomainError(updateCustomer(deps(), b.actor, id, { firstName: 'Mine' }), ErrorCode.NOT_FOUND);
      await expectDomainError(getCustomer(deps(), b.actor, id), ErrorCode.NOT_FOUND);
    }
    expect(await getCustomer(deps(), a.actor, customer.id)).toEqual(customer);
  });
});

describe('listCustomers', () => {
  async function seedPeople(actor: Actor) {
    const ada = await create(actor, {
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.com',
      phone: '+44 20 7946 0000',
      externalReferences: [{ source: 'square', externalId: 'SQ-ADA' }],
    });
    const grace = await create(actor, {
      firstName: 'Grace',
      lastName: 'Hopper',
      email: 'grace@navy.example',
      externalReferences: [{ source: 'shopify', externalId: 'SH-GRACE' }],
    });
    const alan = await create(actor, { firstName: 'Alan', lastName: 'Turing', phone: '0161 496 0000' });
    return { ada, grace, alan };
  }

  const ids = (page: { customers: { id: number }[] }) => page.customers.map((c) => c.id);

  it('matches part of the name, email or phone, ignoring case and phone formatting', async () => {
    const { actor } = await newStore(t.runtime);
    const { ada, grace, alan } = await seedPeople(actor);
    expect(ids(await listCustomers(deps(), actor, { search: 'LOVE' }))).toEqual([ada.id]);
    expect(ids(await listCustomers(deps(), actor, { search: 'ada lovelace' }))).toEqual([ada.id]);
    expect(ids(await listCustomers(deps(), actor, { search: 'NAVY.example' }))).toEqual([grace.id]);
    expect(ids(await listCustomers(deps(), actor, { search: '7946 0000' }))).toEqual([ada.id]);
    expect(ids(await listCustomers(deps(), actor, { search: '(0161) 496-0000' }))).toEqual([alan.id]);
    expect(ids(await listCustomers(deps(), actor, { search: 'a' }))).toEqual([ada.id, grace.id, alan.id]);
    expect(ids(await listCustomers(deps(), actor, { search: '  ' }))).toEqual([ada.id, grace.id, alan.id]);
    expect(ids(await listCustomers(deps(), actor, { search: 'nobody' }))).toEqual([]);
  });

  it('treats %, _ and \\ in a search as plain characters', async () => {
    const { actor } = await newStore(t.runtime);
    await seedPeople(actor);
    await create(actor, { firstName: 'Underxscore', email: 'underxscore@example.com' });
    const under = await create(actor, { firstName: 'Under', email: 'under_score@example.com' });
    const slash = await create(actor, { firstName: 'Back\\slash', phone: '555555' });
    const percent = await create(actor, { firstName: '100% Ada', phone: '666666' });
    expect(ids(await listCustomers(deps(), actor, { search: '_' }))).toEqual([under.id]);
    expect(ids(await listCustomers(deps(), actor, { search: 'UNDER_SC' }))).toEqual([under.id]);
    expect(ids(await listCustomers(deps(), actor, { search: '%' }))).toEqual([percent.id]);
    expect(ids(await listCustomers(deps(), actor, { search: '0% a' }))).toEqual([percent.id]);
    expect(ids(await listCustomers(deps(), actor, { search: 'k\\s' }))).toEqual([slash.id]);
    expect(ids(await listCustomers(deps(), actor, { search: '%_%' }))).toEqual([]);
    const paged = await listCustomers(deps(), actor, { search: '_', items: 1, page: 1 });
    expect({ count: paged.count, pages: paged.pages, customers: ids(paged) }).toEqual({ count: 1, pages: 1, customers: [under.id] });
  });

  it('finds a customer by the exact code of one of its customer cards, or an external id', async () => {
    const { actor } = await newStore(t.runtime);
    const { ada, grace } = await seedPeople(actor);
    const { card } = await seedCard(deps(), actor);
    const { customer, customerCard } = await createCustomer(deps(), actor, { firstName: 'Carded', email: 'carded@example.com' }, { cardId: card.id });
    expect(ids(await listCustomers(deps(), actor, { search: customerCard!.uuid }))).toEqual([customer.id]);
    expect(ids(await listCustomers(deps(), actor, { search: 'SQ-ADA' }))).toEqual([ada.id]);
    expect(ids(await listCustomers(deps(), actor, { search: 'SH-GRACE' }))).toEqual([grace.id]);
  });

  it('looks one customer up by source and external id, or all of a source', async () => {
    const { actor } = await newStore(t.runtime);
    const { ada, grace } = await seedPeople(actor);
    expect(ids(await listCustomers(deps(), actor, { source: 'square', externalId: 'SQ-ADA' }))).toEqual([ada.id]);
    expect(ids(await listCustomers(deps(), actor, { source: 'shopify', externalId: 'SQ-ADA' }))).toEqual([]);
    expect(ids(await listCustomers(deps(), actor, { source: 'shopify' }))).toEqual([grace.id]);
    await expectDomainError(listCustomers(deps(), actor, { externalId: 'SQ-ADA' }), ErrorCode.INVALID, ['externalId']);
  });

  it('paginates with count, items, page and pages', async () => {
    const { actor } = await newStore(t.runtime);
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await create(actor, { firstName: `P${i}`, email: `p${i}@example.com` }));
    const first = await listCustomers(deps(), actor, { items: 2 });
    expect({ ...first, customers: ids(first) }).toEqual({ customers: [made[0]!.id, made[1]!.id], count: 5, page: 1, items: 2, pages: 3 });
    const last = await listCustomers(deps(), actor, { items: 2, page: 3 });
    expect({ ...last, customers: ids(last) }).toEqual({ customers: [made[4]!.id], count: 5, page: 3, items: 2, pages: 3 });
    const beyond = await listCustomers(deps(), actor, { items: 2, page: 4 });
    expect({ ...beyond, customers: ids(beyond) }).toEqual({ customers: [], count: 5, page: 4, items: 2, pages: 3 });
    const filtered = await listCustomers(deps(), actor, { search: 'p1', items: 1 });
    expect({ count: filtered.count, pages: filtered.pages }).toEqual({ count: 1, pages: 1 });
    expect(await listCustomers(deps(), actor, { search: 'nobody' })).toEqual({ customers: [], count: 0, page: 1, items: 20, pages: 0 });
  });

  it.each([
    [{ page: 0 }, ['page']],
    [{ page: 1.5 }, ['page']],
    [{ items: 0 }, ['items']],
    [{ items: 101 }, ['items']],
    [{ page: -1, items: 500 }, ['page', 'items']],
  ])('refuses %j', async (query, fields) => {
    const { actor } = await newStore(t.runtime);
    await expectDomainError(listCustomers(deps(), actor, query), ErrorCode.INVALID, fields);
  });

  it("never lists another store's customers, whatever the search", async () => {
    const a = await newStore(t.runtime);
    const b = await newStore(t.runtime);
    await seedPeople(a.actor);
    expect(await listCustomers(deps(), b.actor, {})).toMatchObject({ customers: [], count: 0 });
    expect((await listCustomers(deps(), b.actor, { search: 'ada' })).count).toBe(0);
    expect((await listCustomers(deps(), b.actor, { search: 'SQ-ADA' })).count).toBe(0);
    expect((await listCustomers(deps(), b.actor, { source: 'square', externalId: 'SQ-ADA' })).count).toBe(0);
  });
});
