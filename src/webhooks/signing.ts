import { Webhook } from 'standardwebhooks';
import type { WebhookEvent } from '../domain/webhooks/webhook-events.ts';
import type { PayloadFormat } from '../domain/webhooks/webhook-subscription.rules.ts';

export const USER_AGENT = 'Stampline-Webhooks/1';

/**
 * The body and headers of one delivery, signed the Standard Webhooks way: `webhook-id` is the event's
 * id (the same on every attempt), `webhook-timestamp` the Unix second of this attempt, and
 * `webhook-signature` `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` under the subscription's secret.
 * The envelope body is `{type, timestamp, data}`; a flat one is `data` alone, its type in the
 * `webhook-event-type` header (sent with both formats).
 */
export function signDelivery(
  secret: string,
  event: WebhookEvent,
  format: PayloadFormat,
  now = new Date(),
): { headers: Record<string, string>; body: string } {
  const body = JSON.stringify(format === 'flat' ? event.data : { type: event.type, timestamp: event.timestamp, data: event.data });
  // The timestamp is whole seconds: the signature covers exactly what the header says.
  const signedAt = new Date(Math.floor(now.getTime() / 1000) * 1000);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      'webhook-id': event.id,
      'webhook-timestamp': String(signedAt.getTime() / 1000),
      'webhook-signature': new Webhook(secret).sign(event.id, signedAt, body),
      'webhook-event-type': event.type,
    },
  };
}
