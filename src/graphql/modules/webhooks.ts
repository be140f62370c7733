import { ALL_EVENTS, WEBHOOK_EVENTS } from '../../domain/webhooks/webhook-events.ts';
import { DisabledReason, type WebhookSubscriptionInput } from '../../domain/webhooks/webhook-subscription.rules.ts';
import {
  createWebhookSubscription,
  deleteWebhookSubscription,
  eventsOf,
  rotateWebhookSecret,
  updateWebhookSubscription,
  withSecret,
} from '../../domain/webhooks/webhook-subscription.service.ts';
import { ownedBy } from '../../domain/visibility.ts';
import { redeliverWebhookEvent, sendTestEvent, type TestDeliveryOutcome } from '../../webhooks/deliver.ts';
import { builder } from '../builder.ts';
import { connectionOf } from '../connections.ts';
import { UserError, unknownId } from '../errors.ts';
import { databaseIdOf, globalIdOf } from '../global-ids.ts';
import { domainInput } from '../inputs.ts';
import { type Payload, reread, userErrorsFrom } from '../payloads.ts';
import { StoreNode } from './stores.ts';

const eventList = `${WEBHOOK_EVENTS.join(', ')}; \`${ALL_EVENTS}\` for every event`;

export const WebhookPayloadFormatEnum = builder.enumType('WebhookPayloadFormat', {
  description: 'The body of a delivery.',
  values: {
    ENVELOPE: { value: 'envelope', description: '`{type, timestamp, data}` (the default).' },
    FLAT: { value: 'flat', description: '`data` alone; the event type is in the `webhook-event-type` header. Not with `*`.' },
  } as const,
});

export const WebhookDisabledReasonEnum = builder.enumType('WebhookDisabledReason', {
  description: 'Why a webhook subscription is not sending.',
  values: {
    DISABLED_BY_USER: { value: DisabledReason.BY_USER, description: 'Someone set `enabled` to false.' },
    FAILING: { value: DisabledReason.FAILING, description: 'The receiver answered 410 Gone, or failed every attempt for a day.' },
    BLOCKED_ADDRESS: { value: DisabledReason.BLOCKED_ADDRESS, description: 'The target resolved to an address webhooks may not reach.' },
  } as const,
});

export const WebhookDeliveryObject = builder.prismaObject('WebhookDelivery', {
  description: 'One attempt to deliver one event to a webhook subscription.',
  fields: (t) => ({
    eventId: t.exposeString('eventId', { description: 'The event, as sent in `webhook-id` (the same on every attempt).' }),
    eventType: t.exposeString('eventType', { description: 'The event name, e.g. `stamp.earned`.' }),
    attempt: t.expose('attempt', { type: 'PositiveInt', description: 'Which attempt at this event this was, from 1.' }),
    statusCode: t.exposeInt('statusCode', { nullable: true, description: "The receiver's HTTP status; null when no response came." }),
    durationMs: t.expose('durationMs', { type: 'NonNegativeInt', description: 'How long the attempt took, in milliseconds.' }),
    error: t.exposeString('error', { nullable: true, description: 'Why the attempt failed; null when it succeeded.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the attempt was made.' }),
  }),
});

const WebhookDeliveryConnection = connectionOf(WebhookDeliveryObject, 'WebhookDelivery', 'webhook deliveries');

