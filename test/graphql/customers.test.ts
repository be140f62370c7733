import { describe, expect, it } from 'vitest';
import { setCardArchived } from '../../src/domain/cards/card.service.ts';
import { createCustomer } from '../../src/domain/customers/customer.service.ts';
import { globalIdOf } from '../../src/graphql/global-ids.ts';
import { seedCard } from '../helpers/factories.ts';
import { graphqlClient } from '../helpers/graphql.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';

const t = useServer();
const api = graphqlClient(t);
const deps = () => t.runtime.deps;

const CUSTOMER = `id databaseId accountId firstName lastName email phone birthday stampCount metadata
  externalReferences { source externalId metadata }
  customerCards(first: 5) { totalCount edges { node { databaseId cardName stampsCount } } }`;
const CREATE = `mutation($input: CreateCustomerInput!) {
  createCustomer(input: $input) {
    customer { ${CUSTOMER} }
    customerCard { databaseId stampsCount ledgerEntries { edges { node { kind delta source } } } }
    userErrors { field message code }
  }
}`;
const UPDATE = `mutation($input: UpdateCustomerInput!) { updateCustomer(input: $input) { customer { ${CUSTOMER} } userErrors { field message code } } }`;
const ENROL = `mutation($input: EnrolCustomerInput!) {
  enrolCustomer(input: $input) { customerCard { databaseId cardId customerId stampsCount status } userErrors { field message code } }
}`;

describe('createCustomer', () => {
  it('creates a customer with normalised contact details and external references', async () => {
    const { token, actor } = await newStore(t.runtime);
    const data = await api.data(token, CREATE, {
      input: {
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: ' Ada@Example.COM ',
        phone: '+44 (20) 7946-0000',
        birthday: '1815-12-10',
        metadata: { tier: 'gold' },
        externalReferences: [{ source: 'square', externalId: 'SQ-1', metadata: { since: 2020 } }, { source: 'shopify', externalId: '77' }],
      },
    });
    expect(data.createCustomer.userErrors).toEqual([]);
    expect(data.createCustomer.customerCard).toBeNull();
    expect(data.createCustomer.customer).toMatchObject({
      accountId: actor.storeId,
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.com',
      phone: '+442079460000',
      birthday: '1815-12-10',
      stampCount: 0,
      metadata: { tier: 'gold' },
      externalReferences: [
        { source: 'square', externalId: 'SQ-1', metadata: { since: 2020 } },
        { source: 'shopify', externalId: '77', metadata: {} },
      ],
      customerCards: { totalCount: 0, edges: [] },
    });
  });

  it("enrols on cardId with the card's initial stamps as a GRAPHQL welcome entry", async () => {
    const { token, actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor, { name: 'Coffee', stampsRequired: 10, initialStamps: 2 });
    const data = await api.data(token, CREATE, {
      input: { firstName: 'Bo', phone: '5551234567', cardId: globalIdOf('Card', card.id) },
    });
    expect(data.createCustomer.customerCard).toMatchObject({
      stampsCount: 2,
      ledgerEntries: { edges: [{ node: { kind: 'WELCOME', delta: 2, source: 'GRAPHQL' } }] },
    });
    expect(data.createCustomer.customer).toMatchObject({
      stampCount: 2,
      customerCards: { totalCount: 1, edges: [{ node: { cardName: 'Coffee', stampsCount: 2 } }] },
    });
  });

  it('refuses a customer without email or phone, and bad details, as INVALID', async () => {
    const { token, actor } = await newStore(t.runtime);
    const data = await api.data(token, CREATE, { input: { firstName: 'Cy', birthday: '2999-01-01' } });
    expect(data.createCustomer.customer).toBeNull();
    expect(data.createCustomer.userErrors).toEqual([
      { field: ['input'], message: 'an email or a phone is required', code: 'INVALID' },
      { field: ['input', 'birthday'], message: 'cannot be in the future', code: 'INVALID' },
    ]);
    expect(await deps().db.customer.count({ where: { storeId: actor.storeId } })).toBe(0);
  });

  it('refuses an email already used in the store with TAKEN', async () => {
    const { token, actor } = await newStore(t.runtime);
    await createCustomer(deps(), actor, { firstName: 'Di', email: 'di@example.com' });
    const data = await api.data(token, CREATE, { input: { firstName: 'Di2', email: 'DI@example.com' } });
    expect(data.createCustomer.userErrors).toEqual([{ field: ['input', 'email'], message: 'has already been taken', code: 'TAKEN' }]);
  });

  it('refuses an archived card with CARD_ARCHIVED and an unknown card with NOT_FOUND, creating nobody', async () => {
    const { token, actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor);
    await setCardArchived(deps(), actor, card.id, true);
    const archived = await api.data(token, CREATE, { input: { firstName: 'Ed', email: 'ed@example.com', cardId: globalIdOf('Card', card.id) } });
    expect(archived.createCustomer.userErrors).toEqual([{ field: ['input', 'cardId'], message: 'is archived', code: 'CARD_ARCHIVED' }]);
    const unknown = await api.data(token, CREATE, { input: { firstName: 'Ed', email: 'ed@example.com', cardId: globalIdOf('Customer', 1) } });
    expect(unknown.createCustomer.userErrors).toEqual([{ field: ['input', 'cardId'], message: 'Card not found', code: 'NOT_FOUND' }]);
    expect(await deps().db.customer.count({ where: { storeId: actor.storeId } })).toBe(0);
  });

  it('creates once for a repeated idempotency key', async () => {
    const { token, actor } = await newStore(t.runtime);
    const input = { firstName: 'Fay', email: 'fay@example.com', idempotencyKey: 'signup-1' };
    const first = await api.data(token, CREATE, { input });
    const again = await api.data(token, CREATE, { input });
    expect(again.createCustomer.userErrors).toEqual([]);
    expect(again.createCustomer.customer.id).toBe(first.createCustomer.customer.id);
    expect(await deps().db.customer.count({ where: { storeId: actor.storeId } })).toBe(1);
  });
});

