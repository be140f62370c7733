import { z } from '@hono/zod-openapi';
import { getCustomerCardDetail, listCustomerCardsOf } from '../../domain/customer-cards/customer-card.queries.ts';
import { addStamps, redeemReward } from '../../domain/customer-cards/customer-card.service.ts';
import { Bool, Id, Int } from '../fields.ts';
import { presentCustomerCard, presentCustomerCardListItem } from '../../domain/presenters/customer-card.ts';
import { presentRedemption } from '../../domain/presenters/ledger-entry.ts';
import { CustomerCardListItemSchema, CustomerCardSchema, RedemptionResponseSchema } from '../presenters/customer-card.ts';
import { defineRoute } from '../route.ts';

const StampBody = z.object({
  stamps: Int().openapi({ description: 'Stamps to add: 1 to the card’s stamps_required', example: 1 }),
  skip_notifications: Bool().optional().openapi({ description: 'When true, wallet passes update without alerting the device' }),
});

const RedeemBody = z.object({
  reward_id: Id().openapi({ description: 'Reward of this card to redeem; its stamps_required is deducted' }),
});

const base = '/accounts/{account_id}/customers/{customer_id}/customer_cards';

export const customerCardRoutes = [
  defineRoute({
    method: 'get',
    path: base,
    operationId: 'listCustomerCards',
    tag: 'Customer Cards',
    summary: 'List a customer’s cards with progress and wallet URLs',
    success: { status: 200, description: 'Array of customer cards', schema: z.array(CustomerCardListItemSchema) },
    errors: [404],
    handle: async ({ runtime, actor, params }) =>
      (await listCustomerCardsOf(runtime.deps, actor, params.customer_id)).map((card) =>
        presentCustomerCardListItem(runtime.config, card),
      ),
  }),
  defineRoute({
    method: 'get',
    path: `${base}/{id}`,
    operationId: 'getCustomerCard',
    tag: 'Customer Cards',
    summary: 'Show a customer card with the rewards it can redeem now',
    resource: 'Customer card',
    success: { status: 200, description: 'The customer card', schema: CustomerCardSchema },
    errors: [404],
    handle: async ({ runtime, actor, params }) =>
      presentCustomerCard(
        runtime.config,
        await getCustomerCardDetail(runtime.deps, actor, { customerCardId: params.id, customerId: params.customer_id }),
      ),
  }),
  defineRoute({
    method: 'post',
    path: `${base}/{id}/stamp`,
    operationId: 'stampCustomerCard',
    tag: 'Customer Cards',
    summary: 'Add stamps (ledger entry, wallet pass update, push unless skip_notifications)',
    resource: 'Customer card',
    body: StampBody,
    idempotent: true,
    success: { status: 200, description: 'The updated customer card', schema: CustomerCardSchema },
    errors: [400, 404, 413, 415, 422],
    handle: async ({ runtime, actor, params, body, idempotencyKey }) => {
      const { customerCard } = await addStamps(runtime.deps, actor, {
        customerCardId: params.id,
        customerId: params.customer_id,
        stamps: body.stamps,
        skipNotifications: body.skip_notifications ?? false,
        idempotencyKey,
      });
      return presentCustomerCard(runtime.config, customerCard);
    },
  }),
  defineRoute({
    method: 'post',
    path: `${base}/{id}/redeem`,
    operationId: 'redeemCustomerCardReward',
    tag: 'Customer Cards',
    summary: 'Redeem a reward of the card, deducting its stamps',
    resource: 'Customer card',
    body: RedeemBody,
    idempotent: true,
    success: { status: 200, description: 'The redemption', schema: RedemptionResponseSchema },
    errors: [400, 404, 413, 415, 422],
    handle: async ({ runtime, actor, params, body, idempotencyKey }) => {
      const { redemption } = await redeemReward(runtime.deps, actor, {
        customerCardId: params.id,
        customerId: params.customer_id,
        rewardId: body.reward_id,
        idempotencyKey,
      });
      return { success: true as const, redemption: presentRedemption(redemption) };
    },
  }),
];
