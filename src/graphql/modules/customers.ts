import { createCustomer, type CustomerInput, enrolCustomer, updateCustomer } from '../../domain/customers/customer.service.ts';
import { ownedBy } from '../../domain/visibility.ts';
import { builder, type InputFieldBuilder } from '../builder.ts';
import { connectionOf } from '../connections.ts';
import { UserError, unknownId } from '../errors.ts';
import { type Payload, reread, userErrorsFrom } from '../payloads.ts';
import { databaseIdOf } from '../global-ids.ts';
import { domainInput } from '../inputs.ts';
import { CustomerCardConnection, customerCardListArgs, customerCardListQuery } from './customer-cards.ts';

export const ExternalReferenceObject = builder.prismaObject('ExternalReference', {
  description: "A customer's id in another system (a POS, a shop); unique per store and source.",
  fields: (t) => ({
    source: t.exposeString('source', { description: 'Slug of the other system, e.g. `square`.' }),
    externalId: t.exposeString('externalId', { description: "The customer's id in that system." }),
    metadata: t.expose('metadata', { type: 'JSONObject', description: 'Free-form data about the link.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the link was made.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the link was last changed.' }),
  }),
});

export const CustomerNode = builder.prismaNode('Customer', {
  description: "A person taking part in the store's programme. Email and phone are unique within the store.",
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id: Number(id), ...ownedBy(ctx.actor) }),
  nullable: true,
  fields: (t) => ({
    databaseId: t.exposeInt('id', { description: 'The REST id.' }),
    accountId: t.exposeInt('storeId', { description: 'REST id of the store.' }),
    firstName: t.exposeString('firstName', { description: 'First name.' }),
    lastName: t.exposeString('lastName', { nullable: true, description: 'Last name.' }),
    email: t.exposeString('email', { nullable: true, description: 'Email, lower-cased.' }),
    phone: t.exposeString('phone', { nullable: true, description: 'Phone, digits with an optional leading +.' }),
    birthday: t.expose('birthday', { type: 'LocalDate', nullable: true, description: 'Birthday, `YYYY-MM-DD`.' }),
    stampCount: t.int({
      description: "Stamps the customer holds across all its cards.",
      resolve: (customer, _args, ctx) => ctx.loaders.stampCountByCustomer.load(customer.id),
    }),
    metadata: t.expose('metadata', { type: 'JSONObject', description: 'Free-form data; updates merge into it key by key.' }),
    externalReferences: t.relation('externalReferences', {
      description: "The customer's ids in other systems.",
      query: { orderBy: { id: 'asc' } },
    }),
    customerCards: t.relatedConnection('customerCards', {
      description: "The customer's cards, oldest first unless `orderBy` says otherwise.",
      cursor: 'id',
      totalCount: true,
      args: customerCardListArgs(t.arg),
      query: customerCardListQuery,
    }, CustomerCardConnection),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the customer was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the customer was last changed.' }),
  }),
});

export const CustomerConnection = connectionOf(CustomerNode, 'Customer', 'customers');

const ExternalReferenceInput = builder.inputType('ExternalReferenceInput', {
  description: 'A link to another system; an existing link (same source and external id) is updated, not duplicated.',
  fields: (t) => ({
    source: t.string({ required: true, description: 'Slug of the other system: lowercase letters, digits, `-` or `_`.' }),
    externalId: t.string({ required: true, description: "The customer's id there, 1 to 255 characters." }),
    metadata: t.field({ type: 'JSONObject', description: 'Free-form data about the link.' }),
  }),
});

const customerDetails = (t: InputFieldBuilder) => ({
  lastName: t.string({ description: 'Last name, up to 100 characters.' }),
  email: t.string({ description: 'Email, unique in the store. A customer needs an email or a phone.' }),
  phone: t.string({ description: 'Phone, unique in the store; spaces, dashes and brackets are ignored.' }),
  birthday: t.string({ description: 'Birthday, `YYYY-MM-DD`, not in the future.' }),
  metadata: t.field({ type: 'JSONObject', description: 'Free-form data; on update it merges into the existing data key by key.' }),
  externalReferences: t.field({
    type: [ExternalReferenceInput],
    description: 'Links to other systems (at most 20), upserted by source and external id.',
  }),
});

const CreateCustomerInput = builder.inputType('CreateCustomerInput', {
  description: 'A new customer, optionally enrolled on a card at once.',
  fields: (t) => ({
    firstName: t.string({ required: true, description: 'First name, up to 100 characters.' }),
    ...customerDetails(t),
    cardId: t.id({ description: "Global id of a card to enrol the customer on; the card's initial stamps are given as a welcome bonus." }),
    idempotencyKey: t.string({ description: 'Makes a retry return the first result instead of failing on the taken email.' }),
  }),
});

const UpdateCustomerInput = builder.inputType('UpdateCustomerInput', {
  description: 'Changes to a customer; omitted fields stay as they are.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'Global id of the customer.' }),
    firstName: t.string({ description: 'First name, up to 100 characters.' }),
    ...customerDetails(t),
  }),
});

const EnrolCustomerInput = builder.inputType('EnrolCustomerInput', {
  description: 'Enrols an existing customer on a card.',
  fields: (t) => ({
    customerId: t.id({ required: true, description: 'Global id of the customer.' }),
    cardId: t.id({ required: true, description: 'Global id of the card; it must not be archived.' }),
    idempotencyKey: t.string({ description: 'Makes a retry return the first result instead of ALREADY_ENROLLED.' }),
  }),
});

const userErrorsField = { description: 'Why the input was refused; empty on success.' };

