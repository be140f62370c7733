import { describe, expect, it } from 'vitest';
import { appendEvents, type NewEvent } from '../../src/domain/ledger/event-log.ts';
import { EventType } from '../../src/domain/ledger/event-types.ts';
import {
  createWebhookSubscription,
  updateWebhookSubscription,
  withSecret,
} from '../../src/domain/webhooks/webhook-subscription.service.ts';
import { OutboxWorker } from '../../src/jobs/outbox-worker.ts';
import { DELIVERY_TOPIC, redeliverWebhookEvent } from '../../src/webhooks/deliver.ts';
import { newStore, useRuntime } from '../helpers/runtime.ts';
import { useReceiver, verify } from '../helpers/webhook-receiver.ts';

// No server, so no background worker: each test runs the job worker itself, retries made due at once.
const t = useRuntime({ WEBHOOK_ALLOW_PRIVATE_URLS: 'true' });
const receiver = useReceiver();
const deps = () => t.runtime.deps;

let sequence = 0;
function event(type: EventType, data: Record<string, unknown> = { n: ++sequence }, occurredAt?: Date): NewEvent {
  return { type, data, ...(occurredAt ? { occurredAt } : {}) };
}

/** Appends one event to the store's log as a write would; returns it and how many deliveries it queued. */
async function enqueue(storeId: number, e: NewEvent) {
  const before = await deps().db.outboxMessage.count({ where: { topic: DELIVERY_TOPIC } });
  const appended = await deps().db.$transaction((tx) => appendEvents(tx, deps(), storeId, [e]));
  const queued = (await deps().db.outboxMessage.count({ where: { topic: DELIVERY_TOPIC } })) - before;
  return { ...appended.events[0]!, queued };
}

/** Runs the webhook messages that are due, then makes every retry due at once (no waiting in tests). */
async function runDue(worker: OutboxWorker): Promise<void> {
  await worker.runOnce();
  await deps().db.outboxMessage.updateMany({ where: { topic: DELIVERY_TOPIC, doneAt: null }, data: { nextAttemptAt: new Date(0) } });
}

const worker = () => new OutboxWorker({ db: deps().db, topics: t.runtime.topics, pollMs: 60_000, log: () => {} });

