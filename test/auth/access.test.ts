import { describe, expect, it } from 'vitest';
import { can, mayRemoveStamps, REMOVE_STAMPS_WINDOW_MS } from '../../src/auth/policy.ts';
import type { Principal } from '../../src/auth/principal.ts';
import { updateCard } from '../../src/domain/cards/card.service.ts';
import { addStamps } from '../../src/domain/customer-cards/customer-card.service.ts';
import { createPoster } from '../../src/domain/posters/poster.service.ts';
import { signUpThroughPoster } from '../../src/domain/posters/poster-signup.service.ts';
import { createApiToken, hashToken } from '../../src/domain/stores/store.service.ts';
import { createWebhookSubscription } from '../../src/domain/webhooks/webhook-subscription.service.ts';
import { globalIdOf } from '../../src/graphql/global-ids.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { graphqlClient } from '../helpers/graphql.ts';
import { expectStatus, restClient, restStore } from '../helpers/rest.ts';
import { tokenActor } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';

const t = useServer();
const deps = () => t.runtime.deps;
const gql = graphqlClient(t);

describe('API tokens through GraphQL', () => {
  it('an admin creates a scoped, named token (secret once), lists tokens without secrets, and revokes one at once', async () => {
    const owner = await restStore(t);
    const created = await gql.data(
      owner.token,
      'mutation { createApiToken(input: {scope: TILL, name: "Front counter"}) { token apiToken { id name scope prefix createdAt lastUsedAt revokedAt } userErrors { code } } }',
    );
    const { token, apiToken } = created.createApiToken;
    expect(token).toMatch(/^sl_/);
    expect(apiToken).toMatchObject({ name: 'Front counter', scope: 'TILL', prefix: token.slice(0, 10), lastUsedAt: null, revokedAt: null });

    // The new till token works, and its use is recorded (at most once a minute).
    expectStatus(await restClient(t, token).get(`${owner.path}/cards`), 200);
    await expect.poll(async () => (await deps().db.apiToken.findUniqueOrThrow({ where: { tokenHash: hashToken(token) } })).lastUsedAt).not.toBeNull();

    const list = await gql.data(owner.token, '{ store { apiTokens { totalCount nodes { name scope prefix lastUsedAt } } } }');
    expect(list.store.apiTokens.totalCount).toBe(2);
    expect(list.store.apiTokens.nodes[0]).toMatchObject({ name: 'Front counter', scope: 'TILL', lastUsedAt: expect.any(String) });
    expect(JSON.stringify(list)).not.toContain(token);

    const revoked = await gql.data(owner.token, 'mutation($id: ID!) { revokeApiToken(input: {id: $id}) { apiToken { revokedAt } userErrors { code } } }', {
      id: apiToken.id,
    });
    expect(revoked.revokeApiToken).toEqual({ apiToken: { revokedAt: expect.any(String) }, userErrors: [] });
    expectStatus(await restClient(t, token).get(`${owner.path}/cards`), 401);

    const audit = await gql.data(owner.token, '{ store { auditLog(first: 2) { nodes { action targetType actor { kind name } changes } } } }');
    expect(audit.store.auditLog.nodes.map((node: { action: string }) => node.action)).toEqual(['apiToken.revoke', 'apiToken.create']);
    expect(audit.store.auditLog.nodes[1].changes).toMatchObject({ scope: { before: null, after: 'till' }, name: { after: 'Front counter' }, tokenHash: { after: '[redacted]' } });
    expect(JSON.stringify(audit)).not.toContain(token);
  });

  it('a till token cannot mint a token or revoke one: FORBIDDEN, nothing changes', async () => {
    const owner = await restStore(t);
    const till = await createApiToken(deps().db, owner.actor.storeId, { scope: 'till', name: 'Till' });
    // Last use is bookkeeping (the refused calls are uses); everything else must stay.
    const tokens = async () => deps().db.apiToken.findMany({ where: { storeId: owner.actor.storeId }, omit: { lastUsedAt: true } });
    const before = await tokens();
    const mint = await gql.errors(till, 'mutation { createApiToken(input: {scope: ADMIN, name: "Mine"}) { token } }');
    expect(mint.body).toMatchObject({ data: { createApiToken: null }, errors: [{ path: ['createApiToken'], extensions: { code: 'FORBIDDEN' } }] });
    const revoke = await gql.errors(till, 'mutation($id: ID!) { revokeApiToken(input: {id: $id}) { apiToken { id } } }', {
      id: globalIdOf('ApiToken', before[0]!.id),
    });
    expect(revoke.body).toMatchObject({ data: { revokeApiToken: null }, errors: [{ extensions: { code: 'FORBIDDEN' } }] });
    expect(await tokens()).toEqual(before);
  });

  it('refuses an unknown scope or an overlong name as user errors', async () => {
    const owner = await restStore(t);
    const data = await gql.data(owner.token, `mutation { createApiToken(input: {name: "${'x'.repeat(101)}"}) { token userErrors { field code } } }`);
    expect(data.createApiToken).toEqual({ token: null, userErrors: [{ field: ['input', 'name'], code: 'INVALID' }] });
  });
});