export const WebhookSubscriptionNode = builder.prismaNode('WebhookSubscription', {
  description: "A URL the store's events are POSTed to, signed the Standard Webhooks way (see docs/webhooks.md).",
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id: Number(id), ...ownedBy(ctx.actor) }),
  nullable: true,
  fields: (t) => ({
    databaseId: t.exposeInt('id', { description: 'The REST id.' }),
    accountId: t.exposeInt('storeId', { description: 'REST id of the store.' }),
    targetUrl: t.exposeString('targetUrl', { description: 'Where events are POSTed.' }),
    description: t.exposeString('description', { nullable: true, description: 'What the subscription is for.' }),
    events: t.stringList({ description: `The events it receives: ${eventList}.`, resolve: (row) => eventsOf(row) }),
    enabled: t.exposeBoolean('enabled', { description: 'Whether events are being sent.' }),
    payloadFormat: t.field({
      type: WebhookPayloadFormatEnum,
      description: 'The body of a delivery.',
      resolve: (row) => (row.payloadFormat === 'flat' ? 'flat' : 'envelope'),
    }),
    secret: t.string({
      description: 'The signing secret (`whsec_…`), to verify deliveries with.',
      select: { secretSealed: true, storeId: true },
      resolve: async (row, _args, ctx) => (await withSecret(ctx.deps, row as Parameters<typeof withSecret>[1])).secret,
    }),
    lastDeliveryAt: t.expose('lastDeliveryAt', { type: 'DateTime', nullable: true, description: 'When the last attempt (tests included) was made.' }),
    lastDeliveryStatus: t.exposeInt('lastDeliveryStatus', { nullable: true, description: "The receiver's status on the last attempt; null when none came." }),
    lastDeliveryError: t.exposeString('lastDeliveryError', { nullable: true, description: 'Why the last attempt failed; null when it succeeded.' }),
    disabledAt: t.expose('disabledAt', { type: 'DateTime', nullable: true, description: 'When it stopped sending; null while enabled.' }),
    disabledReason: t.field({
      type: WebhookDisabledReasonEnum,
      nullable: true,
      description: 'Why it stopped sending; null while enabled.',
      resolve: (row) => (row.disabledReason as DisabledReason | null) ?? null,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it was last changed.' }),
    deliveries: t.relatedConnection('deliveries', {
      description: 'Every delivery attempt, newest first.',
      cursor: 'id',
      totalCount: true,
      query: () => ({ orderBy: { id: 'desc' } }),
    }, WebhookDeliveryConnection),
  }),
});

export const WebhookSubscriptionConnection = connectionOf(WebhookSubscriptionNode, 'WebhookSubscription', 'webhook subscriptions');

builder.prismaObjectField(StoreNode, 'webhookSubscriptions', (t) =>
  t.relatedConnection('webhookSubscriptions', {
    description: "The store's webhook subscriptions, oldest first.",
    cursor: 'id',
    totalCount: true,
    query: () => ({ orderBy: { id: 'asc' } }),
  }, WebhookSubscriptionConnection),
);

const CreateWebhookSubscriptionInput = builder.inputType('CreateWebhookSubscriptionInput', {
  description: 'A new webhook subscription.',
  fields: (t) => ({
    targetUrl: t.string({ required: true, description: 'Where to POST events: a public https URL.' }),
    events: t.stringList({ description: `Events to receive: ${eventList}. Defaults to \`["*"]\`.` }),
    description: t.string({ description: 'What it is for, up to 255 characters.' }),
    enabled: t.boolean({ description: 'Whether to send events; defaults to true.' }),
    payloadFormat: t.field({ type: WebhookPayloadFormatEnum, description: 'The body of a delivery; defaults to ENVELOPE.' }),
    idempotencyKey: t.string({ description: 'Makes a retry return the first result instead of creating a second subscription.' }),
  }),
});

const UpdateWebhookSubscriptionInput = builder.inputType('UpdateWebhookSubscriptionInput', {
  description: 'Changes to a webhook subscription; omitted fields stay as they are.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'Global id of the subscription.' }),
    targetUrl: t.string({ description: 'Where to POST events: a public https URL.' }),
    events: t.stringList({ description: `Events to receive: ${eventList}.` }),
    description: t.string({ description: 'What it is for; null clears it.' }),
    enabled: t.boolean({ description: 'false stops sending; true resumes, also after the gateway disabled it.' }),
    payloadFormat: t.field({ type: WebhookPayloadFormatEnum, description: 'The body of a delivery.' }),
  }),
});

const WebhookSubscriptionIdInput = (name: string, description: string) =>
  builder.inputType(name, {
    description,
    fields: (t) => ({ id: t.id({ required: true, description: 'Global id of the subscription.' }) }),
  });

