import { randomUUID } from 'node:crypto';
import type { Actor, Deps } from '../domain/context.ts';
import type { Tx } from '../db/client.ts';
import { judgeAttempt, type Verdict } from '../domain/webhooks/retry-policy.rules.ts';
import { openSecret } from '../domain/webhooks/secret-box.ts';
import { recordAttempt } from '../domain/webhooks/webhook-delivery.service.ts';
import { subscribesTo, TEST_EVENT, type WebhookEvent } from '../domain/webhooks/webhook-events.ts';
import {
  eventsOf,
  getWebhookSubscription,
  payloadFormatOf,
  type WebhookSubscriptionRow,
} from '../domain/webhooks/webhook-subscription.service.ts';
import { postWebhook, type PostResult } from './http-post.ts';
import { signDelivery } from './signing.ts';

/** The outbox topic of webhook deliveries: one message per event and subscription. */
export const DELIVERY_TOPIC = 'webhook.deliver';

/** The payload of a delivery message. */
export interface DeliveryMessage {
  subscriptionId: number;
  event: WebhookEvent;
}

/** Signs and posts one event to one subscription; nothing recorded. */
async function post(deps: Deps, subscription: WebhookSubscriptionRow, event: WebhookEvent): Promise<PostResult> {
  const secret = await openSecret(deps.db, subscription.storeId, subscription.secretSealed);
  const { headers, body } = signDelivery(secret, event, payloadFormatOf(subscription));
  return postWebhook({ url: subscription.targetUrl, headers, body, allowPrivateUrls: deps.webhooks.allowPrivateUrls });
}

/**
 * Queues the delivery of `event` to every enabled subscription of the store that wants it, in the
 * caller's transaction: the event and its deliveries commit together or not at all. Returns how many
 * were queued (the caller wakes the job worker when it is more than none).
 */
export async function enqueueWebhookDeliveries(tx: Tx, storeId: number, event: WebhookEvent): Promise<number> {
  const subscriptions = await tx.webhookSubscription.findMany({
    where: { storeId, enabled: true },
    select: { id: true, events: true },
    orderBy: { id: 'asc' },
  });
  const wanted = subscriptions.filter((subscription) => subscribesTo(eventsOf(subscription), event.type));
  if (wanted.length === 0) return 0;
  await tx.outboxMessage.createMany({
    data: wanted.map((subscription) => ({
      topic: DELIVERY_TOPIC,
      payload: { subscriptionId: subscription.id, event } satisfies DeliveryMessage as unknown as object,
    })),
  });
  return wanted.length;
}

/** What the job runner should do with a delivery message once its attempt is over. */
export type DeliveryStep = { done: true; note?: string } | { done: false; retryAfterMs: number; error: string };

/**
 * Delivers one queued message (attempt number `attempt`, counted by the job runner): signs with the
 * subscription's current secret, posts, logs the attempt, and says whether to retry and when. A
 * subscription deleted or disabled since the event drops the message; 410 Gone, a blocked address
 * or a day of failures disables the subscription.
 */
export async function deliverWebhookMessage(deps: Deps, message: DeliveryMessage, attempt: number, now = () => new Date()): Promise<DeliveryStep> {
  const subscription = await deps.db.webhookSubscription.findUnique({ where: { id: message.subscriptionId } });
  if (!subscription) return { done: true, note: 'subscription deleted' };
  if (!subscription.enabled) return { done: true, note: `subscription disabled (${subscription.disabledReason ?? 'unknown'})` };
  const result = await post(deps, subscription, message.event);
  const verdict: Verdict = judgeAttempt(result, attempt, new Date(message.event.timestamp), now(), Math.random());
  await recordAttempt(deps, subscription, message.event, attempt, result, verdict, now());
  switch (verdict.kind) {
    case 'delivered':
      return { done: true };
    case 'retry':
      return { done: false, retryAfterMs: verdict.afterMs, error: result.error ?? 'failed' };
    default:
      return { done: true, note: verdict.why };
  }
}

/** The answer of the test action, in the shape Leal's SDK reads. */
export interface TestDeliveryOutcome {
  delivered: boolean;
  status: number | null;
  error: string | null;
  eventId: string;
}

/**
 * Sends one signed `webhook.test` event to the subscription now, whether it is enabled or not, with no
 * retries, and answers how it went. The attempt is logged and shown as the last delivery, but it
 * neither disables the subscription nor counts towards it.
 */
export async function sendTestEvent(deps: Deps, actor: Actor, id: number): Promise<TestDeliveryOutcome> {
  const subscription = await getWebhookSubscription(deps, actor, id);
  const event: WebhookEvent = {
    id: `msg_test_${randomUUID().replaceAll('-', '')}`,
    type: TEST_EVENT,
    timestamp: new Date().toISOString(),
    data: { webhook_subscription_id: subscription.id, account_id: subscription.storeId },
  };
  const result = await post(deps, subscription, event);
  await recordAttempt(deps, subscription, event, 1, result, null);
  return { delivered: result.error === null, status: result.status, error: result.error, eventId: event.id };
}
