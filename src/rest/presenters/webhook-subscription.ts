import { z } from '@hono/zod-openapi';
import { WEBHOOK_EVENTS } from '../../domain/webhooks/webhook-events.ts';
import {
  eventsOf,
  type WebhookSubscriptionRow,
  type WebhookSubscriptionWithSecret,
} from '../../domain/webhooks/webhook-subscription.service.ts';
import type { TestDeliveryOutcome } from '../../webhooks/deliver.ts';
import { nullableTimestamp, timestamp } from '../../domain/presenters/time.ts';
import { IdField, Timestamp } from './shared.ts';

const eventNames = `${WEBHOOK_EVENTS.join(', ')}, or * for all`;

const fields = {
  id: IdField,
  account_id: IdField,
  target_url: z.string().openapi({ example: 'https://example.com/hooks/stampline' }),
  description: z.string().nullable(),
  event: z.string().nullable().openapi({ description: 'The one event subscribed to; null when there are several (see `events`)' }),
  events: z.array(z.string()).openapi({ description: `Event names: ${eventNames}`, example: ['stamp.earned'] }),
  enabled: z.boolean(),
  payload_format: z.enum(['envelope', 'flat']).openapi({ description: 'envelope: `{type, timestamp, data}`; flat: `data` alone' }),
  last_delivery_at: Timestamp.nullable(),
  last_delivery_status: z.number().int().nullable().openapi({ description: "The receiver's HTTP status; null when none came" }),
  last_delivery_error: z.string().nullable(),
  disabled_at: Timestamp.nullable(),
  disabled_reason: z
    .string()
    .nullable()
    .openapi({ description: 'disabled_by_user, failing (410 Gone or a day of failures) or blocked_address' }),
  created_at: Timestamp,
  updated_at: Timestamp,
};

/** As listed: without the secret. */
export const WebhookSubscriptionSchema = z.object(fields).openapi('WebhookSubscription');
export const WebhookSubscriptionWithSecretSchema = z
  .object({ ...fields, secret: z.string().openapi({ description: 'Signing secret (Standard Webhooks)', example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }) })
  .openapi('WebhookSubscriptionWithSecret');

export const TestDeliverySchema = z
  .object({
    delivered: z.boolean(),
    status: z.number().int().nullable().openapi({ description: "The receiver's HTTP status; null when none came" }),
    error: z.string().nullable(),
    event_id: z.string().openapi({ description: 'The `webhook-id` the test event was sent with' }),
  })
  .openapi('WebhookTestDelivery');

export function presentWebhookSubscription(row: WebhookSubscriptionRow): z.infer<typeof WebhookSubscriptionSchema> {
  const events = eventsOf(row);
  return {
    id: row.id,
    account_id: row.storeId,
    target_url: row.targetUrl,
    description: row.description,
    event: events.length === 1 ? events[0]! : null,
    events,
    enabled: row.enabled,
    payload_format: row.payloadFormat === 'flat' ? 'flat' : 'envelope',
    last_delivery_at: nullableTimestamp(row.lastDeliveryAt),
    last_delivery_status: row.lastDeliveryStatus,
    last_delivery_error: row.lastDeliveryError,
    disabled_at: nullableTimestamp(row.disabledAt),
    disabled_reason: row.disabledReason,
    created_at: timestamp(row.createdAt),
    updated_at: timestamp(row.updatedAt),
  };
}

export function presentWebhookSubscriptionWithSecret(row: WebhookSubscriptionWithSecret): z.infer<typeof WebhookSubscriptionWithSecretSchema> {
  return { ...presentWebhookSubscription(row), secret: row.secret };
}

export function presentTestDelivery(outcome: TestDeliveryOutcome): z.infer<typeof TestDeliverySchema> {
  return { delivered: outcome.delivered, status: outcome.status, error: outcome.error, event_id: outcome.eventId };
}
