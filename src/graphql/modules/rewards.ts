import { createReward, deleteReward, type RewardInput, updateReward } from '../../domain/rewards/reward.service.ts';
import { ownedBy } from '../../domain/visibility.ts';
import { builder } from '../builder.ts';
import { connectionOf } from '../connections.ts';
import { UserError, unknownId } from '../errors.ts';
import { type Payload, reread, userErrorsFrom } from '../payloads.ts';
import { databaseIdOf, globalIdOf } from '../global-ids.ts';
import { domainInput } from '../inputs.ts';

export const RewardNode = builder.prismaNode('Reward', {
  description: "A reward of a card. Redeeming it spends its `stampsRequired` from a customer card.",
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id: Number(id), ...ownedBy(ctx.actor) }),
  nullable: true,
  fields: (t) => ({
    databaseId: t.exposeInt('id', { description: 'The REST id.' }),
    accountId: t.exposeInt('storeId', { description: 'REST id of the store.' }),
    cardId: t.exposeInt('cardId', { description: 'REST id of the card the reward belongs to.' }),
    card: t.relation('card', { description: 'The card the reward belongs to (fixed at creation).' }),
    name: t.exposeString('name', { description: 'Name of the reward, e.g. "Free coffee".' }),
    description: t.exposeString('description', { nullable: true, description: 'Longer description.' }),
    stampsRequired: t.expose('stampsRequired', {
      type: 'PositiveInt',
      description: "What the reward costs, in stamps: 1 to its card's `stampsRequired`.",
    }),
    position: t.expose('position', { type: 'NonNegativeInt', description: 'Display order among the card\'s rewards, lower first.' }),
    active: t.exposeBoolean('active', { description: 'Whether the reward can be redeemed now.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the reward was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the reward was last changed.' }),
  }),
});

export const RewardConnection = connectionOf(RewardNode, 'Reward', 'rewards');

const CreateRewardInput = builder.inputType('CreateRewardInput', {
  description: 'A new reward of a card.',
  fields: (t) => ({
    cardId: t.id({ required: true, description: 'Global id of the card the reward belongs to.' }),
    name: t.string({ required: true, description: 'Name, up to 100 characters.' }),
    description: t.string({ description: 'Longer description, up to 1000 characters.' }),
    stampsRequired: t.int({ required: true, description: "Cost in stamps, 1 to the card's `stampsRequired`." }),
    position: t.int({ description: 'Display order, lower first; defaults to after the existing rewards.' }),
    active: t.boolean({ description: 'Whether it can be redeemed; defaults to true.' }),
    idempotencyKey: t.string({ description: 'Makes a retry return the first result instead of creating a second reward.' }),
  }),
});

const UpdateRewardInput = builder.inputType('UpdateRewardInput', {
  description: 'Changes to a reward; omitted fields stay as they are. Its card cannot change.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'Global id of the reward.' }),
    name: t.string({ description: 'Name, up to 100 characters.' }),
    description: t.string({ description: 'Longer description; null clears it.' }),
    stampsRequired: t.int({ description: "Cost in stamps, 1 to the card's `stampsRequired`." }),
    position: t.int({ description: 'Display order, lower first.' }),
    active: t.boolean({ description: 'Whether it can be redeemed.' }),
  }),
});

const DeleteRewardInput = builder.inputType('DeleteRewardInput', {
  description: 'The reward to delete.',
  fields: (t) => ({ id: t.id({ required: true, description: 'Global id of the reward.' }) }),
});

/** The card a reward belongs to, in every reward payload, so a client's cached `card.rewards` updates. */
const rewardCardField = {
  type: 'Card',
  nullable: true,
  description: "The reward's card as it is now (its `rewards` included); null when the input was refused.",
} as const;

