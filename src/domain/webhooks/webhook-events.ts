import { EVENT_TYPES, type EventType, isEventType } from '../ledger/event-types.ts';

/** The events a shop can subscribe to: every event of the log, by the names Leal's SDK uses. */
export const WEBHOOK_EVENTS: readonly EventType[] = EVENT_TYPES;

/** Subscribes to every event, present and future. */
export const ALL_EVENTS = '*';

/** Sent only by the test action; nobody subscribes to it. */
export const TEST_EVENT = 'webhook.test';

export const isWebhookEvent = isEventType;

/** Whether a subscription to `events` receives an event of type `type`. */
export function subscribesTo(events: readonly string[], type: string): boolean {
  return events.includes(ALL_EVENTS) || events.includes(type);
}

/** What one delivery carries: an event of the store, in the shape the receiver gets it. */
export interface WebhookEvent {
  /** Sent as `webhook-id`: the event log's id, the same on every attempt, so receivers can drop repeats. */
  id: string;
  type: string;
  /** When the event happened (ISO 8601). */
  timestamp: string;
  /** The objects concerned, in their REST shapes. */
  data: Record<string, unknown>;
}
