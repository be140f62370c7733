import { assertPerformAction } from '../auth/policy.ts';
import { randomUUID } from 'node:crypto';
import type { Actor, Deps } from '../domain/context.ts';
import type { Db, Tx } from '../db/client.ts';
import { invalid, notFound } from '../domain/errors.ts';
import type { Reaction } from '../domain/ledger/reactions.ts';
import { judgeAttempt, type Verdict } from '../domain/webhooks/retry-policy.rules.ts';
import { readEnabledSubscriptions } from '../domain/webhooks/enabled-subscriptions.sql.ts';
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
import type { WebhookOutcome } from '../observability/metrics.ts';

/** The outbox topic of webhook deliveries: one message per event and subscription. */
export const DELIVERY_TOPIC = 'webhook.deliver';

/** The payload of a delivery message: which event of the log goes to which subscription. */
export interface DeliveryMessage {
  subscriptionId: number;
  eventId: string;
  /** Set on a redelivery: the retry window runs from here rather than from the event. */
  queuedAt?: string;
}

/**
 * The reaction to every event of the log: one delivery message per enabled subscription of the store
 * that wants it, written by the event log in the event's own transaction, so an event is delivered at
 * least once or never happened. The store's subscriptions are read once for all the events of an
 * append (a stamp that unlocks a reward appends two).
 */
export const webhookReaction: Reaction = async (tx, appended) => {
  const first = appended[0];
  if (!first) return [];
  const subscriptions = await readEnabledSubscriptions(tx, first.event.storeId);
  return appended.flatMap(({ event }) =>
    subscriptions
      .filter((subscription) => subscribesTo(eventsOf(subscription), event.type))
      .map((subscription) => ({
        topic: DELIVERY_TOPIC,
        payload: { subscriptionId: subscription.id, eventId: event.id } satisfies DeliveryMessage,
      })),
  );
};

/** Signs and posts one event to one subscription; nothing recorded. */
async function post(deps: Deps, subscription: WebhookSubscriptionRow, event: WebhookEvent): Promise<PostResult> {
  const secret = await openSecret(deps.db, subscription.storeId, subscription.secretSealed);
  const { headers, body } = signDelivery(secret, event, payloadFormatOf(subscription));
  return postWebhook({ url: subscription.targetUrl, headers, body, allowPrivateUrls: deps.webhooks.allowPrivateUrls });
}

/** An event of a store's log as a delivery carries it; null when the store has no such event. */
export async function loadWebhookEvent(db: Db | Tx, storeId: number, eventId: string): Promise<WebhookEvent | null> {
  const row = await db.storeEvent.findFirst({ where: { id: eventId, storeId } });
  if (!row) return null;
  const data = typeof row.data === 'object' && row.data !== null && !Array.isArray(row.data) ? (row.data as Record<string, unknown>) : {};
  return { id: row.id, type: row.type, timestamp: row.occurredAt.toISOString(), data };
}

/** What the job runner should do with a delivery message once its attempt is over. */
export type DeliveryStep = ({ done: true; note?: string } | { done: false; retryAfterMs: number; error: string }) & {
  /** For the delivery metrics: what this attempt came to. */
  outcome: WebhookOutcome;
};

/**
 * Delivers one queued message (attempt number `attempt`, counted by the job runner): loads the event
 * from the log, signs with the subscription's current secret, posts, logs the attempt, and says
 * whether to retry and when. A subscription deleted or disabled since the event drops the message;
 * 410 Gone, a blocked address or a day of failures disables the subscription.
 */
export async function deliverWebhookMessage(deps: Deps, message: DeliveryMessage, attempt: number, now = () => new Date()): Promise<DeliveryStep> {
  const subscription = await deps.db.webhookSubscription.findUnique({ where: { id: message.subscriptionId } });
  if (!subscription) return { done: true, note: 'subscription deleted', outcome: 'dropped' };
  if (!subscription.enabled) return { done: true, note: `subscription disabled (${subscription.disabledReason ?? 'unknown'})`, outcome: 'dropped' };
  const event = await loadWebhookEvent(deps.db, subscription.storeId, message.eventId);
  if (!event) return { done: true, note: `event ${message.eventId} not found`, outcome: 'dropped' };
  const result = await post(deps, subscription, event);
  const windowStart = new Date(message.queuedAt ?? event.timestamp);
  const verdict: Verdict = judgeAttempt(result, attempt, windowStart, now(), Math.random());
  await recordAttempt(deps, subscription, event, attempt, result, verdict, now());
  switch (verdict.kind) {
    case 'delivered':
      return { done: true, outcome: 'delivered' };
    case 'retry':
      return { done: false, retryAfterMs: verdict.afterMs, error: result.error ?? 'failed', outcome: 'retry' };
    default:
      return { done: true, note: verdict.why, outcome: 'given_up' };
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
  assertPerformAction(actor, 'webhook.send');
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

/**
 * Queues one event of the store's log for delivery to one subscription again, whatever happened to it
 * before (delivered, given up, sent while the subscription was off). It is retried like any delivery,
 * for a day from now. The subscription must be enabled: a disabled one would drop it.
 */
export async function redeliverWebhookEvent(deps: Deps, actor: Actor, id: number, eventId: string): Promise<WebhookSubscriptionRow> {
  assertPerformAction(actor, 'webhook.send');
  const subscription = await getWebhookSubscription(deps, actor, id);
  const event = typeof eventId === 'string' && eventId.length <= 100 ? await loadWebhookEvent(deps.db, actor.storeId, eventId) : null;
  if (!event) throw notFound('Event');
  if (!subscription.enabled) throw invalid({ id: ['is disabled: enable it first, or the redelivery would be dropped'] });
  const payload: DeliveryMessage = { subscriptionId: subscription.id, eventId: event.id, queuedAt: new Date().toISOString() };
  await deps.db.outboxMessage.create({ data: { topic: DELIVERY_TOPIC, payload: { ...payload } } });
  return subscription;
}
