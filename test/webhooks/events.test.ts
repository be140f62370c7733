import { expect, it } from 'vitest';
import { appendEvents } from '../../src/domain/ledger/event-log.ts';
import { EVENT_TYPES, EventType } from '../../src/domain/ledger/event-types.ts';
import { seedCard } from '../helpers/factories.ts';
import { restStore } from '../helpers/rest.ts';
import { useServer } from '../helpers/server.ts';
import { eventually } from '../helpers/wallet.ts';
import { type ReceivedWebhook, useReceiver, verify } from '../helpers/webhook-receiver.ts';

// The whole gateway: writes through REST, the event log's reaction, the server's job worker.
const t = useServer({ WEBHOOK_ALLOW_PRIVATE_URLS: 'true' });
const receiver = useReceiver();

it('every event type reaches a subscribed receiver, signed, with the event log’s id and the objects in their REST shapes', async () => {
  const { api, actor } = await restStore(t);
  const base = `/accounts/${actor.storeId}`;
  const all = await api.request('POST', `${base}/webhook_subscriptions`, { target_url: receiver.url('/all'), events: ['*'] });
  const stampsOnly = await api.request('POST', `${base}/webhook_subscriptions`, { target_url: receiver.url('/stamps'), event: 'stamp.earned' });
  expect([all.status, stampsOnly.status]).toEqual([201, 201]);
  const { card, rewards } = await seedCard(t.runtime.deps, actor, { stampsRequired: 10, initialStamps: 1 }, [{ name: 'Free coffee', stampsRequired: 3 }]);

  const created = await api.request('POST', `${base}/customers`, { customer: { first_name: 'Ada', email: 'ada@example.com' }, card_id: card.id });
  expect(created.status).toBe(201);
  const customerId = created.body.id as number;
  const customerCardId = created.body.customer_cards[0].id as number;
  const cardPath = `${base}/customers/${customerId}/customer_cards/${customerCardId}`;
  expect((await api.request('PATCH', `${base}/customers/${customerId}`, { customer: { last_name: 'Lovelace' } })).status).toBe(200);
  const stamped = await api.request('POST', `${cardPath}/stamp`, { stamps: 2 });
  expect(stamped.status).toBe(200);
  const redeemed = await api.request('POST', `${cardPath}/redeem`, { reward_id: rewards[0]!.id });
  expect(redeemed.status).toBe(200);
  // No API removes stamps yet; the event is appended as such a write would append it.
  await t.runtime.deps.db.$transaction((tx) =>
    appendEvents(tx, t.runtime.deps, actor.storeId, [{ type: EventType.STAMP_REMOVED, customerCardId, data: { customer_card: { id: customerCardId } } }]),
  );

  const log = await t.runtime.deps.db.storeEvent.findMany({ where: { storeId: actor.storeId }, orderBy: { sequence: 'asc' } });
  expect(new Set(log.map((event) => event.type))).toEqual(new Set(EVENT_TYPES));
  const got = await eventually(() => (receiver.at('/all').length >= log.length ? receiver.at('/all') : false));
  const byId = new Map<string, ReceivedWebhook>(got.map((request) => [request.headers['webhook-id']!, request]));
  expect(got).toHaveLength(log.length);
  for (const event of log) {
    const request = byId.get(event.id);
    expect(request, event.type).toBeDefined();
    expect(verify(all.body.secret, request!)).toEqual({ type: event.type, timestamp: event.occurredAt.toISOString(), data: event.data });
  }
  const received = (type: string) => JSON.parse(byId.get(log.find((event) => event.type === type)!.id)!.body).data;
  expect(received('customer.created').customer).toMatchObject({ id: customerId, first_name: 'Ada', email: 'ada@example.com' });
  expect(received('customer.updated').customer).toMatchObject({ id: customerId, last_name: 'Lovelace' });
  expect(received('customer_card.created').customer_card).toMatchObject({ id: customerCardId, card_id: card.id });
  expect(received('reward.unlocked').reward).toMatchObject({ id: rewards[0]!.id, stamps_required: 3 });
  // What a stamp's answer says is what the stamp's webhook says.
  const lastStamp = [...log].reverse().find((event) => event.type === 'stamp.earned')!;
  expect(JSON.parse(byId.get(lastStamp.id)!.body).data.customer_card).toEqual(stamped.body);
  const lastRedeem = log.find((event) => event.type === 'reward.redeemed')!;
  expect(JSON.parse(byId.get(lastRedeem.id)!.body).data.customer_card).toMatchObject({ id: customerCardId, stamps_count: 0 });

  // The single-event subscription gets the stamps only (the welcome stamp and the two given).
  const stampIds = log.filter((event) => event.type === 'stamp.earned').map((event) => event.id);
  const stampsGot = await eventually(() => (receiver.at('/stamps').length >= stampIds.length ? receiver.at('/stamps') : false));
  expect(stampsGot.map((request) => request.headers['webhook-id']).sort()).toEqual([...stampIds].sort());
  for (const request of stampsGot) verify(stampsOnly.body.secret, request);
});
