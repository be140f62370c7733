import { describe, expect, it } from 'vitest';
import {
  type CardInput,
  CardScope,
  createCard,
  getCard,
  listCards,
  setCardArchived,
  updateCard,
} from '../../src/domain/cards/card.service.ts';
import { CARD_DEFAULTS } from '../../src/domain/cards/card.rules.ts';
import type { Deps } from '../../src/domain/context.ts';
import { ErrorCode } from '../../src/domain/errors.ts';
import { createReward } from '../../src/domain/rewards/reward.service.ts';
import { expectDomainError } from '../helpers/errors.ts';
import { seedCard } from '../helpers/factories.ts';
import { newStore, useRuntime } from '../helpers/runtime.ts';
import { storeSnapshot } from '../helpers/snapshot.ts';

const t = useRuntime();
const deps = (): Deps => t.runtime.deps;

const full: CardInput = {
  name: 'Haircut card',
  cardColor: '#112233',
  textColor: '#FFFFFF',
  stampIcon: 'scissors',
  stampColor: '#ABCDEF',
  stampsRequired: 6,
  initialStamps: 1,
  stripType: 'preset',
  stripColor: null,
  stripPreset: 'barber',
  headerText: 'Every 6th cut is free',
};

describe('createCard', () => {
  it('stores every attribute given', async () => {
    const { actor } = await newStore(t.runtime);
    const card = await createCard(deps(), actor, full);
    expect(card).toMatchObject({ ...full, storeId: actor.storeId, archivedAt: null });
    expect(await getCard(deps(), actor, card.id)).toEqual(card);
  });

  it('fills omitted attributes with the defaults', async () => {
    const { actor } = await newStore(t.runtime);
    const card = await createCard(deps(), actor, { name: 'Coffee' });
    expect(card).toMatchObject({ name: 'Coffee', ...CARD_DEFAULTS });
  });

  it.each<[string, CardInput, string[]]>([
    ['no name', {}, ['name']],
    ['a blank name', { name: '  ' }, ['name']],
    ['stampsRequired 0', { name: 'x', stampsRequired: 0 }, ['stampsRequired']],
    ['stampsRequired 22', { name: 'x', stampsRequired: 22 }, ['stampsRequired']],
    ['initialStamps = stampsRequired', { name: 'x', stampsRequired: 5, initialStamps: 5 }, ['initialStamps']],
    ['initialStamps above the default requirement', { name: 'x', initialStamps: 10 }, ['initialStamps']],
    ['negative initialStamps', { name: 'x', initialStamps: -1 }, ['initialStamps']],
    ['a bad card colour', { name: 'x', cardColor: 'brown' }, ['cardColor']],
    ['a short text colour', { name: 'x', textColor: '#FFF' }, ['textColor']],
    ['a bad stamp colour', { name: 'x', stampColor: '#12345G' }, ['stampColor']],
    ['a bad strip colour', { name: 'x', stripColor: '123456' }, ['stripColor']],
    ['an unknown strip type', { name: 'x', stripType: 'gradient' as never }, ['stripType']],
    ['an icon that is not a slug', { name: 'x', stampIcon: 'Coffee Cup' }, ['stampIcon']],
    ['several faults', { name: '', stampsRequired: 30, cardColor: 'x' }, ['name', 'stampsRequired', 'cardColor']],
  ])('refuses %s, naming the field, and creates nothing', async (_label, input, fields) => {
    const { actor } = await newStore(t.runtime);
    const before = await storeSnapshot(deps().db, actor.storeId);
    await expectDomainError(createCard(deps(), actor, input), ErrorCode.INVALID, fields);
    expect(await storeSnapshot(deps().db, actor.storeId)).toEqual(before);
  });

  it('ignores keys that are not card attributes, so a card cannot be planted in another store', async () => {
    const a = await newStore(t.runtime);
    const b = await newStore(t.runtime);
    const card = await createCard(deps(), a.actor, { name: 'Mine', storeId: b.actor.storeId, id: 999_999 } as CardInput);
    expect(card.storeId).toBe(a.actor.storeId);
    expect(card.id).not.toBe(999_999);
    expect(await listCards(deps(), b.actor, CardScope.ALL)).toEqual([]);
  });

  describe('with an idempotency key', () => {
    it('returns the first card for a repeat and writes once', async () => {
      const { actor } = await newStore(t.runtime);
      const first = await createCard(deps(), actor, { name: 'Coffee', stampsRequired: 8 }, 'create-coffee');
      const again = await createCard(deps(), actor, { stampsRequired: 8, name: 'Coffee' }, 'create-coffee');
      expect(again).toEqual(first);
      expect(await listCards(deps(), actor)).toHaveLength(1);
    });

    it('refuses the key for other parameters or another operation, changing nothing', async () => {
      const { actor } = await newStore(t.runtime);
      const { card } = await seedCard(deps(), actor);
      await createCard(deps(), actor, { name: 'Coffee' }, 'k1');
      const before = await storeSnapshot(deps().db, actor.storeId);
      await expectDomainError(createCard(deps(), actor, { name: 'Tea' }, 'k1'), ErrorCode.IDEMPOTENCY_KEY_REUSED, ['idempotencyKey']);
      await expectDomainError(
        createReward(deps(), actor, card.id, { name: 'Free', stampsRequired: 2 }, 'k1'),
        ErrorCode.IDEMPOTENCY_KEY_REUSED,
        ['idempotencyKey'],
      );
      expect(await storeSnapshot(deps().db, actor.storeId)).toEqual(before);
    });

    it('keeps keys per store', async () => {
      const a = await newStore(t.runtime);
      const b = await newStore(t.runtime);
      const mine = await createCard(deps(), a.actor, { name: 'A' }, 'shared-key');
      const theirs = await createCard(deps(), b.actor, { name: 'B' }, 'shared-key');
      expect(theirs.id).not.toBe(mine.id);
      expect(theirs.storeId).toBe(b.actor.storeId);
    });

    it('writes once when retries race', async () => {
      const { actor } = await newStore(t.runtime);
      const results = await Promise.all(
        Array.from({ length: 8 }, () => createCard(deps(), actor, { name: 'Raced' }, 'race-key')),
      );
      expect(new Set(results.map((c) => c.id)).size).toBe(1);
      expect(await listCards(deps(), actor)).toHaveLength(1);
    });

    it('refuses an empty or overlong key', async () => {
      const { actor } = await newStore(t.runtime);
      await expectDomainError(createCard(deps(), actor, { name: 'x' }, ''), ErrorCode.INVALID, ['idempotencyKey']);
      await expectDomainError(createCard(deps(), actor, { name: 'x' }, 'k'.repeat(256)), ErrorCode.INVALID, ['idempotencyKey']);
      expect(await listCards(deps(), actor)).toEqual([]);
    });
  });
});

