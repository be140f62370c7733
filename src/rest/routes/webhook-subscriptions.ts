import { z } from '@hono/zod-openapi';
import {
  createWebhookSubscription,
  deleteWebhookSubscription,
  getWebhookSubscription,
  listWebhookSubscriptions,
  rotateWebhookSecret,
  updateWebhookSubscription,
  withSecret,
} from '../../domain/webhooks/webhook-subscription.service.ts';
import { sendTestEvent } from '../../webhooks/deliver.ts';
import { Attributes, Bool, List, NullableText, Text } from '../fields.ts';
import { camelKeys } from '../http.ts';
import {
  presentTestDelivery,
  presentWebhookSubscription,
  presentWebhookSubscriptionWithSecret,
  TestDeliverySchema,
  WebhookSubscriptionSchema,
  WebhookSubscriptionWithSecretSchema,
} from '../presenters/webhook-subscription.ts';
import { defineRoute } from '../route.ts';

const subscriptionAttributes = {
  target_url: Text().optional().openapi({ description: 'Where events are POSTed: a public https URL (required on create)' }),
  event: Text().optional().openapi({ description: 'One event name (the older single-event field)', example: 'stamp.earned' }),
  events: List(Text())
    .optional()
    .openapi({ description: 'Event names, or ["*"] for all; with `event`, both are kept. Default on create: ["*"]' }),
  description: NullableText().optional().openapi({ description: 'Up to 255 characters' }),
  enabled: Bool().optional().openapi({ description: 'false stops deliveries; true resumes them (and clears an automatic disabling)' }),
  payload_format: Text().optional().openapi({ description: 'envelope (default) or flat; flat cannot be used with *' }),
};

// The SDK sends the fields at the top level; route.ts moves them under the wrapper.
const SubscriptionBody = z.object({ webhook_subscription: Attributes(subscriptionAttributes) });

const EventQuery = z.object({
  event: Text().optional().openapi({ description: 'Only subscriptions that receive this event (those to * included)' }),
});

const base = '/accounts/{account_id}/webhook_subscriptions';
const tag = 'Webhook subscriptions';
const resource = 'Webhook subscription';

export const webhookSubscriptionRoutes = [
  defineRoute({
    method: 'get',
    path: base,
    operationId: 'listWebhookSubscriptions',
    tag,
    summary: 'List the store’s webhook subscriptions, oldest first (secrets omitted)',
    query: EventQuery,
    success: { status: 200, description: 'Array of subscriptions', schema: z.array(WebhookSubscriptionSchema) },
    errors: [404, 422],
    handle: async ({ runtime, actor, query }) =>
      (await listWebhookSubscriptions(runtime.deps, actor, { event: query.event })).map(presentWebhookSubscription),
  }),
  defineRoute({
    method: 'post',
    path: base,
    operationId: 'createWebhookSubscription',
    tag,
    summary: 'Subscribe a URL to events; the answer holds the signing secret',
    body: SubscriptionBody,
    wrapper: 'webhook_subscription',
    idempotent: true,
    success: { status: 201, description: 'The new subscription, with its secret', schema: WebhookSubscriptionWithSecretSchema },
    errors: [400, 404, 413, 415, 422],
    handle: async ({ runtime, actor, body, idempotencyKey }) => {
      const row = await createWebhookSubscription(runtime.deps, actor, camelKeys(body.webhook_subscription), idempotencyKey);
      return presentWebhookSubscriptionWithSecret(await withSecret(runtime.deps, row));
    },
  }),
  defineRoute({
    method: 'get',
    path: `${base}/{id}`,
    operationId: 'getWebhookSubscription',
    tag,
    summary: 'Show a subscription with its secret and the result of its last delivery',
    resource,
    success: { status: 200, description: 'The subscription, with its secret', schema: WebhookSubscriptionWithSecretSchema },
    errors: [404],
    handle: async ({ runtime, actor, params }) =>
      presentWebhookSubscriptionWithSecret(await withSecret(runtime.deps, await getWebhookSubscription(runtime.deps, actor, params.id))),
  }),
  defineRoute({
    method: 'patch',
    path: `${base}/{id}`,
    operationId: 'updateWebhookSubscription',
    tag,
    summary: 'Change a subscription; enabled: true resumes a disabled one',
    resource,
    body: SubscriptionBody,
    wrapper: 'webhook_subscription',
    success: { status: 200, description: 'The updated subscription (secret omitted)', schema: WebhookSubscriptionSchema },
    errors: [400, 404, 413, 415, 422],
    handle: async ({ runtime, actor, params, body }) =>
      presentWebhookSubscription(await updateWebhookSubscription(runtime.deps, actor, params.id, camelKeys(body.webhook_subscription))),
  }),
  defineRoute({
    method: 'delete',
    path: `${base}/{id}`,
    operationId: 'deleteWebhookSubscription',
    tag,
    summary: 'Delete a subscription and its delivery log; queued deliveries are dropped',
    resource,
    success: { status: 204, description: 'Deleted; no body' },
    errors: [404],
    handle: async ({ runtime, actor, params }) => deleteWebhookSubscription(runtime.deps, actor, params.id),
  }),
  defineRoute({
    method: 'post',
    path: `${base}/{id}/rotate_secret`,
    operationId: 'rotateWebhookSubscriptionSecret',
    tag,
    summary: 'Replace the signing secret; deliveries from now on are signed with the new one only',
    resource,
    success: { status: 200, description: 'The subscription, with its new secret', schema: WebhookSubscriptionWithSecretSchema },
    errors: [404],
    handle: async ({ runtime, actor, params }) =>
      presentWebhookSubscriptionWithSecret(await withSecret(runtime.deps, await rotateWebhookSecret(runtime.deps, actor, params.id))),
  }),
  defineRoute({
    method: 'post',
    path: `${base}/{id}/test`,
    operationId: 'testWebhookSubscription',
    tag,
    summary: 'Send a signed webhook.test event once, now, without retries, and answer how it went',
    resource,
    success: { status: 200, description: 'The outcome of the delivery', schema: TestDeliverySchema },
    errors: [404],
    handle: async ({ runtime, actor, params }) => presentTestDelivery(await sendTestEvent(runtime.deps, actor, params.id)),
  }),
];
