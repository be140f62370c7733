/** The events a shop can subscribe to, by the names Leal's SDK uses. */
export const WEBHOOK_EVENTS = [
  'customer.created',
  'customer.updated',
  'customer_card.created',
  'stamp.earned',
  'stamp.removed',
  'reward.unlocked',
  'reward.redeemed',
] as const;
export type WebhookEventName = (typeof WEBHOOK_EVENTS)[number];

/** Subscribes to every event, present and future. */
export const ALL_EVENTS = '*';

/** Sent only by the test action; nobody subscribes to it. */
export const TEST_EVENT = 'webhook.test';

export function isWebhookEvent(name: unknown): name is WebhookEventName {
  return typeof name === 'string' && (WEBHOOK_EVENTS as readonly string[]).includes(name);
}

/** Whether a subscription to `events` receives an event of type `type`. */
export function subscribesTo(events: readonly string[], type: string): boolean {
  return events.includes(ALL_EVENTS) || events.includes(type);
}

/** What one delivery carries: an event of the store, in the shape the receiver gets it. */
export interface WebhookEvent {
  /** Sent as `webhook-id`: the same on every attempt, so receivers can drop repeats. */
  id: string;
  type: string;
  /** When the event happened (ISO 8601). */
  timestamp: string;
  /** The objects concerned, in their REST shapes. */
  data: Record<string, unknown>;
}
