import { describe, expect, it } from 'vitest';
import { addStamps } from '../../src/domain/customer-cards/customer-card.service.ts';
import { createApiToken } from '../../src/domain/stores/store.service.ts';
import { createWebhookSubscription } from '../../src/domain/webhooks/webhook-subscription.service.ts';
import { PASS_UPDATE_TOPIC } from '../../src/domain/wallet/pass-updates.ts';
import { globalIdOf } from '../../src/graphql/global-ids.ts';
import { DELIVERY_TOPIC } from '../../src/webhooks/deliver.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { graphqlClient } from '../helpers/graphql.ts';
import { subscribeSse } from '../helpers/live.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';
import { ledgerSum } from '../helpers/snapshot.ts';

const t = useServer({ WEBHOOK_ALLOW_PRIVATE_URLS: 'true' });
const api = graphqlClient(t);
const deps = () => t.runtime.deps;

const REMOVE = `
  mutation Remove($input: RemoveStampsInput!) {
    removeStamps(input: $input) {
      customerCard { databaseId stampsCount status }
      ledgerEntry { databaseId kind delta balanceAfter reason source idempotencyKey }
      userErrors { field message code retryAt }
    }
  }`;

/** A store with a 5-stamp card and a customer card holding `stamps`. */
async function scene(stamps: number) {
  const store = await newStore(t.runtime);
  const { card } = await seedCard(deps(), store.actor, { stampsRequired: 5 });
  const { customerCard } = await seedCustomerCard(deps(), store.actor, card.id);
  if (stamps > 0) await addStamps(deps(), store.actor, { customerCardId: customerCard.id, stamps });
  const customerCardId = globalIdOf('CustomerCard', customerCard.id);
  const remove = async (input: Record<string, unknown>) =>
    (await api.data(store.token, REMOVE, { input: { customerCardId, ...input } })).removeStamps;
  return { ...store, customerCard, customerCardId, remove };
}

