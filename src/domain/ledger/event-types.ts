/**
 * The catalogue of domain events: what the event log records, webhooks deliver and live streams will
 * resume from. Names follow Leal's webhook event names.
 */
export const EventType = {
  CUSTOMER_CREATED: 'customer.created',
  CUSTOMER_UPDATED: 'customer.updated',
  CUSTOMER_CARD_CREATED: 'customer_card.created',
  STAMP_EARNED: 'stamp.earned',
  /** Stamps taken off a card by a correction (`removeStamps`). */
  STAMP_REMOVED: 'stamp.removed',
  /** A balance reached an active reward's cost from below it. */
  REWARD_UNLOCKED: 'reward.unlocked',
  REWARD_REDEEMED: 'reward.redeemed',
} as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

export const EVENT_TYPES: readonly EventType[] = Object.values(EventType);

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value);
}