describe('the audit log', () => {
  it('records changed fields with before and after, secrets redacted, newest first', async () => {
    const owner = await restStore(t);
    const { card } = await seedCard(deps(), owner.actor, { name: 'Before' });
    expectStatus(await owner.api.patch(`${owner.path}/cards/${card.id}`, { card: { name: 'After' } }), 200);
    const subscription = await createWebhookSubscription(deps(), owner.actor, { targetUrl: 'https://93.184.215.14/hook' });
    expectStatus(await owner.api.post(`${owner.path}/webhook_subscriptions/${subscription.id}/rotate_secret`), 200);
    const data = await gql.data(owner.token, '{ store { auditLog { totalCount nodes { action targetType targetId actor { kind name } changes } } } }');
    const [rotate, createHook, update, createCard] = data.store.auditLog.nodes;
    expect(data.store.auditLog.totalCount).toBe(4);
    expect(update).toEqual({
      action: 'card.update',
      targetType: 'Card',
      targetId: card.id,
      actor: { kind: 'TOKEN', name: expect.stringMatching(/^API token sl_/) },
      changes: { name: { before: 'Before', after: 'After' } },
    });
    expect(createCard.action).toBe('card.create');
    expect(createHook.action).toBe('webhook.create');
    expect(rotate).toMatchObject({ action: 'webhook.rotateSecret', changes: { secretSealed: { before: '[redacted]', after: '[redacted]' } } });
    const row = await deps().db.webhookSubscription.findUniqueOrThrow({ where: { id: subscription.id } });
    expect(JSON.stringify(data)).not.toContain(row.secretSealed);
  });

  it("chains concurrent changes of one row: each entry's before is the previous entry's after", async () => {
    const owner = await restStore(t);
    const { card } = await seedCard(deps(), owner.actor, { name: 'Name 0' });
    const names = Array.from({ length: 8 }, (_, index) => `Name ${index + 1}`);
    await Promise.all(names.map((name) => updateCard(deps(), owner.actor, card.id, { name })));
    const entries = await deps().db.auditLogEntry.findMany({
      where: { storeId: owner.actor.storeId, action: 'card.update', targetId: card.id },
      orderBy: { id: 'asc' },
    });
    const changes = entries.map((entry) => (entry.changes as { name: { before: string; after: string } }).name);
    expect(changes).toHaveLength(names.length);
    expect(changes.map((change) => change.before)).toEqual(['Name 0', ...changes.slice(0, -1).map((change) => change.after)]);
    const stored = await deps().db.card.findUniqueOrThrow({ where: { id: card.id } });
    expect(changes.at(-1)!.after).toBe(stored.name);
  });

  it('is append-only: the database refuses (SQLite) or ignores (PostgreSQL) any change or removal of an entry', async () => {
    const owner = await restStore(t);
    await seedCard(deps(), owner.actor, { name: 'Audited' });
    const entry = await deps().db.auditLogEntry.findFirstOrThrow({ where: { storeId: owner.actor.storeId } });
    const attempts: Array<() => Promise<unknown>> = [
      () => deps().db.auditLogEntry.update({ where: { id: entry.id }, data: { action: 'card.read' } }),
      () => deps().db.auditLogEntry.updateMany({ where: { storeId: owner.actor.storeId }, data: { actorName: 'Someone else' } }),
      () => deps().db.auditLogEntry.delete({ where: { id: entry.id } }),
      () => deps().db.auditLogEntry.deleteMany({ where: { storeId: owner.actor.storeId } }),
      // Raw SQL, past the client, meets the same guard.
      () => deps().db.$executeRawUnsafe(`UPDATE audit_log SET action = 'x' WHERE id = ${entry.id}`),
      () => deps().db.$executeRawUnsafe(`DELETE FROM audit_log WHERE id = ${entry.id}`),
    ];
    for (const attempt of attempts) {
      const outcome = await attempt().then(
        (result) => (typeof result === 'number' ? result : (result as { count?: number }).count),
        () => 'refused',
      );
      expect(['refused', 0]).toContain(outcome);
    }
    expect(await deps().db.auditLogEntry.findUniqueOrThrow({ where: { id: entry.id } })).toEqual(entry);
  });

  it('a refused write leaves no entry', async () => {
    const owner = await restStore(t);
    const { card } = await seedCard(deps(), owner.actor, { name: 'Kept' });
    const read = await createApiToken(deps().db, owner.actor.storeId, { scope: 'read' });
    const before = await deps().db.auditLogEntry.count({ where: { storeId: owner.actor.storeId } });
    const response = await restClient(t, read).patch(`${owner.path}/cards/${card.id}`, { card: { name: 'Changed' } });
    expect(response.status).toBe(403);
    expect(response.body).toEqual({ error: 'Forbidden', errors: { scope: ['This API token (scope read) may not change a card, archive or unarchive it'] } });
    expect(await deps().db.auditLogEntry.count({ where: { storeId: owner.actor.storeId } })).toBe(before);
  });
});

