import type { Deps } from '../context.ts';
import { failingTooLong, isSuccess, type Verdict } from './retry-policy.rules.ts';
import type { WebhookEvent } from './webhook-events.ts';
import type { WebhookSubscriptionRow } from './webhook-subscription.service.ts';

/** What one attempt came to, as the delivery log keeps it. */
export interface AttemptRecord {
  status: number | null;
  durationMs: number;
  error: string | null;
}

const MAX_ERROR = 1000;

/**
 * Logs one attempt and keeps the subscription's last-delivery fields and failure run up to date, in
 * one transaction. `verdict` is null for a test delivery: it is logged and shown as the last
 * delivery, but neither counts towards disabling nor clears a failure run.
 * Returns whether this attempt switched the subscription off.
 */
export async function recordAttempt(
  deps: Deps,
  subscription: Pick<WebhookSubscriptionRow, 'id'>,
  event: Pick<WebhookEvent, 'id' | 'type'>,
  attempt: number,
  result: AttemptRecord,
  verdict: Verdict | null,
  now = new Date(),
): Promise<boolean> {
  const error = result.error?.slice(0, MAX_ERROR) ?? null;
  return deps.db.$transaction(async (tx) => {
    await tx.webhookDelivery.create({
      data: {
        subscriptionId: subscription.id,
        eventId: event.id,
        eventType: event.type,
        attempt,
        statusCode: result.status,
        durationMs: result.durationMs,
        error,
        createdAt: now,
      },
    });
    const last = { lastDeliveryAt: now, lastDeliveryStatus: result.status, lastDeliveryError: error };
    if (verdict === null) {
      await tx.webhookSubscription.updateMany({ where: { id: subscription.id }, data: last });
      return false;
    }
    if (isSuccess(result.status)) {
      await tx.webhookSubscription.updateMany({ where: { id: subscription.id }, data: { ...last, consecutiveFailures: 0, failingSince: null } });
      return false;
    }
    await tx.webhookSubscription.updateMany({ where: { id: subscription.id }, data: { ...last, consecutiveFailures: { increment: 1 } } });
    await tx.webhookSubscription.updateMany({ where: { id: subscription.id, failingSince: null }, data: { failingSince: now } });
    const current = await tx.webhookSubscription.findUnique({ where: { id: subscription.id } });
    if (!current || !current.enabled) return false;
    const reason =
      verdict.kind === 'disable'
        ? verdict.reason
        : failingTooLong(current.consecutiveFailures, current.failingSince ?? now, now)
          ? 'failing'
          : undefined;
    if (!reason) return false;
    await tx.webhookSubscription.updateMany({
      where: { id: subscription.id, enabled: true },
      data: { enabled: false, disabledAt: now, disabledReason: reason },
    });
    return true;
  });
}
