import { describe, expect, it } from 'vitest';
import { revokeApiToken } from '../../src/domain/stores/token-revocation.ts';
import { createApiToken, hashToken } from '../../src/domain/stores/store.service.ts';
import { globalIdOf } from '../../src/graphql/global-ids.ts';
import { postGraphQL } from '../helpers/graphql.ts';
import { restClient } from '../helpers/rest.ts';
import { connectWs, subscribeSse } from '../helpers/live.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';

// An hour of trust and an hourly sweep: within this file only the revocation notice can end anything.
const t = useServer({ TOKEN_CACHE_SECONDS: '3600' });
const WATCH = 'subscription ($s: ID) { stampsChanged(storeId: $s) { delta } }';

describe('revokeApiToken', () => {
  it('ends the open streams and sockets of the token at once, and every transport refuses it from then on', async () => {
    const store = await newStore(t.runtime);
    const rest = restClient(t, store.token);
    // Cached as valid, for the hour.
    expect((await postGraphQL(t, '{ store { name } }', { token: store.token })).status).toBe(200);
    const sse = await subscribeSse(t.url, store.token, WATCH, { s: globalIdOf('Store', store.actor.storeId) });
    expect(sse.status).toBe(200);
    const socket = connectWs(t.url, { authorization: `Bearer ${store.token}` });
    await socket.acknowledged;

    expect(await revokeApiToken(t.runtime.deps, { token: store.token }, 'system')).toBe('revoked');
    expect(await socket.closed).toMatchObject({ code: 4401, reason: 'The API token was revoked' });
    await sse.ended;
    expect(sse.results.received).toMatchObject([{ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] }]);
    expect((await postGraphQL(t, '{ store { name } }', { token: store.token })).status).toBe(401);
    expect((await rest.get(`/accounts/${store.actor.storeId}`)).status).toBe(401);
    const again = connectWs(t.url, { authorization: `Bearer ${store.token}` });
    expect((await again.closed).code).toBe(4401);
  });

  it('says when the token was already revoked or matches nothing, and announces nothing then', async () => {
    const store = await newStore(t.runtime);
    const notices: string[] = [];
    const stop = t.runtime.deps.events.subscribe((event) => event.type === 'token.revoked' && notices.push(event.tokenHash));
    try {
      expect(await revokeApiToken(t.runtime.deps, { token: store.token }, 'system')).toBe('revoked');
      expect(await revokeApiToken(t.runtime.deps, { token: store.token }, 'system')).toBe('already revoked');
      expect(await revokeApiToken(t.runtime.deps, { token: 'sl_no_such_token' }, 'system')).toBe('unknown');
      expect(notices).toEqual([hashToken(store.token)]);
    } finally {
      stop();
    }
  });

  it("revokes by id only within the token's own store", async () => {
    const owner = await newStore(t.runtime);
    const other = await newStore(t.runtime);
    const second = await createApiToken(t.runtime.deps.db, owner.actor.storeId);
    const row = await t.runtime.deps.db.apiToken.findUniqueOrThrow({ where: { tokenHash: hashToken(second) } });
    expect(await revokeApiToken(t.runtime.deps, { id: row.id, storeId: other.actor.storeId }, 'system')).toBe('unknown');
    expect((await postGraphQL(t, '{ store { name } }', { token: second })).status).toBe(200);
    expect(await revokeApiToken(t.runtime.deps, { id: row.id, storeId: owner.actor.storeId }, 'system')).toBe('revoked');
    expect((await postGraphQL(t, '{ store { name } }', { token: second })).status).toBe(401);
    // The store's other token is untouched.
    expect((await postGraphQL(t, '{ store { name } }', { token: owner.token })).status).toBe(200);
  });
});