describe('queued webhook deliveries', () => {
  it('queues one message per enabled subscription that wants the event, in the event’s transaction', async () => {
    const store = await newStore(t.runtime);
    const wants = await createWebhookSubscription(deps(), store.actor, { targetUrl: receiver.url('/q1'), events: ['stamp.earned'] });
    await createWebhookSubscription(deps(), store.actor, { targetUrl: receiver.url('/q2'), events: ['*'] });
    await createWebhookSubscription(deps(), store.actor, { targetUrl: receiver.url('/q3'), events: ['reward.redeemed'] });
    await createWebhookSubscription(deps(), store.actor, { targetUrl: receiver.url('/q4'), events: ['stamp.earned'], enabled: false });
    const other = await newStore(t.runtime);
    await createWebhookSubscription(deps(), other.actor, { targetUrl: receiver.url('/q5'), events: ['*'] });
    expect((await enqueue(store.actor.storeId, event('stamp.earned'))).queued).toBe(2);
    // A transaction that rolls back queues nothing.
    const before = await deps().db.outboxMessage.count();
    await expect(
      deps().db.$transaction(async (tx) => {
        await appendEvents(tx, deps(), store.actor.storeId, [event('stamp.earned')]);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await deps().db.outboxMessage.count()).toBe(before);
    await worker().runOnce();
    expect(receiver.at('/q1')).toHaveLength(1);
    expect(receiver.at('/q2')).toHaveLength(1);
    expect([...receiver.at('/q3'), ...receiver.at('/q4'), ...receiver.at('/q5')]).toHaveLength(0);
    const body = verify((await withSecret(deps(), wants)).secret, receiver.at('/q1')[0]!);
    expect(body).toMatchObject({ type: 'stamp.earned', data: { n: expect.any(Number) } });
  });

  it('retries a failing receiver with the same webhook-id until it succeeds, logging every attempt', async () => {
    const store = await newStore(t.runtime);
    let calls = 0;
    receiver.respond('/flaky', (_request, res) => res.writeHead(++calls <= 2 ? 503 : 200).end());
    const subscription = await createWebhookSubscription(deps(), store.actor, { targetUrl: receiver.url('/flaky'), events: ['stamp.earned'] });
    const e = await enqueue(store.actor.storeId, event('stamp.earned', { stamps_count: 3 }));
    const w = worker();
    for (let i = 0; i < 3; i++) await runDue(w);
    const got = receiver.at('/flaky');
    expect(got).toHaveLength(3);
    expect(new Set(got.map((request) => request.headers['webhook-id']))).toEqual(new Set([e.id]));
    const { secret } = await withSecret(deps(), subscription);
    for (const request of got) expect(verify(secret, request)).toEqual({ type: 'stamp.earned', timestamp: e.occurredAt.toISOString(), data: { stamps_count: 3 } });
    const log = await deps().db.webhookDelivery.findMany({ where: { subscriptionId: subscription.id }, orderBy: { id: 'asc' } });
    expect(log.map((row) => [row.attempt, row.statusCode, row.eventId])).toEqual([
      [1, 503, e.id],
      [2, 503, e.id],
      [3, 200, e.id],
    ]);
    const after = await deps().db.webhookSubscription.findUniqueOrThrow({ where: { id: subscription.id } });
    expect(after).toMatchObject({ enabled: true, consecutiveFailures: 0, failingSince: null, lastDeliveryStatus: 200 });
    expect(await deps().db.outboxMessage.count({ where: { topic: DELIVERY_TOPIC, doneAt: null } })).toBe(0);
  });

  it('schedules a retry no sooner than the receiver’s Retry-After', async () => {
    const store = await newStore(t.runtime);
    receiver.respond('/later', (_request, res) => res.writeHead(429, { 'retry-after': '3600' }).end());
    await createWebhookSubscription(deps(), store.actor, { targetUrl: receiver.url('/later'), events: ['stamp.earned'] });
    await enqueue(store.actor.storeId, event('stamp.earned'));
    const before = Date.now();
    await worker().runOnce();
    const pending = await deps().db.outboxMessage.findFirstOrThrow({ where: { topic: DELIVERY_TOPIC, doneAt: null } });
    expect(pending.nextAttemptAt.getTime() - before).toBeGreaterThanOrEqual(3_600_000);
    await deps().db.outboxMessage.updateMany({ where: { id: pending.id }, data: { doneAt: new Date() } });
  });

  it('410 Gone disables the subscription; later events are not sent until it is enabled again', async () => {
    const store = await newStore(t.runtime);
    let gone = true;
    receiver.respond('/leaving', (_request, res) => res.writeHead(gone ? 410 : 200).end());
    const subscription = await createWebhookSubscription(deps(), store.actor, { targetUrl: receiver.url('/leaving'), events: ['*'] });
    await enqueue(store.actor.storeId, event('stamp.earned'));
    const w = worker();
    await runDue(w);
    await runDue(w);
    expect(receiver.at('/leaving')).toHaveLength(1);
    const disabled = await deps().db.webhookSubscription.findUniqueOrThrow({ where: { id: subscription.id } });
    expect(disabled).toMatchObject({ enabled: false, disabledReason: 'failing', lastDeliveryStatus: 410 });
    expect(disabled.disabledAt).toBeInstanceOf(Date);
    expect((await enqueue(store.actor.storeId, event('stamp.earned'))).queued).toBe(0);

    gone = false;
    await updateWebhookSubscription(deps(), store.actor, subscription.id, { enabled: true });
    const resumed = await enqueue(store.actor.storeId, event('reward.redeemed'));
    expect(resumed.queued).toBe(1);
    await runDue(w);
    expect(receiver.at('/leaving').map((request) => request.headers['webhook-id'])).toEqual([expect.any(String), resumed.id]);
  });

  it('a day of failures disables the subscription; a message for a disabled or deleted one is dropped', async () => {
    const store = await newStore(t.runtime);
    receiver.respond('/down', (_request, res) => res.writeHead(500).end());
    const subscription = await createWebhookSubscription(deps(), store.actor, { targetUrl: receiver.url('/down'), events: ['*'] });
    // The event happened a day ago and has failed nine times since.
    const dayAgo = new Date(Date.now() - 25 * 3_600_000);
    await deps().db.webhookSubscription.update({
      where: { id: subscription.id },
      data: { consecutiveFailures: 9, failingSince: dayAgo },
    });
    await enqueue(store.actor.storeId, event('customer.created', {}, dayAgo));
    await enqueue(store.actor.storeId, event('customer.updated'));
    const w = worker();
    await runDue(w);
    await runDue(w);
    const after = await deps().db.webhookSubscription.findUniqueOrThrow({ where: { id: subscription.id } });
    expect(after).toMatchObject({ enabled: false, disabledReason: 'failing' });
    // Both were tried once before the switch; the retry of the second is dropped, unsent.
    expect(receiver.at('/down').length).toBeLessThanOrEqual(2);
    const messages = await deps().db.outboxMessage.findMany({ where: { topic: DELIVERY_TOPIC, doneAt: { not: null } }, orderBy: { id: 'desc' }, take: 2 });
    expect(messages.map((message) => message.lastError).sort()).toEqual([expect.stringMatching(/no success in 24 h|disabled/), expect.stringMatching(/no success in 24 h|disabled/)]);
    expect(await deps().db.outboxMessage.count({ where: { topic: DELIVERY_TOPIC, doneAt: null } })).toBe(0);
  });

  it('redelivers one event of the log on request, with its id and data, and refuses another store’s event', async () => {
    const store = await newStore(t.runtime);
    const subscription = await createWebhookSubscription(deps(), store.actor, { targetUrl: receiver.url('/again'), events: ['stamp.earned'] });
    const e = await enqueue(store.actor.storeId, event('stamp.earned', { stamps_count: 7 }));
    const w = worker();
    await runDue(w);
    await redeliverWebhookEvent(deps(), store.actor, subscription.id, e.id);
    await runDue(w);
    const got = receiver.at('/again');
    expect(got.map((request) => request.headers['webhook-id'])).toEqual([e.id, e.id]);
    expect(got[0]!.body).toBe(got[1]!.body);
    const other = await newStore(t.runtime);
    const foreign = await enqueue(other.actor.storeId, event('stamp.earned'));
    await expect(redeliverWebhookEvent(deps(), store.actor, subscription.id, foreign.id)).rejects.toThrow('Event not found');
    await expect(redeliverWebhookEvent(deps(), other.actor, subscription.id, e.id)).rejects.toThrow('Webhook subscription not found');
  });
});
