import { CardScope, cardScopeWhere } from '../../domain/cards/card.service.ts';
import { customerSearchWhere } from '../../domain/customers/customer-search.ts';
import { displayStoreName, updateStore } from '../../domain/stores/store.service.ts';
import { ownStore } from '../../domain/visibility.ts';
import { isCardUuid } from '../../domain/wallet/pass-card.service.ts';
import { builder } from '../builder.ts';
import { UserError, unknownId } from '../errors.ts';
import { type Payload, reread, userErrorsFrom } from '../payloads.ts';
import { domainInput } from '../inputs.ts';
import { databaseIdOf } from '../global-ids.ts';
import { CardConnection } from './cards.ts';
import { CustomerCardConnection, customerCardListArgs, customerCardListQuery } from './customer-cards.ts';
import { CustomerOrderInput, customerOrderBy } from '../list-order.ts';
import { CustomerConnection } from './customers.ts';
import { RewardConnection } from './rewards.ts';

export const CardScopeEnum = builder.enumType('CardScope', {
  description: 'Which cards a listing returns.',
  values: {
    ACTIVE: { value: CardScope.ACTIVE, description: 'Cards that are not archived (the default).' },
    ARCHIVED: { value: CardScope.ARCHIVED, description: 'Archived cards only.' },
    ALL: { value: CardScope.ALL, description: 'Every card.' },
  } as const,
});

const ExternalReferenceFilter = builder.inputType('ExternalReferenceFilter', {
  description: "Finds customers by their id in another system (a POS, a shop).",
  fields: (t) => ({
    source: t.string({ required: true, description: 'Slug of the other system, e.g. `square`.' }),
    externalId: t.string({ description: 'The customer\'s id there; when given, at most one customer matches.' }),
  }),
});

export const StoreNode = builder.prismaNode('Store', {
  description: 'A shop: the tenant that owns cards, customers and everything below them. REST calls it an account.',
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id: Number(id), AND: [ownStore(ctx.actor)] }),
  nullable: true,
  fields: (t) => ({
    databaseId: t.exposeInt('id', { description: 'The REST id (`account_id`).' }),
    name: t.exposeString('name', { description: 'Internal account name.' }),
    storeName: t.exposeString('storeName', { nullable: true, description: 'Public name shown to customers, when set.' }),
    displayStoreName: t.string({
      description: 'The name customers see: `storeName` when set, else `name`.',
      resolve: (store) => displayStoreName(store),
    }),
    personal: t.exposeBoolean('personal', { description: "True for a user's personal account." }),
    timeZone: t.exposeString('timeZone', {
      description: "IANA time zone of the store (default `UTC`): the days of cards' `maxStampsPerDay` begin at its midnight.",
    }),
    cardsCount: t.relationCount('cards', { description: 'Number of cards, archived ones included.' }),
    customersCount: t.relationCount('customers', { description: 'Number of customers.' }),
    locationsCount: t.relationCount('locations', { description: 'Number of locations.' }),
    postersCount: t.relationCount('posters', { description: 'Number of sign-up posters.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the store was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the store was last changed.' }),

    card: t.prismaField({
      type: 'Card',
      nullable: true,
      description: 'A card of this store by its REST id; null when the store has no such card.',
      args: { databaseId: t.arg.int({ required: true, description: 'The REST id of the card.' }) },
      resolve: (query, store, { databaseId }, ctx) =>
        ctx.deps.db.card.findFirst({ ...query, where: { id: databaseId, storeId: store.id } }),
    }),
    reward: t.prismaField({
      type: 'Reward',
      nullable: true,
      description: 'A reward of this store by its REST id; null when the store has no such reward.',
      args: { databaseId: t.arg.int({ required: true, description: 'The REST id of the reward.' }) },
      resolve: (query, store, { databaseId }, ctx) =>
        ctx.deps.db.reward.findFirst({ ...query, where: { id: databaseId, storeId: store.id } }),
    }),
    customer: t.prismaField({
      type: 'Customer',
      nullable: true,
      description: 'A customer of this store by its REST id; null when the store has no such customer.',
      args: { databaseId: t.arg.int({ required: true, description: 'The REST id of the customer.' }) },
      resolve: (query, store, { databaseId }, ctx) =>
        ctx.deps.db.customer.findFirst({ ...query, where: { id: databaseId, storeId: store.id } }),
    }),
    customerCard: t.prismaField({
      type: 'CustomerCard',
      nullable: true,
      description: 'A customer card of this store by its REST id; null when the store has no such customer card.',
      args: { databaseId: t.arg.int({ required: true, description: 'The REST id of the customer card.' }) },
      resolve: (query, store, { databaseId }, ctx) =>
        ctx.deps.db.customerCard.findFirst({ ...query, where: { id: databaseId, storeId: store.id } }),
    }),
    customerCardByUuid: t.prismaField({
      type: 'CustomerCard',
      nullable: true,
      description: 'A customer card of this store by the code on its pass (its `uuid`, what a till scans).',
      args: { uuid: t.arg.string({ required: true, description: 'The `uuid` of the customer card.' }) },
      // Anything but a uuid names no card (and NUL would make PostgreSQL refuse the query).
      resolve: (query, store, { uuid }, ctx) =>
        isCardUuid(uuid) ? ctx.deps.db.customerCard.findFirst({ ...query, where: { uuid: uuid.toLowerCase(), storeId: store.id } }) : null,
    }),

    cards: t.relatedConnection('cards', {
      description: 'The cards of the store, oldest first.',
      cursor: 'id',
      totalCount: true,
      args: {
        scope: t.arg({
          type: CardScopeEnum,
          required: true,
          defaultValue: CardScope.ACTIVE,
          description: 'Which cards to list: not archived (default), archived, or all.',
        }),
      },
      query: ({ scope }) => ({ where: cardScopeWhere(scope), orderBy: { id: 'asc' } }),
    }, CardConnection),
    customers: t.relatedConnection('customers', {
      description: 'The customers of the store, oldest first unless `orderBy` says otherwise, optionally filtered.',
      cursor: 'id',
      totalCount: true,
      args: {
        search: t.arg.string({
          description:
            'Part of a name, email or phone (case-insensitive), or exactly a customer card code (`uuid`) or an external id.',
        }),
        externalReference: t.arg({ type: ExternalReferenceFilter, description: "Only customers linked to this record of another system." }),
        orderBy: t.arg({ type: CustomerOrderInput, description: 'Sort order; creation order (oldest first) when omitted.' }),
      },
      query: ({ search, externalReference, orderBy }) => ({
        where: customerSearchWhere({ search, source: externalReference?.source, externalId: externalReference?.externalId }),
        orderBy: customerOrderBy(orderBy),
      }),
    }, CustomerConnection),
    rewards: t.relatedConnection('rewards', {
      description: 'The rewards of all cards of the store, by card then position.',
      cursor: 'id',
      totalCount: true,
      args: {
        active: t.arg.boolean({ description: 'true: only active rewards; false: only inactive ones; omitted: all.' }),
      },
      query: ({ active }) => ({
        where: active == null ? {} : { active },
        orderBy: [{ cardId: 'asc' }, { position: 'asc' }, { id: 'asc' }],
      }),
    }, RewardConnection),
    customerCards: t.relatedConnection('customerCards', {
      description: 'Every customer card of the store, oldest first unless `orderBy` says otherwise.',
      cursor: 'id',
      totalCount: true,
      args: customerCardListArgs(t.arg),
      query: customerCardListQuery,
    }, CustomerCardConnection),
  }),
});