describe('updateCustomer', () => {
  it('changes the given details, merges metadata and upserts references', async () => {
    const { token, actor } = await newStore(t.runtime);
    const { customer } = await createCustomer(deps(), actor, {
      firstName: 'Gus',
      email: 'gus@example.com',
      metadata: { a: 1, b: 2 },
      externalReferences: [{ source: 'square', externalId: 'G1' }],
    });
    const data = await api.data(token, UPDATE, {
      input: {
        id: globalIdOf('Customer', customer.id),
        lastName: 'Grant',
        metadata: { b: 3, c: 4 },
        externalReferences: [{ source: 'square', externalId: 'G1', metadata: { vip: true } }, { source: 'pos', externalId: 'P9' }],
      },
    });
    expect(data.updateCustomer.userErrors).toEqual([]);
    expect(data.updateCustomer.customer).toMatchObject({
      firstName: 'Gus',
      lastName: 'Grant',
      email: 'gus@example.com',
      metadata: { a: 1, b: 3, c: 4 },
      externalReferences: [
        { source: 'square', externalId: 'G1', metadata: { vip: true } },
        { source: 'pos', externalId: 'P9', metadata: {} },
      ],
    });
  });

  it('refuses removing both email and phone, and a reference linked to another customer', async () => {
    const { token, actor } = await newStore(t.runtime);
    await createCustomer(deps(), actor, { firstName: 'Hal', email: 'hal@example.com', externalReferences: [{ source: 'pos', externalId: 'H' }] });
    const { customer } = await createCustomer(deps(), actor, { firstName: 'Ida', email: 'ida@example.com' });
    const id = globalIdOf('Customer', customer.id);
    const cleared = await api.data(token, UPDATE, { input: { id, email: null } });
    expect(cleared.updateCustomer.userErrors).toEqual([{ field: ['input'], message: 'an email or a phone is required', code: 'INVALID' }]);
    const stolen = await api.data(token, UPDATE, { input: { id, externalReferences: [{ source: 'pos', externalId: 'H' }] } });
    expect(stolen.updateCustomer.userErrors).toEqual([
      { field: ['input', 'externalReferences'], message: 'pos H is linked to another customer', code: 'TAKEN' },
    ]);
  });

  it("answers NOT_FOUND on input.id for another store's customer", async () => {
    const { token } = await newStore(t.runtime);
    const other = await newStore(t.runtime);
    const { customer } = await createCustomer(deps(), other.actor, { firstName: 'Jo', email: 'jo@example.com' });
    const data = await api.data(token, UPDATE, { input: { id: globalIdOf('Customer', customer.id), firstName: 'X' } });
    expect(data.updateCustomer).toEqual({
      customer: null,
      userErrors: [{ field: ['input', 'id'], message: 'Customer not found', code: 'NOT_FOUND' }],
    });
  });
});

describe('enrolCustomer', () => {
  it('issues a customer card with the initial stamps, once', async () => {
    const { token, actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor, { initialStamps: 1 });
    const { customer } = await createCustomer(deps(), actor, { firstName: 'Kim', email: 'kim@example.com' });
    const input = { customerId: globalIdOf('Customer', customer.id), cardId: globalIdOf('Card', card.id) };
    const data = await api.data(token, ENROL, { input });
    expect(data.enrolCustomer).toMatchObject({
      customerCard: { cardId: card.id, customerId: customer.id, stampsCount: 1, status: 'ACTIVE' },
      userErrors: [],
    });
    const again = await api.data(token, ENROL, { input });
    expect(again.enrolCustomer).toEqual({
      customerCard: null,
      userErrors: [{ field: ['input', 'cardId'], message: 'is already enrolled', code: 'ALREADY_ENROLLED' }],
    });
  });

  it('answers NOT_FOUND on the id that names nothing', async () => {
    const { token, actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor);
    const { customer } = await createCustomer(deps(), actor, { firstName: 'Lu', email: 'lu@example.com' });
    const noCustomer = await api.data(token, ENROL, { input: { customerId: globalIdOf('Customer', 999_999), cardId: globalIdOf('Card', card.id) } });
    expect(noCustomer.enrolCustomer.userErrors).toEqual([
      { field: ['input', 'customerId'], message: 'Customer not found', code: 'NOT_FOUND' },
    ]);
    const noCard = await api.data(token, ENROL, { input: { customerId: globalIdOf('Customer', customer.id), cardId: globalIdOf('Card', 999_999) } });
    expect(noCard.enrolCustomer.userErrors).toEqual([{ field: ['input', 'cardId'], message: 'Card not found', code: 'NOT_FOUND' }]);
  });
});