function subscriptionIdFrom(globalId: string | number): number {
  const id = databaseIdOf('WebhookSubscription', String(globalId));
  if (id === undefined) throw unknownId('WebhookSubscription', 'id');
  return id;
}

const notFoundFields = { 'Webhook subscription': 'id', WebhookSubscription: 'id' };

const subscriptionPayload = (name: string, description: string) =>
  builder.objectRef<Payload<{ subscriptionId: number }>>(name).implement({
    description,
    fields: (t) => ({
      webhookSubscription: t.prismaField({
        type: 'WebhookSubscription',
        nullable: true,
        description: 'The subscription as it is now; null when the input was refused.',
        resolve: (query, payload, _args, ctx) =>
          reread(query, payload.subscriptionId, (args) => ctx.deps.db.webhookSubscription.findUnique(args)),
      }),
      userErrors: t.field({ type: [UserError], description: 'Why the input was refused; empty on success.', resolve: (p) => p.userErrors }),
    }),
  });

builder.mutationField('createWebhookSubscription', (t) =>
  t.field({
    nullable: true,
    type: subscriptionPayload('CreateWebhookSubscriptionPayload', 'Result of `createWebhookSubscription`.'),
    description: 'Subscribes a URL to events (REST `POST /webhook_subscriptions`); read its `secret` to verify deliveries.',
    args: { input: t.arg({ type: CreateWebhookSubscriptionInput, required: true, description: 'The new subscription.' }) },
    resolve: (_root, { input }, ctx) =>
      userErrorsFrom(async () => {
        const { idempotencyKey, ...attributes } = input;
        const row = await createWebhookSubscription(ctx.deps, ctx.actor, domainInput<WebhookSubscriptionInput>(attributes), idempotencyKey);
        return { subscriptionId: row.id };
      }),
  }),
);

builder.mutationField('updateWebhookSubscription', (t) =>
  t.field({
    nullable: true,
    type: subscriptionPayload('UpdateWebhookSubscriptionPayload', 'Result of `updateWebhookSubscription`.'),
    description: 'Changes a webhook subscription (REST `PATCH /webhook_subscriptions/:id`).',
    args: { input: t.arg({ type: UpdateWebhookSubscriptionInput, required: true, description: 'The subscription and what to change.' }) },
    resolve: (_root, { input }, ctx) =>
      userErrorsFrom(async () => {
        const { id, ...attributes } = input;
        const row = await updateWebhookSubscription(ctx.deps, ctx.actor, subscriptionIdFrom(id), domainInput<WebhookSubscriptionInput>(attributes));
        return { subscriptionId: row.id };
      }, notFoundFields),
  }),
);

builder.mutationField('rotateWebhookSecret', (t) =>
  t.field({
    nullable: true,
    type: subscriptionPayload('RotateWebhookSecretPayload', 'Result of `rotateWebhookSecret`.'),
    description: 'Replaces the signing secret; deliveries from now on are signed with the new one only (REST `POST …/rotate_secret`).',
    args: {
      input: t.arg({
        type: WebhookSubscriptionIdInput('RotateWebhookSecretInput', 'The subscription whose secret to replace.'),
        required: true,
        description: 'The subscription.',
      }),
    },
    resolve: (_root, { input }, ctx) =>
      userErrorsFrom(async () => ({ subscriptionId: (await rotateWebhookSecret(ctx.deps, ctx.actor, subscriptionIdFrom(input.id))).id }), notFoundFields),
  }),
);

const DeleteWebhookSubscriptionPayload = builder.objectRef<Payload<{ subscriptionId: number }>>('DeleteWebhookSubscriptionPayload').implement({
  description: 'Result of `deleteWebhookSubscription`.',
  fields: (t) => ({
    deletedWebhookSubscriptionId: t.id({
      nullable: true,
      description: 'Global id of the deleted subscription; null when the input was refused.',
      resolve: (p) => (p.subscriptionId === undefined ? null : globalIdOf('WebhookSubscription', p.subscriptionId)),
    }),
    userErrors: t.field({ type: [UserError], description: 'Why the input was refused; empty on success.', resolve: (p) => p.userErrors }),
  }),
});