builder.queryField('store', (t) =>
  t.prismaField({
    type: 'Store',
    description: 'The store of the bearer token: the root of everything it may see.',
    resolve: (query, _root, _args, ctx) =>
      ctx.deps.db.store.findUniqueOrThrow({ ...query, where: ownStore(ctx.actor) }),
  }),
);

const UpdateStoreInput = builder.inputType('UpdateStoreInput', {
  description: 'Changes to the store; omitted fields stay as they are.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'Global id of the store (the caller\'s own).' }),
    name: t.string({ description: 'Internal account name.' }),
    storeName: t.string({ description: 'Public name shown to customers; null clears it.' }),
    timeZone: t.string({ description: 'IANA time zone name, e.g. `Europe/Berlin` or `UTC`.' }),
  }),
});

const UpdateStorePayload = builder.objectRef<Payload<{ storeId: number }>>('UpdateStorePayload').implement({
  description: 'Result of `updateStore`.',
  fields: (t) => ({
    store: t.prismaField({
      type: 'Store',
      nullable: true,
      description: 'The store as it is now; null when the input was refused.',
      resolve: (query, payload, _args, ctx) =>
        reread(query, payload.storeId, (args) => ctx.deps.db.store.findUnique(args)),
    }),
    userErrors: t.field({ type: [UserError], description: 'Why the input was refused; empty on success.', resolve: (p) => p.userErrors }),
  }),
});

builder.mutationField('updateStore', (t) =>
  t.field({
    nullable: true,
    type: UpdateStorePayload,
    description: 'Renames the store or changes its time zone (REST `PATCH /accounts/:id`).',
    args: { input: t.arg({ type: UpdateStoreInput, required: true, description: 'What to change.' }) },
    resolve: (_root, { input }, ctx) =>
      userErrorsFrom(
        async () => {
          const id = databaseIdOf('Store', String(input.id));
          if (id === undefined) throw unknownId('Store', 'id');
          const store = await updateStore(ctx.deps, ctx.actor, id, domainInput({ name: input.name, storeName: input.storeName, timeZone: input.timeZone }));
          return { storeId: store.id };
        },
        { Store: 'id' },
      ),
  }),
);