describe('removeStamps', () => {
  it('writes a negative CORRECTION entry with its reason; the balance stays the sum of the ledger; a completed card is active again', async () => {
    const s = await scene(5);
    const result = await s.remove({ stamps: 2, reason: 'Stamped twice by mistake' });
    expect(result.userErrors).toEqual([]);
    expect(result.customerCard).toEqual({ databaseId: s.customerCard.id, stampsCount: 3, status: 'ACTIVE' });
    expect(result.ledgerEntry).toMatchObject({ kind: 'CORRECTION', delta: -2, balanceAfter: 3, reason: 'Stamped twice by mistake', source: 'GRAPHQL' });
    expect(await ledgerSum(deps().db, s.customerCard.id)).toBe(3);
  });

  it('never goes below zero: more than the card holds is refused and nothing changes', async () => {
    const s = await scene(2);
    const result = await s.remove({ stamps: 3, reason: 'Too many' });
    expect(result.customerCard).toBeNull();
    expect(result.userErrors).toEqual([
      { field: ['input', 'stamps'], message: 'cannot take 3 off: the card holds fewer, and a balance never goes below zero', code: 'NOT_ENOUGH_STAMPS', retryAt: null },
    ]);
    expect((await s.remove({ stamps: 2, reason: 'All of them' })).customerCard.stampsCount).toBe(0);
    expect((await s.remove({ stamps: 1, reason: 'One more' })).userErrors[0].code).toBe('NOT_ENOUGH_STAMPS');
    expect(await ledgerSum(deps().db, s.customerCard.id)).toBe(0);
  });

  it('20 concurrent corrections of one stamp from 5: five are taken, the balance never below zero', async () => {
    const s = await scene(5);
    const results = await Promise.all(Array.from({ length: 20 }, () => s.remove({ stamps: 1, reason: 'race' })));
    expect(results.filter((r) => r.userErrors.length === 0)).toHaveLength(5);
    expect(results.filter((r) => r.userErrors[0]?.code === 'NOT_ENOUGH_STAMPS')).toHaveLength(15);
    const card = await deps().db.customerCard.findUniqueOrThrow({ where: { id: s.customerCard.id } });
    expect(card.stampsCount).toBe(0);
    expect(await ledgerSum(deps().db, s.customerCard.id)).toBe(0);
  });

  it.each([
    [{ stamps: 0, reason: 'x' }, 'stamps', 'must be greater than or equal to 1'],
    [{ stamps: -2, reason: 'x' }, 'stamps', 'must be greater than or equal to 1'],
    [{ stamps: 1, reason: '   ' }, 'reason', "can't be blank"],
    [{ stamps: 1, reason: 'r'.repeat(201) }, 'reason', 'is too long (maximum is 200 characters)'],
    [{ stamps: 1, reason: 'a\u0000b' }, 'reason', 'must not contain NUL characters'],
  ])('refuses %j', async (input, field, message) => {
    const s = await scene(3);
    const result = await s.remove(input);
    expect(result.userErrors).toEqual([{ field: ['input', field], message, code: 'INVALID', retryAt: null }]);
    expect(await ledgerSum(deps().db, s.customerCard.id)).toBe(3);
  });

  it('a retry with the same idempotency key returns the first correction and takes nothing more', async () => {
    const s = await scene(4);
    const input = { stamps: 1, reason: 'Wrong card', idempotencyKey: 'fix-1' };
    const first = await s.remove(input);
    const again = await s.remove(input);
    expect(again.ledgerEntry.databaseId).toBe(first.ledgerEntry.databaseId);
    expect(again.customerCard.stampsCount).toBe(3);
    expect((await s.remove({ ...input, stamps: 2 })).userErrors[0].code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it("another store's customer card does not exist for the caller", async () => {
    const s = await scene(3);
    const other = await newStore(t.runtime);
    const data = await api.data(other.token, REMOVE, { input: { customerCardId: s.customerCardId, stamps: 1, reason: 'x' } });
    expect(data.removeStamps.userErrors).toEqual([{ field: ['input', 'customerCardId'], message: 'Customer card not found', code: 'NOT_FOUND', retryAt: null }]);
    expect(await ledgerSum(deps().db, s.customerCard.id)).toBe(3);
  });

  it('emits stamp.removed to the event log, queues webhook deliveries and the wallet pass update in the same transaction', async () => {
    const s = await scene(4);
    await createWebhookSubscription(deps(), s.actor, { targetUrl: 'http://127.0.0.1:9/hook', events: ['stamp.removed'] });
    await createWebhookSubscription(deps(), s.actor, { targetUrl: 'http://127.0.0.1:9/other', events: ['stamp.earned'] });
    await deps().db.customerCard.update({ where: { id: s.customerCard.id }, data: { passInstalled: true } });
    const passUpdatesBefore = await deps().db.outboxMessage.count({ where: { topic: PASS_UPDATE_TOPIC } });

    const result = await s.remove({ stamps: 1, reason: 'Returned the coffee' });
    expect(result.userErrors).toEqual([]);

    const [event] = await deps().db.storeEvent.findMany({ where: { storeId: s.actor.storeId, type: 'stamp.removed' } });
    expect(event).toMatchObject({ customerCardId: s.customerCard.id, ledgerEntryId: result.ledgerEntry.databaseId });
    expect(event!.data).toMatchObject({
      customer_card: { id: s.customerCard.id, stamps_count: 3 },
      ledger_entry: { id: result.ledgerEntry.databaseId, kind: 'correction', delta: -1, balance_after: 3, reason: 'Returned the coffee' },
      reason: 'Returned the coffee',
    });
    const deliveries = await deps().db.outboxMessage.findMany({ where: { topic: DELIVERY_TOPIC } });
    expect(deliveries.filter((m) => (m.payload as { eventId: string }).eventId === event!.id)).toHaveLength(1);
    const passUpdates = await deps().db.outboxMessage.findMany({ where: { topic: PASS_UPDATE_TOPIC } });
    expect(passUpdates).toHaveLength(passUpdatesBefore + 1);
    expect(passUpdates.at(-1)!.payload).toEqual({ customerCardId: s.customerCard.id, notify: true });
  });

  it('is pushed to stampsChanged subscribers as a CORRECTION', async () => {
    const s = await scene(4);
    const sse = await subscribeSse(
      t.url,
      s.token,
      `subscription($id: ID) { stampsChanged(customerCardId: $id) { kind delta customerCard { stampsCount status } ledgerEntry { kind reason } } }`,
      { id: s.customerCardId },
    );
    expect(sse.status).toBe(200);
    await s.remove({ stamps: 3, reason: 'Refund' });
    expect((await sse.results.data()).stampsChanged).toEqual({
      kind: 'CORRECTION',
      delta: -3,
      customerCard: { stampsCount: 1, status: 'ACTIVE' },
      ledgerEntry: { kind: 'CORRECTION', reason: 'Refund' },
    });
    sse.close();
  });

  it('is in the store feed and replayed after a cursor, like every balance change', async () => {
    const s = await scene(4);
    const feed = async () =>
      (await api.data(s.token, `{ store { events(last: 10) { nodes { kind delta cursor } } } }`)).store.events.nodes as {
        kind: string;
        delta: number;
        cursor: string;
      }[];
    const before = await feed();
    await s.remove({ stamps: 2, reason: 'Refund' });
    const after = await feed();
    expect(after.slice(0, -1)).toEqual(before);
    expect(after.at(-1)).toMatchObject({ kind: 'CORRECTION', delta: -2 });
    const corrections = (await api.data(s.token, `{ store { events(last: 10, kinds: [CORRECTION]) { nodes { kind delta } } } }`)).store.events.nodes;
    expect(corrections).toEqual([{ kind: 'CORRECTION', delta: -2 }]);

    const sse = await subscribeSse(t.url, s.token, `subscription($id: ID, $after: String) { stampsChanged(customerCardId: $id, after: $after) { kind delta } }`, {
      id: s.customerCardId,
      after: before.at(-1)!.cursor,
    });
    expect((await sse.results.data()).stampsChanged).toEqual({ kind: 'CORRECTION', delta: -2 });
    sse.close();
  });

  describe('who may', () => {
    const STAMP = `mutation($input: AddStampsInput!) { addStamps(input: $input) { userErrors { code } } }`;
    const stampAs = async (token: string, customerCardId: string, stamps: number) =>
      expect((await api.data(token, STAMP, { input: { customerCardId, stamps } })).addStamps.userErrors).toEqual([]);
    const removeAs = (token: string, customerCardId: string, stamps: number) =>
      api.raw(REMOVE, { token, variables: { input: { customerCardId, stamps, reason: 'Wrong card' } } });

    it('a till token takes back its own latest stamp, no more than it gave; nobody else\'s', async () => {
      const s = await scene(3);
      const till = await createApiToken(deps().db, s.actor.storeId, { scope: 'till', name: 'Counter' });
      const other = await createApiToken(deps().db, s.actor.storeId, { scope: 'till', name: 'Other counter' });
      await stampAs(till, s.customerCardId, 2);

      const tooMany = await removeAs(till, s.customerCardId, 3);
      expect(tooMany.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const notTheirs = await removeAs(other, s.customerCardId, 1);
      expect(notTheirs.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(await ledgerSum(deps().db, s.customerCard.id)).toBe(5);

      const own = await removeAs(till, s.customerCardId, 2);
      expect(own.body.errors).toBeUndefined();
      expect(own.body.data.removeStamps).toMatchObject({ customerCard: { stampsCount: 3 }, userErrors: [] });
      // Its correction is now the latest entry: a second one is an admin's call.
      await stampAs(s.token, s.customerCardId, 1);
      expect((await removeAs(till, s.customerCardId, 1)).body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect((await removeAs(s.token, s.customerCardId, 1)).body.data.removeStamps.userErrors).toEqual([]);
    });

    it('concurrent corrections from a till take back its stamp once, never other stamps; its retry is a replay', async () => {
      const s = await scene(4);
      const till = await createApiToken(deps().db, s.actor.storeId, { scope: 'till', name: 'Counter' });
      await stampAs(till, s.customerCardId, 2);
      const answers = await Promise.all(Array.from({ length: 5 }, () => removeAs(till, s.customerCardId, 2)));
      const taken = answers.filter((answer) => answer.body.data?.removeStamps?.userErrors?.length === 0);
      const refused = answers.filter((answer) => answer.body.errors?.[0]?.extensions?.code === 'FORBIDDEN');
      expect([taken.length, refused.length]).toEqual([1, 4]);
      expect(await ledgerSum(deps().db, s.customerCard.id)).toBe(4);

      await stampAs(till, s.customerCardId, 1);
      const input = { customerCardId: s.customerCardId, stamps: 1, reason: 'Twice', idempotencyKey: 'till-retry' };
      const first = await api.raw(REMOVE, { token: till, variables: { input } });
      const retry = await api.raw(REMOVE, { token: till, variables: { input } });
      expect(first.body.errors).toBeUndefined();
      expect(retry.body).toEqual(first.body);
      expect(await ledgerSum(deps().db, s.customerCard.id)).toBe(4);
    });

    it('a read token may not take stamps back', async () => {
      const s = await scene(3);
      const read = await createApiToken(deps().db, s.actor.storeId, { scope: 'read' });
      expect((await removeAs(read, s.customerCardId, 1)).body).toMatchObject({ data: { removeStamps: null }, errors: [{ extensions: { code: 'FORBIDDEN' } }] });
      expect(await ledgerSum(deps().db, s.customerCard.id)).toBe(3);
    });
  });
});