describe('updateCard', () => {
  it('changes only the given attributes', async () => {
    const { actor } = await newStore(t.runtime);
    const card = await createCard(deps(), actor, full);
    const updated = await updateCard(deps(), actor, card.id, { name: 'Renamed', cardColor: '#000000', headerText: null });
    expect(updated).toMatchObject({ ...full, name: 'Renamed', cardColor: '#000000', headerText: null });
    expect(await updateCard(deps(), actor, card.id, {})).toEqual(updated);
  });

  it.each<[string, CardInput, string[]]>([
    ['stampsRequired 22', { stampsRequired: 22 }, ['stampsRequired']],
    ['stampsRequired below the initial stamps', { stampsRequired: 1 }, ['initialStamps']],
    ['initialStamps at the requirement', { initialStamps: 6 }, ['initialStamps']],
    ['a blank name', { name: '' }, ['name']],
    ['clearing the card colour', { cardColor: null as never }, ['cardColor']],
    ['a bad text colour', { textColor: 'white' }, ['textColor']],
    ['an unknown strip type', { stripType: 'photo' as never }, ['stripType']],
    ['a non-integer stampsRequired', { stampsRequired: '6' as never }, ['stampsRequired']],
  ])('refuses %s and leaves the card as it was', async (_label, input, fields) => {
    const { actor } = await newStore(t.runtime);
    const card = await createCard(deps(), actor, full);
    await expectDomainError(updateCard(deps(), actor, card.id, input), ErrorCode.INVALID, fields);
    expect(await getCard(deps(), actor, card.id)).toEqual(card);
  });

  it('keeps stamps customers hold when stampsRequired is lowered, but not below the dearest reward', async () => {
    const { actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor, { stampsRequired: 10 }, [{ name: 'Big', stampsRequired: 8 }, { name: 'Off', stampsRequired: 9, active: false }]);
    const error = await expectDomainError(updateCard(deps(), actor, card.id, { stampsRequired: 8 }), ErrorCode.INVALID, ['stampsRequired']);
    expect(error.fields.stampsRequired).toEqual(["must be at least 9, the cost of the card's dearest reward"]);
    expect((await getCard(deps(), actor, card.id)).stampsRequired).toBe(10);
    expect((await updateCard(deps(), actor, card.id, { stampsRequired: 9 })).stampsRequired).toBe(9);
  });

  it('ignores keys that are not card attributes', async () => {
    const a = await newStore(t.runtime);
    const b = await newStore(t.runtime);
    const { card } = await seedCard(deps(), a.actor);
    const updated = await updateCard(deps(), a.actor, card.id, { storeId: b.actor.storeId, archivedAt: new Date() } as CardInput);
    expect(updated).toEqual(card);
  });

  it("treats another store's card, and ids no card can have, as not found", async () => {
    const a = await newStore(t.runtime);
    const b = await newStore(t.runtime);
    const { card } = await seedCard(deps(), a.actor);
    for (const id of [card.id, 0, -1, 1.5, Number.NaN, 2 ** 31, Number.MAX_SAFE_INTEGER]) {
      await expectDomainError(updateCard(deps(), b.actor, id, { name: 'Stolen' }), ErrorCode.NOT_FOUND);
      await expectDomainError(getCard(deps(), b.actor, id), ErrorCode.NOT_FOUND);
      await expectDomainError(setCardArchived(deps(), b.actor, id, true), ErrorCode.NOT_FOUND);
    }
    expect(await getCard(deps(), a.actor, card.id)).toEqual(card);
  });
});

