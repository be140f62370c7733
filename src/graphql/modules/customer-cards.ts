import { addStamps, redeemReward } from '../../domain/customer-cards/customer-card.service.ts';
import { MAX_CORRECTION_REASON_LENGTH, removeStamps } from '../../domain/customer-cards/stamp-correction.service.ts';
import {
  availableRewards,
  CustomerCardStatus,
  nextReward,
  progressPercentage,
  stampsRemaining,
  statusOf,
} from '../../domain/customer-cards/progress.rules.ts';
import { ownedBy } from '../../domain/visibility.ts';
import type { ArgBuilder } from '@pothos/core';
import { customerCardStatusWhere } from '../../domain/customer-cards/status-filter.ts';
import { cardPageUrl, walletUrls } from '../../links.ts';
import { Wallet } from '../../wallet/wallet.ts';
import { builder, type Types } from '../builder.ts';
import { CustomerCardOrderInput, customerCardOrderBy } from '../list-order.ts';
import { connectionOf } from '../connections.ts';
import { UserError, unknownId } from '../errors.ts';
import { type Payload, reread, userErrorsFrom } from '../payloads.ts';
import { databaseIdOf } from '../global-ids.ts';
import { LedgerEntryConnection, RedemptionConnection } from './ledger.ts';
import { RewardNode } from './rewards.ts';

export const CustomerCardStatusEnum = builder.enumType('CustomerCardStatus', {
  description: 'Where a customer card stands.',
  values: {
    ACTIVE: { value: CustomerCardStatus.ACTIVE, description: 'Collecting: fewer stamps than the card requires.' },
    COMPLETED: { value: CustomerCardStatus.COMPLETED, description: 'The stamps required are reached (extra stamps are kept).' },
    ARCHIVED: { value: CustomerCardStatus.ARCHIVED, description: 'Its card is archived: no more stamps.' },
  } as const,
});

// What status, stampsRemaining and progress need from the card, loaded with the customer card itself.
const cardTerms = { stampsCount: true, card: { select: { stampsRequired: true, archivedAt: true } } } as const;