builder.mutationField('deleteWebhookSubscription', (t) =>
  t.field({
    nullable: true,
    type: DeleteWebhookSubscriptionPayload,
    description: 'Deletes a subscription and its delivery log; queued deliveries are dropped (REST `DELETE /webhook_subscriptions/:id`).',
    args: {
      input: t.arg({
        type: WebhookSubscriptionIdInput('DeleteWebhookSubscriptionInput', 'The subscription to delete.'),
        required: true,
        description: 'The subscription.',
      }),
    },
    resolve: (_root, { input }, ctx) =>
      userErrorsFrom(async () => {
        const subscriptionId = subscriptionIdFrom(input.id);
        await deleteWebhookSubscription(ctx.deps, ctx.actor, subscriptionId);
        return { subscriptionId };
      }, notFoundFields),
  }),
);

type TestPayload = Payload<TestDeliveryOutcome & { subscriptionId: number }>;

const SendWebhookTestPayload = builder.objectRef<TestPayload>('SendWebhookTestPayload').implement({
  description: 'Result of `sendWebhookTest`: how the one delivery went.',
  fields: (t) => ({
    delivered: t.boolean({ nullable: true, description: 'Whether the receiver answered 2xx; null when the input was refused.', resolve: (p) => p.delivered ?? null }),
    status: t.int({ nullable: true, description: "The receiver's HTTP status; null when none came.", resolve: (p) => p.status ?? null }),
    error: t.string({ nullable: true, description: 'Why the delivery failed; null when it succeeded.', resolve: (p) => p.error ?? null }),
    eventId: t.string({ nullable: true, description: 'The `webhook-id` the test event was sent with.', resolve: (p) => p.eventId ?? null }),
    webhookSubscription: t.prismaField({
      type: 'WebhookSubscription',
      nullable: true,
      description: 'The subscription, with this attempt as its last delivery.',
      resolve: (query, payload, _args, ctx) =>
        reread(query, payload.subscriptionId, (args) => ctx.deps.db.webhookSubscription.findUnique(args)),
    }),
    userErrors: t.field({ type: [UserError], description: 'Why the input was refused; empty on success.', resolve: (p) => p.userErrors }),
  }),
});

builder.mutationField('sendWebhookTest', (t) =>
  t.field({
    nullable: true,
    type: SendWebhookTestPayload,
    description: 'Sends one signed `webhook.test` event now, without retries, and answers how it went (REST `POST …/test`).',
    args: {
      input: t.arg({
        type: WebhookSubscriptionIdInput('SendWebhookTestInput', 'The subscription to test.'),
        required: true,
        description: 'The subscription.',
      }),
    },
    resolve: (_root, { input }, ctx) =>
      userErrorsFrom(async () => {
        const subscriptionId = subscriptionIdFrom(input.id);
        return { ...(await sendTestEvent(ctx.deps, ctx.actor, subscriptionId)), subscriptionId };
      }, notFoundFields),
  }),
);

const RedeliverWebhookEventInput = builder.inputType('RedeliverWebhookEventInput', {
  description: 'One event of the store to send to a subscription again.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'Global id of the subscription.' }),
    eventId: t.string({ required: true, description: 'The event, as sent in `webhook-id` (and listed in `deliveries`).' }),
  }),
});

builder.mutationField('redeliverWebhookEvent', (t) =>
  t.field({
    nullable: true,
    type: subscriptionPayload('RedeliverWebhookEventPayload', 'Result of `redeliverWebhookEvent`.'),
    description:
      'Queues one event of the store for delivery to an enabled subscription again, whatever became of it before; it is retried like any delivery, for a day from now.',
    args: { input: t.arg({ type: RedeliverWebhookEventInput, required: true, description: 'The subscription and the event.' }) },
    resolve: (_root, { input }, ctx) =>
      userErrorsFrom(
        async () => ({ subscriptionId: (await redeliverWebhookEvent(ctx.deps, ctx.actor, subscriptionIdFrom(input.id), input.eventId)).id }),
        { ...notFoundFields, Event: 'eventId' },
      ),
  }),
);