const rewardPayload = (name: string, description: string) =>
  builder.objectRef<Payload<{ rewardId: number; cardId: number }>>(name).implement({
    description,
    fields: (t) => ({
      reward: t.prismaField({
        type: 'Reward',
        nullable: true,
        description: 'The reward as it is now; null when the input was refused.',
        resolve: (query, payload, _args, ctx) =>
          reread(query, payload.rewardId, (args) => ctx.deps.db.reward.findUnique(args)),
      }),
      card: t.prismaField({
        ...rewardCardField,
        resolve: (query, payload, _args, ctx) => reread(query, payload.cardId, (args) => ctx.deps.db.card.findUnique(args)),
      }),
      userErrors: t.field({ type: [UserError], description: 'Why the input was refused; empty on success.', resolve: (p) => p.userErrors }),
    }),
  });

const DeleteRewardPayload = builder.objectRef<Payload<{ rewardId: number; cardId: number }>>('DeleteRewardPayload').implement({
  description: 'Result of `deleteReward`.',
  fields: (t) => ({
    deletedRewardId: t.id({
      nullable: true,
      description: 'Global id of the deleted reward; null when the input was refused.',
      resolve: (p) => (p.rewardId === undefined ? null : globalIdOf('Reward', p.rewardId)),
    }),
    card: t.prismaField({
      ...rewardCardField,
      resolve: (query, payload, _args, ctx) => reread(query, payload.cardId, (args) => ctx.deps.db.card.findUnique(args)),
    }),
    userErrors: t.field({ type: [UserError], description: 'Why the input was refused; empty on success.', resolve: (p) => p.userErrors }),
  }),
});

function rewardIdFrom(globalId: string | number): number {
  const id = databaseIdOf('Reward', String(globalId));
  if (id === undefined) throw unknownId('Reward', 'id');
  return id;
}

builder.mutationField('createReward', (t) =>
  t.field({
    nullable: true,
    type: rewardPayload('CreateRewardPayload', 'Result of `createReward`.'),
    description: 'Adds a reward to a card (REST `POST /rewards`).',
    args: { input: t.arg({ type: CreateRewardInput, required: true, description: 'The new reward.' }) },
    resolve: (_root, { input }, ctx) =>
      userErrorsFrom(
        async () => {
          const { cardId: cardGlobalId, idempotencyKey, ...attributes } = input;
          const cardId = databaseIdOf('Card', String(cardGlobalId));
          if (cardId === undefined) throw unknownId('Card', 'cardId');
          const reward = await createReward(ctx.deps, ctx.actor, cardId, domainInput<RewardInput>(attributes), idempotencyKey);
          return { rewardId: reward.id, cardId: reward.cardId };
        },
        { Card: 'cardId' },
      ),
  }),
);

builder.mutationField('updateReward', (t) =>
  t.field({
    nullable: true,
    type: rewardPayload('UpdateRewardPayload', 'Result of `updateReward`.'),
    description: 'Changes a reward (REST `PATCH /rewards/:id`).',
    args: { input: t.arg({ type: UpdateRewardInput, required: true, description: 'The reward and what to change.' }) },
    resolve: (_root, { input }, ctx) =>
      userErrorsFrom(
        async () => {
          const { id, ...attributes } = input;
          const reward = await updateReward(ctx.deps, ctx.actor, rewardIdFrom(id), domainInput<RewardInput>(attributes));
          return { rewardId: reward.id, cardId: reward.cardId };
        },
        { Reward: 'id' },
      ),
  }),
);

builder.mutationField('deleteReward', (t) =>
  t.field({
    nullable: true,
    type: DeleteRewardPayload,
    description: 'Deletes a reward nobody has redeemed (REST `DELETE /rewards/:id`); deactivate a redeemed one instead.',
    args: { input: t.arg({ type: DeleteRewardInput, required: true, description: 'The reward to delete.' }) },
    resolve: (_root, { input }, ctx) =>
      userErrorsFrom(
        async () => {
          const deleted = await deleteReward(ctx.deps, ctx.actor, rewardIdFrom(input.id));
          return { rewardId: deleted.id, cardId: deleted.cardId };
        },
        { Reward: 'id' },
      ),
  }),
);
