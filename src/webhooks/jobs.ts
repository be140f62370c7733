import type { Deps } from '../domain/context.ts';
import type { Reactions } from '../domain/ledger/reactions.ts';
import { type OutboxHandler, RetryLater } from '../jobs/outbox-worker.ts';
import type { JobTopics } from '../jobs/topics.ts';
import type { WebhookOutcome } from '../observability/metrics.ts';
import { DELIVERY_TIMEOUT_MS } from './http-post.ts';
import { DELIVERY_TOPIC, type DeliveryMessage, deliverWebhookMessage, webhookReaction } from './deliver.ts';

/**
 * The job handler of webhook deliveries. A retry is thrown as RetryLater with the retry policy's
 * delay (Retry-After included), so the runner schedules the message no sooner.
 */
export function webhookDeliveryHandler(deps: Deps, observe: (outcome: WebhookOutcome) => void = () => {}): OutboxHandler {
  return async (payload, message) => {
    const step = await deliverWebhookMessage(deps, payload as DeliveryMessage, message.attempts);
    observe(step.outcome);
    if (!step.done) throw new RetryLater(step.error, step.retryAfterMs);
    return step.note ? { note: step.note } : undefined;
  };
}

/**
 * A delivery is one POST cut off at DELIVERY_TIMEOUT_MS plus a few queries, so a message still
 * claimed after three times that belongs to a process that died; another one takes it over then
 * rather than after the job runner's default minute.
 */
export const DELIVERY_LEASE_MS = 3 * DELIVERY_TIMEOUT_MS;

/**
 * Wires webhooks into a gateway: every event appended to the log queues its deliveries (in the
 * event's transaction), and the process's job worker delivers them. Every process that writes must
 * register the reaction; any process with a worker may deliver.
 */
export function registerWebhooks(deps: Deps & { reactions: Reactions }, topics: JobTopics, observe?: (outcome: WebhookOutcome) => void): void {
  deps.reactions.register(webhookReaction);
  topics.register(DELIVERY_TOPIC, webhookDeliveryHandler(deps, observe), { leaseMs: DELIVERY_LEASE_MS });
}
