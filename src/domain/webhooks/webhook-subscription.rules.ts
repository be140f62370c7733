import { FieldErrorCollector } from '../errors.ts';
import { checkOneOf, checkText } from '../validation.ts';
import { ALL_EVENTS, isWebhookEvent, WEBHOOK_EVENTS } from './webhook-events.ts';
import { urlProblem } from './target.rules.ts';

export const PAYLOAD_FORMATS = ['envelope', 'flat'] as const;
export type PayloadFormat = (typeof PAYLOAD_FORMATS)[number];

/** Why a subscription stopped, as Leal's SDK names the reasons. */
export const DisabledReason = {
  /** Someone set `enabled: false`. */
  BY_USER: 'disabled_by_user',
  /** The receiver answered 410 Gone, or failed every attempt for a day (see retry-policy.rules.ts). */
  FAILING: 'failing',
  /** At delivery the target resolved to an address webhooks may not reach. */
  BLOCKED_ADDRESS: 'blocked_address',
} as const;
export type DisabledReason = (typeof DisabledReason)[keyof typeof DisabledReason];

/** What a caller may set on a subscription; every field optional, as on a PATCH. */
export interface WebhookSubscriptionInput {
  targetUrl?: string;
  description?: string | null;
  /** One event name: the SDK's older single-event field. */
  event?: string;
  events?: string[];
  enabled?: boolean;
  payloadFormat?: string;
}

export const MAX_TARGET_URL = 2048;
export const MAX_DESCRIPTION = 255;

/**
 * The event list that `event` and `events` ask for together: both may be given (the union is kept),
 * duplicates are dropped, and `*` swallows the rest. Undefined when neither is given.
 */
export function requestedEvents(input: Pick<WebhookSubscriptionInput, 'event' | 'events'>): unknown[] | undefined {
  if (input.event === undefined && input.events === undefined) return undefined;
  const all = [...(input.events ?? []), ...(input.event === undefined ? [] : [input.event])];
  return all.includes(ALL_EVENTS) ? [ALL_EVENTS] : [...new Set(all)];
}

function checkEvents(errors: FieldErrorCollector, field: string, events: unknown[]): void {
  if (events.length === 0) {
    errors.add(field, "can't be blank");
    return;
  }
  const unknown = events.filter((name) => name !== ALL_EVENTS && !isWebhookEvent(name));
  if (unknown.length > 0) {
    errors.add(field, `unknown event ${unknown.map((name) => JSON.stringify(name)).join(', ')}; known events: ${WEBHOOK_EVENTS.join(', ')} (or * for all)`);
  }
}

/** The subscription as it will be after a create or update, for the checks that span fields. */
export interface SubscriptionShape {
  targetUrl: string;
  description: string | null;
  events: unknown[];
  payloadFormat: string;
}

/**
 * Checks the fields a create or update touches. A flat payload carries no event type in its body,
 * so it is refused for `*`, where the receiver could not tell what it got.
 */
export function validateSubscription(
  merged: SubscriptionShape,
  touched: ReadonlySet<string>,
  eventsField: 'event' | 'events',
  allowPrivateUrls: boolean,
): void {
  const errors = new FieldErrorCollector();
  if (touched.has('targetUrl') && checkText(errors, 'targetUrl', merged.targetUrl, { required: true, max: MAX_TARGET_URL })) {
    const problem = urlProblem(merged.targetUrl, allowPrivateUrls);
    if (problem) errors.add('targetUrl', problem);
  }
  if (touched.has('description')) checkText(errors, 'description', merged.description, { max: MAX_DESCRIPTION });
  if (touched.has('events')) checkEvents(errors, eventsField, merged.events);
  if (touched.has('payloadFormat')) checkOneOf(errors, 'payloadFormat', merged.payloadFormat, PAYLOAD_FORMATS);
  if (merged.payloadFormat === 'flat' && merged.events.includes(ALL_EVENTS) && (touched.has('payloadFormat') || touched.has('events'))) {
    errors.add('payloadFormat', 'flat cannot be used with * (all events): the body would not say which event it is');
  }
  errors.throwIfAny();
}