export const CustomerCardNode = builder.prismaNode('CustomerCard', {
  description: "One customer's copy of a card: its stamps, its progress and its wallet pass.",
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id: Number(id), ...ownedBy(ctx.actor) }),
  nullable: true,
  fields: (t) => ({
    databaseId: t.exposeInt('id', { description: 'The REST id.' }),
    uuid: t.exposeString('uuid', { description: 'Public code of the card: in wallet pass URLs and on the pass barcode.' }),
    accountId: t.exposeInt('storeId', { description: 'REST id of the store.' }),
    customerId: t.exposeInt('customerId', { description: 'REST id of the customer.' }),
    cardId: t.exposeInt('cardId', { description: 'REST id of the card.' }),
    cardName: t.string({
      description: 'Name of the card.',
      select: { card: { select: { name: true } } },
      resolve: (customerCard) => customerCard.card.name,
    }),
    customer: t.relation('customer', { description: 'The customer holding the card.' }),
    card: t.relation('card', { description: 'The card this is a copy of.' }),
    stampsCount: t.exposeInt('stampsCount', {
      description: 'Stamps held now; always the sum of the ledger. May exceed the stamps required.',
    }),
    stampsRemaining: t.int({
      description: 'Stamps still needed to complete the card: max(0, stampsRequired − stampsCount).',
      select: cardTerms,
      resolve: (customerCard) => stampsRemaining(customerCard.stampsCount, customerCard.card),
    }),
    progressPercentage: t.float({
      description:
        'Progress toward the next active reward the stamps do not cover yet, 0–100 with two decimals; 100 when every active reward is covered.',
      select: cardTerms,
      resolve: async (customerCard, _args, ctx) =>
        progressPercentage(
          customerCard.stampsCount,
          customerCard.card,
          await ctx.loaders.activeRewardsByCard.load(customerCard.cardId),
        ),
    }),
    status: t.field({
      type: CustomerCardStatusEnum,
      description: 'ACTIVE while collecting, COMPLETED once the stamps required are reached, ARCHIVED when its card is archived.',
      select: cardTerms,
      resolve: (customerCard) => statusOf(customerCard.stampsCount, customerCard.card),
    }),
    availableRewards: t.field({
      type: [RewardNode],
      description: 'Active rewards the stamps held cover now, in display order.',
      resolve: async (customerCard, _args, ctx) =>
        availableRewards(customerCard.stampsCount, await ctx.loaders.activeRewardsByCard.load(customerCard.cardId)),
    }),
    nextReward: t.field({
      type: RewardNode,
      nullable: true,
      description: 'The cheapest active reward the stamps do not cover yet (the one `progressPercentage` measures); null when every active reward is covered.',
      resolve: async (customerCard, _args, ctx) =>
        nextReward(customerCard.stampsCount, await ctx.loaders.activeRewardsByCard.load(customerCard.cardId)) ?? null,
    }),
    passInstalled: t.exposeBoolean('passInstalled', { description: 'True while at least one device keeps the Apple Wallet pass.' }),
    appleWalletUrl: t.string({
      nullable: true,
      description:
        'Link that adds the pass to Apple Wallet (a signed .pkpass); null when this gateway cannot sign Apple passes. Without Apple certificates the passes are signed by a development signer: they verify, but no iPhone accepts them.',
      resolve: async (customerCard, _args, ctx) =>
        (await Wallet.of(ctx.runtime).apple()).on ? walletUrls(ctx.runtime.config, customerCard.uuid).apple : null,
    }),
    googleWalletUrl: t.string({
      nullable: true,
      description: 'Link that adds the pass to Google Wallet; null when Google Wallet is not configured on this gateway.',
      resolve: async (customerCard, _args, ctx) =>
        (await Wallet.of(ctx.runtime).google()).on ? walletUrls(ctx.runtime.config, customerCard.uuid).google : null,
    }),
    pageUrl: t.string({
      description:
        "The customer's own page of the card: its stamps, progress and rewards, updated live. Anyone with the link sees this card (and nothing else), as with the wallet links; it is printed on the back of the Apple pass.",
      resolve: (customerCard, _args, ctx) => cardPageUrl(ctx.runtime.config, customerCard.uuid),
    }),
    issuedAt: t.expose('issuedAt', { type: 'DateTime', description: 'When the card was issued to the customer.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the record was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the record was last changed.' }),
    ledgerEntries: t.relatedConnection('ledgerEntries', {
      description: 'Every change to the stamps (stamps, welcome bonus, redemptions), oldest first; use `last` for the latest.',
      cursor: 'id',
      totalCount: true,
      query: () => ({ orderBy: { id: 'asc' } }),
    }, LedgerEntryConnection),
    redemptions: t.relatedConnection('redemptions', {
      description: 'Rewards redeemed with this card, oldest first.',
      cursor: 'id',
      totalCount: true,
      query: () => ({ orderBy: { id: 'asc' } }),
    }, RedemptionConnection),
  }),
});

export const CustomerCardConnection = connectionOf(CustomerCardNode, 'CustomerCard', 'customer cards');

/** The filter and order every list of customer cards takes. */
export const customerCardListArgs = (arg: ArgBuilder<Types>) => ({
  status: arg({ type: CustomerCardStatusEnum, description: 'Only customer cards in this status.' }),
  orderBy: arg({ type: CustomerCardOrderInput, description: 'Sort order; issue order (oldest first) when omitted.' }),
});

export function customerCardListQuery(args: {
  status?: CustomerCardStatus | null;
  orderBy?: Parameters<typeof customerCardOrderBy>[0];
}) {
  return { where: args.status ? customerCardStatusWhere(args.status) : {}, orderBy: customerCardOrderBy(args.orderBy) };
}

const AddStampsInput = builder.inputType('AddStampsInput', {
  description: 'Stamps to add to a customer card (REST `POST …/customer_cards/:id/stamp`).',
  fields: (t) => ({
    customerCardId: t.id({ required: true, description: 'Global id of the customer card.' }),
    stamps: t.int({ required: true, description: "Number of stamps, 1 to the card's `stampsRequired`." }),
    skipNotifications: t.boolean({ description: 'When true, the wallet pass is updated without alerting the device.' }),
    idempotencyKey: t.string({
      description: 'A key of the till or client (1–255 characters); a repeat with the same key returns the first result and adds nothing.',
    }),
  }),
});