describe('every ledger entry says who made it', () => {
  it('REST and GraphQL stamps name their token; a poster sign-up its poster; the system itself', async () => {
    const owner = await restStore(t);
    const { card } = await seedCard(deps(), owner.actor, { stampsRequired: 10, initialStamps: 1 });
    const { customer, customerCard } = await seedCustomerCard(deps(), owner.actor, card.id);
    const till = await createApiToken(deps().db, owner.actor.storeId, { scope: 'till', name: 'Front counter' });
    const tillRow = await deps().db.apiToken.findUniqueOrThrow({ where: { tokenHash: hashToken(till) } });
    expectStatus(await restClient(t, till).post(`${owner.path}/customers/${customer.id}/customer_cards/${customerCard.id}/stamp`, { stamps: 1 }), 200);
    const viaGraphql = await gql.data(till, 'mutation($id: ID!) { addStamps(input: {customerCardId: $id, stamps: 1}) { ledgerEntry { actor { kind name } } } }', {
      id: globalIdOf('CustomerCard', customerCard.id),
    });
    expect(viaGraphql.addStamps.ledgerEntry.actor).toEqual({ kind: 'TOKEN', name: 'Front counter' });
    const poster = await createPoster(deps(), owner.actor, card.id, {});
    const signup = await signUpThroughPoster(deps(), poster.slug, { firstName: 'Poster', email: 'poster@example.com' }, 'attribution-test');
    expect(signup.kind).toBe('enrolled');

    const entries = await deps().db.ledgerEntry.findMany({ where: { storeId: owner.actor.storeId }, orderBy: { id: 'asc' } });
    expect(entries.map((entry) => [entry.kind, entry.actorKind, entry.actorTokenId, entry.actorName])).toEqual([
      ['WELCOME', 'TOKEN', owner.actor.principal.kind === 'TOKEN' ? owner.actor.principal.tokenId : -1, expect.stringMatching(/^API token sl_/)],
      ['STAMP', 'TOKEN', tillRow.id, 'Front counter'],
      ['STAMP', 'TOKEN', tillRow.id, 'Front counter'],
      ['WELCOME', 'SIGNUP', null, `Poster ${poster.id} sign-up`],
    ]);
    // REST keeps Leal's ledger shape: no actor key there.
    const rest = await owner.api.get(`${owner.path}/customers/${customer.id}/customer_cards/${customerCard.id}`);
    expect(JSON.stringify(rest.body)).not.toContain('actor');
  });

  it('a customer page (card holder) may read only its own card, and write nothing', () => {
    const holder: Principal = { kind: 'CARD_HOLDER', customerCardId: 7 };
    expect(can(holder, 'customer.read', { customerCardId: 7 })).toBe(true);
    expect(can(holder, 'customer.read', { customerCardId: 8 })).toBe(false);
    expect(can(holder, 'ledger.addStamps', { customerCardId: 7 })).toBe(false);
    expect(can(holder, 'store.read')).toBe(false);
    const signup: Principal = { kind: 'SIGNUP', posterId: 1, cardId: 3 };
    expect(can(signup, 'customer.create', { cardId: 3 })).toBe(true);
    expect(can(signup, 'customer.create', { cardId: 4 })).toBe(false);
    expect(can(signup, 'ledger.addStamps')).toBe(false);
  });
});