const CreateCustomerPayload = builder
  .objectRef<Payload<{ customerId: number; customerCardId: number | undefined }>>('CreateCustomerPayload')
  .implement({
    description: 'Result of `createCustomer`.',
    fields: (t) => ({
      customer: t.prismaField({
        type: 'Customer',
        nullable: true,
        description: 'The new customer; null when the input was refused.',
        resolve: (query, p, _args, ctx) =>
          reread(query, p.customerId, (args) => ctx.deps.db.customer.findUnique(args)),
      }),
      customerCard: t.prismaField({
        type: 'CustomerCard',
        nullable: true,
        description: 'The customer card issued when `cardId` was given.',
        resolve: (query, p, _args, ctx) =>
          reread(query, p.customerCardId, (args) => ctx.deps.db.customerCard.findUnique(args)),
      }),
      store: t.prismaField({
        type: 'Store',
        nullable: true,
        description: 'The store as it is now (its `customers` included), so cached lists update; null when the input was refused.',
        resolve: (query, p, _args, ctx) =>
          reread(query, p.customerId && ctx.actor.storeId, (args) => ctx.deps.db.store.findUnique(args)),
      }),
      userErrors: t.field({ type: [UserError], ...userErrorsField, resolve: (p) => p.userErrors }),
    }),
  });

const UpdateCustomerPayload = builder.objectRef<Payload<{ customerId: number }>>('UpdateCustomerPayload').implement({
  description: 'Result of `updateCustomer`.',
  fields: (t) => ({
    customer: t.prismaField({
      type: 'Customer',
      nullable: true,
      description: 'The customer as it is now; null when the input was refused.',
      resolve: (query, p, _args, ctx) =>
        reread(query, p.customerId, (args) => ctx.deps.db.customer.findUnique(args)),
    }),
    userErrors: t.field({ type: [UserError], ...userErrorsField, resolve: (p) => p.userErrors }),
  }),
});

const EnrolCustomerPayload = builder.objectRef<Payload<{ customerCardId: number; customerId: number }>>('EnrolCustomerPayload').implement({
  description: 'Result of `enrolCustomer`.',
  fields: (t) => ({
    customer: t.prismaField({
      type: 'Customer',
      nullable: true,
      description: 'The customer as it is now (its `customerCards` included); null when the input was refused.',
      resolve: (query, p, _args, ctx) => reread(query, p.customerId, (args) => ctx.deps.db.customer.findUnique(args)),
    }),
    customerCard: t.prismaField({
      type: 'CustomerCard',
      nullable: true,
      description: 'The new customer card; null when the input was refused.',
      resolve: (query, p, _args, ctx) =>
        reread(query, p.customerCardId, (args) => ctx.deps.db.customerCard.findUnique(args)),
    }),
    userErrors: t.field({ type: [UserError], ...userErrorsField, resolve: (p) => p.userErrors }),
  }),
});

/** Customer details as the services take them; a reference's null metadata means "none given". */
function detailsFrom(input: {
  externalReferences?: { source: string; externalId: string; metadata?: Record<string, unknown> | null }[] | null;
}): CustomerInput {
  const { externalReferences, ...details } = input;
  return domainInput<CustomerInput>({
    ...details,
    externalReferences: externalReferences?.map((ref) => ({ ...ref, metadata: ref.metadata ?? undefined })),
  });
}

function idFrom(typename: 'Card' | 'Customer', globalId: string | number, field: string): number {
  const id = databaseIdOf(typename, String(globalId));
  if (id === undefined) throw unknownId(typename, field);
  return id;
}

builder.mutationField('createCustomer', (t) =>
  t.field({
    nullable: true,
    type: CreateCustomerPayload,
    description: 'Creates a customer, optionally enrolled on a card (REST `POST /customers`).',
    args: { input: t.arg({ type: CreateCustomerInput, required: true, description: 'The new customer.' }) },
    resolve: (_root, { input }, ctx) =>
      userErrorsFrom(
        async () => {
          const { cardId, idempotencyKey, ...details } = input;
          const created = await createCustomer(ctx.deps, ctx.actor, detailsFrom(details), {
            cardId: cardId == null ? undefined : idFrom('Card', cardId, 'cardId'),
            idempotencyKey,
          });
          return { customerId: created.customer.id, customerCardId: created.customerCard?.id };
        },
        { Card: 'cardId' },
      ),
  }),
);

builder.mutationField('updateCustomer', (t) =>
  t.field({
    nullable: true,
    type: UpdateCustomerPayload,
    description: 'Changes a customer (REST `PATCH /customers/:id`). Stamps change through addStamps and redeemReward.',
    args: { input: t.arg({ type: UpdateCustomerInput, required: true, description: 'The customer and what to change.' }) },
    resolve: (_root, { input }, ctx) =>
      userErrorsFrom(
        async () => {
          const { id, ...details } = input;
          const customer = await updateCustomer(ctx.deps, ctx.actor, idFrom('Customer', id, 'id'), detailsFrom(details));
          return { customerId: customer.id };
        },
        { Customer: 'id' },
      ),
  }),
);

builder.mutationField('enrolCustomer', (t) =>
  t.field({
    nullable: true,
    type: EnrolCustomerPayload,
    description: "Enrols an existing customer on another card of the store, with the card's initial stamps.",
    args: { input: t.arg({ type: EnrolCustomerInput, required: true, description: 'The customer and the card.' }) },
    resolve: (_root, { input }, ctx) =>
      userErrorsFrom(
        async () => {
          const customerId = idFrom('Customer', input.customerId, 'customerId');
          const cardId = idFrom('Card', input.cardId, 'cardId');
          const customerCard = await enrolCustomer(ctx.deps, ctx.actor, customerId, cardId, input.idempotencyKey);
          return { customerCardId: customerCard.id, customerId: customerCard.customerId };
        },
        { Customer: 'customerId', Card: 'cardId' },
      ),
  }),
);