const RedeemRewardInput = builder.inputType('RedeemRewardInput', {
  description: 'A reward to redeem with a customer card (REST `POST …/customer_cards/:id/redeem`).',
  fields: (t) => ({
    customerCardId: t.id({ required: true, description: 'Global id of the customer card.' }),
    rewardId: t.id({ required: true, description: "Global id of an active reward of the customer card's card." }),
    idempotencyKey: t.string({
      description: 'A key of the till or client (1–255 characters); a repeat with the same key returns the first result and spends nothing.',
    }),
  }),
});

const RemoveStampsInput = builder.inputType('RemoveStampsInput', {
  description: 'A correction: stamps to take off a customer card, and why. The REST API has no counterpart.',
  fields: (t) => ({
    customerCardId: t.id({ required: true, description: 'Global id of the customer card.' }),
    stamps: t.int({ required: true, description: 'Number of stamps to take off, at least 1 and at most the stamps the card holds.' }),
    reason: t.string({ required: true, description: `Why, 1–${MAX_CORRECTION_REASON_LENGTH} characters; kept on the ledger entry and sent with the \`stamp.removed\` event.` }),
    idempotencyKey: t.string({
      description: 'A key of the till or client (1–255 characters); a repeat with the same key returns the first result and takes nothing more off.',
    }),
  }),
});

const userErrorsField = { description: 'Why the input was refused; empty on success. When not empty, nothing changed.' };

const customerCardField = {
  type: 'CustomerCard',
  nullable: true,
  description: 'The customer card after the change; null when the input was refused.',
} as const;

/** The payload of a write of one ledger entry without a redemption: `addStamps`, `removeStamps`. */
function ledgerEntryPayload(name: string, mutation: string, ledgerEntryDescription: string) {
  return builder.objectRef<Payload<{ customerCardId: number; ledgerEntryId: number }>>(name).implement({
    description: `Result of \`${mutation}\`.`,
    fields: (t) => ({
      customerCard: t.prismaField({
        ...customerCardField,
        resolve: (query, p, _args, ctx) =>
          reread(query, p.customerCardId, (args) => ctx.deps.db.customerCard.findUnique(args)),
      }),
      ledgerEntry: t.prismaField({
        type: 'LedgerEntry',
        nullable: true,
        description: ledgerEntryDescription,
        resolve: (query, p, _args, ctx) =>
          reread(query, p.ledgerEntryId, (args) => ctx.deps.db.ledgerEntry.findUnique(args)),
      }),
      userErrors: t.field({ type: [UserError], ...userErrorsField, resolve: (p) => p.userErrors }),
    }),
  });
}

const AddStampsPayload = ledgerEntryPayload(
  'AddStampsPayload',
  'addStamps',
  'The ledger entry the stamps were written as (the first one, for a repeated idempotency key).',
);

const RemoveStampsPayload = ledgerEntryPayload(
  'RemoveStampsPayload',
  'removeStamps',
  'The CORRECTION ledger entry (negative `delta`; the first one, for a repeated idempotency key).',
);

const RedeemRewardPayload = builder
  .objectRef<Payload<{ customerCardId: number; ledgerEntryId: number; redemptionId: number }>>('RedeemRewardPayload')
  .implement({
    description: 'Result of `redeemReward`.',
    fields: (t) => ({
      customerCard: t.prismaField({
        ...customerCardField,
        resolve: (query, p, _args, ctx) =>
          reread(query, p.customerCardId, (args) => ctx.deps.db.customerCard.findUnique(args)),
      }),
      redemption: t.prismaField({
        type: 'Redemption',
        nullable: true,
        description: 'The redemption (the first one, for a repeated idempotency key).',
        resolve: (query, p, _args, ctx) =>
          reread(query, p.redemptionId, (args) => ctx.deps.db.redemption.findUnique(args)),
      }),
      ledgerEntry: t.prismaField({
        type: 'LedgerEntry',
        nullable: true,
        description: 'The ledger entry that spent the stamps.',
        resolve: (query, p, _args, ctx) =>
          reread(query, p.ledgerEntryId, (args) => ctx.deps.db.ledgerEntry.findUnique(args)),
      }),
      userErrors: t.field({ type: [UserError], ...userErrorsField, resolve: (p) => p.userErrors }),
    }),
  });

