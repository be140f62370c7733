import { z } from '@hono/zod-openapi';
import { createReward, deleteReward, getReward, listRewards, updateReward } from '../../domain/rewards/reward.service.ts';
import { Attributes, Bool, Id, Int, NullableText, PresenceFlag, Text } from '../fields.ts';
import { camelKeys } from '../http.ts';
import { presentReward } from '../../domain/presenters/reward.ts';
import { RewardSchema } from '../presenters/reward.ts';
import { defineRoute } from '../route.ts';

const rewardAttributes = {
  name: Text().optional().openapi({ description: 'Reward name (required on create)', example: 'Free Coffee' }),
  description: NullableText().optional(),
  stamps_required: Int().optional().openapi({ description: 'Stamps the reward costs (required on create; 1 to the card’s stamps_required)' }),
  position: Int().optional().openapi({ description: 'Display order, lower first (default: after the card’s other rewards)' }),
  active: Bool().optional().openapi({ description: 'Redeemable (default true)' }),
};

const CreateRewardBody = z.object({
  reward: Attributes({ card_id: Id().openapi({ description: 'Card the reward belongs to; fixed once created' }), ...rewardAttributes }),
});
const UpdateRewardBody = z.object({ reward: Attributes(rewardAttributes) });

const RewardsQuery = z.object({
  card_id: Id().optional().openapi({ description: 'Only rewards of this card' }),
  active: PresenceFlag(),
});

const base = '/accounts/{account_id}/rewards';

export const rewardRoutes = [
  defineRoute({
    method: 'get',
    path: base,
    operationId: 'listRewards',
    tag: 'Rewards',
    summary: 'List rewards, by card then position',
    query: RewardsQuery,
    success: { status: 200, description: 'Array of rewards', schema: z.array(RewardSchema) },
    errors: [404, 422],
    handle: async ({ runtime, actor, query }) =>
      (
        await listRewards(runtime.deps, actor, {
          ...(query.card_id === undefined ? {} : { cardId: query.card_id }),
          activeOnly: query.active,
        })
      ).map(presentReward),
  }),
  defineRoute({
    method: 'get',
    path: `${base}/{id}`,
    operationId: 'getReward',
    tag: 'Rewards',
    summary: 'Show a reward',
    resource: 'Reward',
    success: { status: 200, description: 'The reward', schema: RewardSchema },
    errors: [404],
    handle: async ({ runtime, actor, params }) => presentReward(await getReward(runtime.deps, actor, params.id)),
  }),
  defineRoute({
    method: 'post',
    path: base,
    operationId: 'createReward',
    tag: 'Rewards',
    summary: 'Create a reward on a card of the store',
    body: CreateRewardBody,
    wrapper: 'reward',
    idempotent: true,
    success: { status: 201, description: 'The new reward', schema: RewardSchema },
    errors: [400, 404, 413, 415, 422],
    handle: async ({ runtime, actor, body, idempotencyKey }) => {
      const { card_id: cardId, ...attributes } = body.reward;
      return presentReward(await createReward(runtime.deps, actor, cardId, camelKeys(attributes), idempotencyKey));
    },
  }),
  defineRoute({
    method: 'patch',
    path: `${base}/{id}`,
    operationId: 'updateReward',
    tag: 'Rewards',
    summary: 'Update a reward; its card cannot change (a card_id given here is ignored)',
    resource: 'Reward',
    body: UpdateRewardBody,
    wrapper: 'reward',
    success: { status: 200, description: 'The updated reward', schema: RewardSchema },
    errors: [400, 404, 413, 415, 422],
    handle: async ({ runtime, actor, params, body }) =>
      presentReward(await updateReward(runtime.deps, actor, params.id, camelKeys(body.reward))),
  }),
  defineRoute({
    method: 'delete',
    path: `${base}/{id}`,
    operationId: 'deleteReward',
    tag: 'Rewards',
    summary: 'Delete a reward for good (422 once it has been redeemed: deactivate it instead)',
    resource: 'Reward',
    success: { status: 204, description: 'Deleted; no body' },
    errors: [404, 422],
    handle: async ({ runtime, actor, params }) => deleteReward(runtime.deps, actor, params.id),
  }),
];
