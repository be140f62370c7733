import { describe, expect, it } from 'vitest';
import { type Deps, WriteSource } from '../../src/domain/context.ts';
import { ErrorCode } from '../../src/domain/errors.ts';
import {
  authenticateToken,
  createApiToken,
  createStore,
  displayStoreName,
  getStore,
  hashToken,
  type StoreInput,
  updateStore,
} from '../../src/domain/stores/store.service.ts';
import { authenticate, bearerToken } from '../../src/http/auth.ts';
import { expectDomainError } from '../helpers/errors.ts';
import { newStore, useRuntime } from '../helpers/runtime.ts';

const t = useRuntime();
const deps = (): Deps => t.runtime.deps;

/** Every value of every api_tokens row, as text. */
async function tokenTableText(): Promise<string> {
  return JSON.stringify(await deps().db.apiToken.findMany());
}

describe('createStore', () => {
  it('creates a store with a trimmed name and a token that authenticates as it', async () => {
    const { store, token } = await createStore(deps().db, '  Blue Door Cafe ');
    expect(store).toMatchObject({ name: 'Blue Door Cafe', storeName: null, personal: false });
    expect(token).toMatch(/^sl_[A-Za-z0-9_-]{43}$/);
    expect(await authenticateToken(deps().db, token)).toBe(store.id);
  });

  it.each([
    ['no name', undefined, "can't be blank"],
    ['a blank name', '   ', "can't be blank"],
    ['a name that is not text', 42, 'must be a string'],
    ['an overlong name', 'x'.repeat(101), 'is too long (maximum is 100 characters)'],
  ])('refuses %s on name and creates nothing', async (_label, name, message) => {
    const before = await deps().db.store.count();
    const error = await expectDomainError(createStore(deps().db, name), ErrorCode.INVALID, ['name']);
    expect(error.fields.name).toEqual([message]);
    expect(await deps().db.store.count()).toBe(before);
  });
});

describe('API tokens', () => {
  it('keeps only a SHA-256 of each token, never the token', async () => {
    const { store, token } = await createStore(deps().db, 'Hashed');
    const second = await createApiToken(deps().db, store.id);
    const rows = await deps().db.apiToken.findMany({ where: { storeId: store.id }, orderBy: { id: 'asc' } });
    expect(rows.map((r) => r.tokenHash)).toEqual([hashToken(token), hashToken(second)]);
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    const text = await tokenTableText();
    for (const raw of [token, second]) {
      expect(text).not.toContain(raw);
      // The kept prefix identifies a token to its owner without revealing enough to use it.
      expect(text).not.toContain(raw.slice(0, 16));
    }
  });

  it('issues independent tokens that each authenticate as the store', async () => {
    const { store, token } = await createStore(deps().db, 'Two tokens');
    const second = await createApiToken(deps().db, store.id);
    expect(second).not.toBe(token);
    expect(await authenticateToken(deps().db, token)).toBe(store.id);
    expect(await authenticateToken(deps().db, second)).toBe(store.id);
  });

  it('authenticates nothing for an unknown, malformed or revoked token', async () => {
    const { store, token } = await createStore(deps().db, 'Revoking');
    const other = await createApiToken(deps().db, store.id);
    for (const bad of ['', 'sl_', `${token}x`, token.slice(0, -1), token.slice(3), `sl_${'a'.repeat(300)}`, token.toUpperCase()]) {
      expect(await authenticateToken(deps().db, bad)).toBeUndefined();
    }
    await deps().db.apiToken.update({ where: { tokenHash: hashToken(token) }, data: { revokedAt: new Date() } });
    expect(await authenticateToken(deps().db, token)).toBeUndefined();
    expect(await authenticateToken(deps().db, other)).toBe(store.id);
  });

  it('refuses to issue a token for a store that does not exist', async () => {
    for (const id of [999_999, 0, -1, 1.5, Number.NaN, 2 ** 31]) {
      await expectDomainError(createApiToken(deps().db, id), ErrorCode.NOT_FOUND);
    }
  });

  it('turns an Authorization header into the actor of its store', async () => {
    const { actor, token } = await newStore(t.runtime);
    expect(bearerToken(`Bearer ${token}`)).toBe(token);
    expect(bearerToken(`bearer   ${token}  `)).toBe(token);
    for (const header of [null, undefined, '', token, `Basic ${token}`, `Bearer ${token} extra`, 'Bearer']) {
      expect(bearerToken(header)).toBeUndefined();
    }
    expect(await authenticate(t.runtime, `Bearer ${token}`, WriteSource.REST)).toEqual({
      storeId: actor.storeId,
      source: 'REST',
      principal: { kind: 'TOKEN', tokenId: expect.any(Number), scope: 'admin', name: expect.stringMatching(/^API token sl_/) },
    });
    expect(await authenticate(t.runtime, 'Bearer sl_unknown', WriteSource.REST)).toBeUndefined();
    expect(await authenticate(t.runtime, null, WriteSource.GRAPHQL)).toBeUndefined();
  });
});

describe('getStore and updateStore', () => {
  it('reads and updates the actor’s own store', async () => {
    const { actor } = await newStore(t.runtime);
    const store = await getStore(deps(), actor);
    expect(store.id).toBe(actor.storeId);
    const updated = await updateStore(deps(), actor, actor.storeId, { storeName: 'Blue Door', name: ' Renamed ' });
    expect(updated).toMatchObject({ name: 'Renamed', storeName: 'Blue Door' });
    expect(displayStoreName(updated)).toBe('Blue Door');
    const cleared = await updateStore(deps(), actor, actor.storeId, { storeName: null });
    expect(displayStoreName(cleared)).toBe('Renamed');
    expect(await updateStore(deps(), actor, actor.storeId, {})).toEqual(cleared);
  });

  it('refuses bad names and changes nothing', async () => {
    const { actor } = await newStore(t.runtime);
    const before = await getStore(deps(), actor);
    await expectDomainError(updateStore(deps(), actor, actor.storeId, { name: '' }), ErrorCode.INVALID, ['name']);
    await expectDomainError(updateStore(deps(), actor, actor.storeId, { storeName: 'x'.repeat(101) }), ErrorCode.INVALID, ['storeName']);
    expect(await getStore(deps(), actor)).toEqual(before);
  });

  it('ignores keys that are not store settings', async () => {
    const { actor } = await newStore(t.runtime);
    const before = await getStore(deps(), actor);
    const after = await updateStore(deps(), actor, actor.storeId, { personal: true, id: 12345 } as StoreInput);
    expect(after).toEqual(before);
  });

  it('treats any other store as not found, whether it exists or not', async () => {
    const a = await newStore(t.runtime);
    const b = await newStore(t.runtime);
    await expectDomainError(getStore(deps(), a.actor, b.actor.storeId), ErrorCode.NOT_FOUND);
    await expectDomainError(getStore(deps(), a.actor, 999_999), ErrorCode.NOT_FOUND);
    await expectDomainError(updateStore(deps(), a.actor, b.actor.storeId, { name: 'Taken over' }), ErrorCode.NOT_FOUND);
    expect((await getStore(deps(), b.actor)).name).not.toBe('Taken over');
  });
});
