import { afterAll, describe, expect, it } from 'vitest';
import { createWebhookSubscription } from '../../src/domain/webhooks/webhook-subscription.service.ts';
import { DELIVERY_TOPIC } from '../../src/webhooks/deliver.ts';
import { type Gateway, startGateway } from '../faults/gateway.ts';
import { testProvider } from '../helpers/database.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { newStore, useRuntime } from '../helpers/runtime.ts';
import { eventually } from '../helpers/wallet.ts';
import { useReceiver } from '../helpers/webhook-receiver.ts';

const t = useRuntime({ WEBHOOK_ALLOW_PRIVATE_URLS: 'true' });
const receiver = useReceiver();
const gateways: Gateway[] = [];
afterAll(async () => {
  for (const gateway of gateways) await gateway.process.stop();
});

describe.runIf(testProvider === 'postgresql')('two gateway processes on one PostgreSQL database', () => {
  it('deliver each event once per subscription, not once per process', async () => {
    const env = { DATABASE_URL: t.runtime.config.databaseUrl, WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WALLET_OUTBOX_POLL_MS: '50' };
    gateways.push(await startGateway(env), await startGateway(env));
    const store = await newStore(t.runtime);
    await createWebhookSubscription(t.runtime.deps, store.actor, { targetUrl: receiver.url('/a'), events: ['stamp.earned'] });
    await createWebhookSubscription(t.runtime.deps, store.actor, { targetUrl: receiver.url('/b'), events: ['stamp.earned'] });
    const { card } = await seedCard(t.runtime.deps, store.actor, { stampsRequired: 18 });
    const cards = [await seedCustomerCard(t.runtime.deps, store.actor, card.id), await seedCustomerCard(t.runtime.deps, store.actor, card.id)];
    const STAMPS = 30;
    await Promise.all(
      gateways.map(async (gateway, index) => {
        const { customer, customerCard } = cards[index]!;
        for (let i = 0; i < STAMPS / 2; i++) {
          const response = await fetch(`${gateway.url}/api/v1/accounts/${store.actor.storeId}/customers/${customer.id}/customer_cards/${customerCard.id}/stamp`, {
            method: 'POST',
            headers: { authorization: `Bearer ${store.token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ stamps: 1 }),
          });
          expect(response.status).toBe(200);
        }
      }),
    );
    const events = await t.runtime.deps.db.storeEvent.findMany({ where: { storeId: store.actor.storeId, type: 'stamp.earned' } });
    expect(events).toHaveLength(STAMPS);
    // Every queued delivery finished: anything sent twice has been sent by now.
    await eventually(async () => (await t.runtime.deps.db.outboxMessage.count({ where: { topic: DELIVERY_TOPIC, doneAt: null } })) === 0, 60_000);
    for (const path of ['/a', '/b']) {
      const ids = receiver.at(path).map((request) => request.headers['webhook-id']);
      expect(ids.sort()).toEqual(events.map((event) => event.id).sort());
    }
  }, 180_000);
});
