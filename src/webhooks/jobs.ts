import type { Deps } from '../domain/context.ts';
import { type OutboxHandler, RetryLater } from '../wallet/outbox-worker.ts';
import { DELIVERY_TOPIC, type DeliveryMessage, deliverWebhookMessage } from './deliver.ts';

/**
 * The outbox handlers of webhook delivery, keyed by topic. A retry is thrown as RetryLater with the
 * retry policy's delay (Retry-After included), so the runner schedules the message no sooner.
 */
export function webhookJobHandlers(deps: Deps): Record<string, OutboxHandler> {
  return {
    [DELIVERY_TOPIC]: async (payload, message) => {
      const step = await deliverWebhookMessage(deps, payload as DeliveryMessage, message.attempts);
      if (!step.done) throw new RetryLater(step.error, step.retryAfterMs);
      return step.note ? { note: step.note } : undefined;
    },
  };
}
