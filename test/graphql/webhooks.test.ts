import { describe, expect, it } from 'vitest';
import { graphqlClient } from '../helpers/graphql.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';
import { useReceiver, verify } from '../helpers/webhook-receiver.ts';

const t = useServer({ WEBHOOK_ALLOW_PRIVATE_URLS: 'true' });
const api = graphqlClient(t);
const receiver = useReceiver();

const FIELDS = `id databaseId accountId targetUrl description events enabled payloadFormat secret
  lastDeliveryStatus lastDeliveryError disabledAt disabledReason`;

describe('webhook subscriptions over GraphQL', () => {
  it('creates, lists, tests, rotates, updates and deletes, with the delivery log', async () => {
    const store = await newStore(t.runtime);
    const created = await api.data(
      store.token,
      `mutation($input: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $input) {
        webhookSubscription { ${FIELDS} } userErrors { field code } } }`,
      { input: { targetUrl: receiver.url('/gql'), events: ['stamp.earned', 'reward.redeemed'], description: 'POS' } },
    );
    const subscription = created.createWebhookSubscription.webhookSubscription;
    expect(created.createWebhookSubscription.userErrors).toEqual([]);
    expect(subscription).toMatchObject({
      accountId: store.actor.storeId,
      events: ['stamp.earned', 'reward.redeemed'],
      enabled: true,
      payloadFormat: 'ENVELOPE',
      description: 'POS',
      disabledReason: null,
    });
    expect(subscription.secret).toMatch(/^whsec_/);

    const tested = await api.data(
      store.token,
      `mutation($id: ID!) { sendWebhookTest(input: {id: $id}) { delivered status error eventId
        webhookSubscription { lastDeliveryStatus deliveries { totalCount edges { node { eventId eventType attempt statusCode durationMs error createdAt } } } }
        userErrors { code } } }`,
      { id: subscription.id },
    );
    expect(tested.sendWebhookTest).toMatchObject({ delivered: true, status: 204, error: null, userErrors: [] });
    const delivery = tested.sendWebhookTest.webhookSubscription.deliveries;
    expect(delivery.totalCount).toBe(1);
    expect(delivery.edges[0].node).toMatchObject({ eventId: tested.sendWebhookTest.eventId, eventType: 'webhook.test', attempt: 1, statusCode: 204, error: null });
    expect(verify(subscription.secret, receiver.at('/gql')[0]!)).toMatchObject({ type: 'webhook.test' });

    const rotated = await api.data(store.token, `mutation($id: ID!) { rotateWebhookSecret(input: {id: $id}) { webhookSubscription { secret } userErrors { code } } }`, {
      id: subscription.id,
    });
    expect(rotated.rotateWebhookSecret.webhookSubscription.secret).not.toBe(subscription.secret);

    const refused = await api.data(
      store.token,
      `mutation($id: ID!) { updateWebhookSubscription(input: {id: $id, events: ["stamp.exploded"]}) { webhookSubscription { id } userErrors { field code message } } }`,
      { id: subscription.id },
    );
    expect(refused.updateWebhookSubscription).toMatchObject({ webhookSubscription: null, userErrors: [{ field: ['input', 'events'], code: 'INVALID' }] });
    const updated = await api.data(
      store.token,
      `mutation($id: ID!) { updateWebhookSubscription(input: {id: $id, enabled: false, payloadFormat: FLAT}) { webhookSubscription { enabled disabledReason payloadFormat } userErrors { code } } }`,
      { id: subscription.id },
    );
    expect(updated.updateWebhookSubscription.webhookSubscription).toEqual({ enabled: false, disabledReason: 'DISABLED_BY_USER', payloadFormat: 'FLAT' });

    const listed = await api.data(store.token, '{ store { webhookSubscriptions { totalCount edges { node { databaseId } } } } }');
    expect(listed.store.webhookSubscriptions).toEqual({ totalCount: 1, edges: [{ node: { databaseId: subscription.databaseId } }] });

    const deleted = await api.data(store.token, `mutation($id: ID!) { deleteWebhookSubscription(input: {id: $id}) { deletedWebhookSubscriptionId userErrors { code } } }`, {
      id: subscription.id,
    });
    expect(deleted.deleteWebhookSubscription).toEqual({ deletedWebhookSubscriptionId: subscription.id, userErrors: [] });
    const node = await api.data(store.token, 'query($id: ID!) { node(id: $id) { id } }', { id: subscription.id });
    expect(node.node).toBeNull();
  });

  it("a create names no store: it lands in the caller's", async () => {
    const a = await newStore(t.runtime);
    const b = await newStore(t.runtime);
    const data = await api.data(b.token, `mutation { createWebhookSubscription(input: {targetUrl: "${receiver.url('/b')}"}) { webhookSubscription { accountId events } userErrors { code } } }`);
    expect(data.createWebhookSubscription.webhookSubscription).toEqual({ accountId: b.actor.storeId, events: ['*'] });
    expect(await t.runtime.deps.db.webhookSubscription.count({ where: { storeId: a.actor.storeId } })).toBe(0);
  });
});