describe('archiving', () => {
  it('hides an archived card from the default listing and keeps it under archived and all', async () => {
    const { actor } = await newStore(t.runtime);
    const { card: kept } = await seedCard(deps(), actor, { name: 'Kept' });
    const { card: gone } = await seedCard(deps(), actor, { name: 'Gone' });
    const archived = await setCardArchived(deps(), actor, gone.id, true);
    expect(archived.archivedAt).toBeInstanceOf(Date);
    expect((await listCards(deps(), actor)).map((c) => c.id)).toEqual([kept.id]);
    expect((await listCards(deps(), actor, CardScope.ACTIVE)).map((c) => c.id)).toEqual([kept.id]);
    expect((await listCards(deps(), actor, CardScope.ARCHIVED)).map((c) => c.id)).toEqual([gone.id]);
    expect((await listCards(deps(), actor, CardScope.ALL)).map((c) => c.id)).toEqual([kept.id, gone.id]);
    expect(await getCard(deps(), actor, gone.id)).toEqual(archived);
  });

  it('keeps the first archive time when archived again, and restores', async () => {
    const { actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor);
    const archived = await setCardArchived(deps(), actor, card.id, true);
    expect(await setCardArchived(deps(), actor, card.id, true)).toEqual(archived);
    const restored = await setCardArchived(deps(), actor, card.id, false);
    expect(restored.archivedAt).toBeNull();
    expect((await listCards(deps(), actor)).map((c) => c.id)).toEqual([card.id]);
  });

  it("lists only the caller's cards", async () => {
    const a = await newStore(t.runtime);
    const b = await newStore(t.runtime);
    await seedCard(deps(), a.actor);
    expect(await listCards(deps(), b.actor, CardScope.ALL)).toEqual([]);
  });
});
