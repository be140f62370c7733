import { ownedBy } from '../../domain/visibility.ts';
import { builder } from '../builder.ts';
import { connectionOf } from '../connections.ts';

export const LedgerKindEnum = builder.enumType('LedgerKind', {
  description: 'What changed the stamps.',
  values: {
    STAMP: { value: 'STAMP', description: 'Stamps given at the till or through an API.' },
    WELCOME: { value: 'WELCOME', description: "The card's initial stamps, given on enrolment." },
    REDEEM: { value: 'REDEEM', description: 'Stamps spent on a reward.' },
    CORRECTION: { value: 'CORRECTION', description: 'Stamps taken off by a correction (`removeStamps`); `reason` says why.' },
  } as const,
});

export const WriteSourceEnum = builder.enumType('WriteSource', {
  description: 'Which API a change came through.',
  values: {
    REST: { value: 'REST', description: 'The REST API.' },
    GRAPHQL: { value: 'GRAPHQL', description: 'The GraphQL API.' },
    SYSTEM: { value: 'SYSTEM', description: 'The gateway itself (e.g. a sign-up poster or the demo seed).' },
  } as const,
});

export const LedgerEntryNode = builder.prismaNode('LedgerEntry', {
  description: "One change to a customer card's stamps. Append-only: the stamps held are always the sum of the entries.",
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id: Number(id), ...ownedBy(ctx.actor) }),
  nullable: true,
  fields: (t) => ({
    databaseId: t.exposeInt('id', { description: 'The database id.' }),
    kind: t.expose('kind', { type: LedgerKindEnum, description: 'What changed the stamps.' }),
    delta: t.exposeInt('delta', { description: 'Stamps added (positive) or spent (negative).' }),
    balanceAfter: t.exposeInt('balanceAfter', { description: 'Stamps held right after this entry.' }),
    source: t.expose('source', { type: WriteSourceEnum, description: 'Which API wrote the entry.' }),
    reason: t.exposeString('reason', { nullable: true, description: 'Why the stamps were taken off, for a CORRECTION; null otherwise.' }),
    idempotencyKey: t.exposeString('idempotencyKey', { nullable: true, description: 'The idempotency key of the write, if any.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the change happened.' }),
    customerCard: t.relation('customerCard', { description: 'The customer card that changed.' }),
    redemption: t.relation('redemption', { nullable: true, description: 'The redemption, for a REDEEM entry.' }),
  }),
});

export const RedemptionNode = builder.prismaNode('Redemption', {
  description: 'A reward given to a customer in exchange for stamps.',
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id: Number(id), ...ownedBy(ctx.actor) }),
  nullable: true,
  fields: (t) => ({
    databaseId: t.exposeInt('id', { description: 'The REST id of the redemption.' }),
    rewardId: t.exposeInt('rewardId', { description: 'REST id of the reward redeemed.' }),
    rewardName: t.exposeString('rewardName', { description: 'Name of the reward when it was redeemed.' }),
    stampsSpent: t.expose('stampsSpent', { type: 'PositiveInt', description: 'Stamps deducted.' }),
    stampsRemaining: t.exposeInt('stampsRemaining', {
      description: "Stamps left on the customer card right after (not the card's `stampsRemaining`).",
    }),
    redeemedAt: t.expose('redeemedAt', { type: 'DateTime', description: 'When the reward was redeemed.' }),
    reward: t.relation('reward', { description: 'The reward redeemed.' }),
    customerCard: t.relation('customerCard', { description: 'The customer card the stamps came from.' }),
    ledgerEntry: t.relation('ledgerEntry', { nullable: true, description: 'The ledger entry that spent the stamps.' }),
  }),
});

export const LedgerEntryConnection = connectionOf(LedgerEntryNode, 'LedgerEntry', 'ledger entries');
export const RedemptionConnection = connectionOf(RedemptionNode, 'Redemption', 'redemptions');