function customerCardIdFrom(globalId: string | number): number {
  const id = databaseIdOf('CustomerCard', String(globalId));
  if (id === undefined) throw unknownId('Customer card', 'customerCardId');
  return id;
}

builder.mutationField('addStamps', (t) =>
  t.field({
    nullable: true,
    type: AddStampsPayload,
    description:
      "Adds stamps to a customer card and writes one ledger entry (source GRAPHQL), in one transaction. Refused for an archived card, and over the card's limits: `TOO_SOON` (`stampCooldownSeconds`) and `DAILY_LIMIT` (`maxStampsPerDay`), with `retryAt`. A repeat with the same idempotency key is answered with the first result, never refused.",
    args: { input: t.arg({ type: AddStampsInput, required: true, description: 'The customer card and the stamps.' }) },
    resolve: (_root, { input }, ctx) =>
      userErrorsFrom(
        async () => {
          const result = await addStamps(ctx.deps, ctx.actor, {
            customerCardId: customerCardIdFrom(input.customerCardId),
            stamps: input.stamps,
            skipNotifications: input.skipNotifications ?? false,
            idempotencyKey: input.idempotencyKey,
          });
          return { customerCardId: result.customerCard.id, ledgerEntryId: result.ledgerEntry.id };
        },
        { 'Customer card': 'customerCardId' },
      ),
  }),
);

builder.mutationField('redeemReward', (t) =>
  t.field({
    nullable: true,
    type: RedeemRewardPayload,
    description:
      "Redeems a reward: spends its `stampsRequired` from the customer card, records a redemption and a ledger entry. Refused with nothing changed when the stamps do not cover it or the reward is inactive or of another card.",
    args: { input: t.arg({ type: RedeemRewardInput, required: true, description: 'The customer card and the reward.' }) },
    resolve: (_root, { input }, ctx) =>
      userErrorsFrom(
        async () => {
          const customerCardId = customerCardIdFrom(input.customerCardId);
          const rewardId = databaseIdOf('Reward', String(input.rewardId));
          if (rewardId === undefined) throw unknownId('Reward', 'rewardId');
          const result = await redeemReward(ctx.deps, ctx.actor, { customerCardId, rewardId, idempotencyKey: input.idempotencyKey });
          return {
            customerCardId: result.customerCard.id,
            ledgerEntryId: result.ledgerEntry.id,
            redemptionId: result.redemption.id,
          };
        },
        { 'Customer card': 'customerCardId', Reward: 'rewardId' },
      ),
  }),
);

builder.mutationField('removeStamps', (t) =>
  t.field({
    nullable: true,
    type: RemoveStampsPayload,
    description:
      'Corrects a customer card: takes stamps off with a CORRECTION ledger entry that keeps the reason, never below zero (`NOT_ENOUGH_STAMPS`). Emits `stamp.removed` (webhooks, wallet pass, `stampsChanged`). GraphQL only: the REST API has no counterpart.',
    args: { input: t.arg({ type: RemoveStampsInput, required: true, description: 'The customer card, the stamps and the reason.' }) },
    resolve: (_root, { input }, ctx) =>
      userErrorsFrom(
        async () => {
          const result = await removeStamps(ctx.deps, ctx.actor, {
            customerCardId: customerCardIdFrom(input.customerCardId),
            stamps: input.stamps,
            reason: input.reason,
            idempotencyKey: input.idempotencyKey,
          });
          return { customerCardId: result.customerCard.id, ledgerEntryId: result.ledgerEntry.id };
        },
        { 'Customer card': 'customerCardId' },
      ),
  }),
);

builder.queryField('viewerCustomerCard', (t) =>
  t.prismaField({
    type: 'CustomerCard',
    nullable: true,
    description:
      'The customer card of a customer page, which authenticates with `Authorization: CustomerCard <uuid>`; null for an API token. Such a caller can read only this card and subscribe to its `stampsChanged`.',
    resolve: (query, _root, _args, ctx) =>
      ctx.cardHolder
        ? ctx.deps.db.customerCard.findUnique({ ...query, where: { id: ctx.cardHolder.customerCardId, ...ownedBy(ctx.actor) } })
        : null,
  }),
);