describe('taking stamps back (the rule removeStamps asks)', () => {
  const now = new Date('2026-12-07T12:00:00.000Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const till: Principal = { kind: 'TOKEN', tokenId: 5, scope: 'till', name: 'Till' };
  it('a till token only its own stamps, within the window; admin always; read never', () => {
    expect(mayRemoveStamps(till, { actorTokenId: 5, createdAt: ago(60_000) }, now)).toBe(true);
    expect(mayRemoveStamps(till, { actorTokenId: 5, createdAt: ago(REMOVE_STAMPS_WINDOW_MS) }, now)).toBe(false);
    expect(mayRemoveStamps(till, { actorTokenId: 6, createdAt: ago(60_000) }, now)).toBe(false);
    expect(mayRemoveStamps(till, { actorTokenId: null, createdAt: ago(60_000) }, now)).toBe(false);
    expect(mayRemoveStamps({ ...till, scope: 'admin' }, { actorTokenId: null, createdAt: ago(86_400_000) }, now)).toBe(true);
    expect(mayRemoveStamps({ ...till, scope: 'read' }, { actorTokenId: 5, createdAt: ago(1000) }, now)).toBe(false);
    expect(can(till, 'ledger.removeStamps', { stampsToRemove: { actorTokenId: 5, createdAt: ago(1000) }, now })).toBe(true);
    expect(can(till, 'ledger.removeStamps', { stampsToRemove: { actorTokenId: 5, createdAt: ago(REMOVE_STAMPS_WINDOW_MS + 1) }, now })).toBe(false);
  });

  it('the actor a domain call carries is what the ledger records', async () => {
    const owner = await restStore(t);
    const { card } = await seedCard(deps(), owner.actor, { stampsRequired: 5 });
    const { customerCard } = await seedCustomerCard(deps(), owner.actor, card.id);
    const till = await createApiToken(deps().db, owner.actor.storeId, { scope: 'till', name: 'Counter 2' });
    const { ledgerEntry } = await addStamps(deps(), await tokenActor(t.runtime, till), { customerCardId: customerCard.id, stamps: 1 });
    const row = await deps().db.ledgerEntry.findUniqueOrThrow({ where: { id: ledgerEntry.id } });
    expect(row).toMatchObject({ actorKind: 'TOKEN', actorName: 'Counter 2' });
  });
});
