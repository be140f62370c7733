import { describe, expect, it } from 'vitest';
import { setCardArchived } from '../../src/domain/cards/card.service.ts';
import type { Deps } from '../../src/domain/context.ts';
import { ErrorCode } from '../../src/domain/errors.ts';
import {
  createPoster,
  deletePoster,
  getPoster,
  listPosters,
  updatePoster,
} from '../../src/domain/posters/poster.service.ts';
import { posterUrls } from '../../src/links.ts';
import { expectDomainError } from '../helpers/domain-errors.ts';
import { seedCard } from '../helpers/factories.ts';
import { newStore, useRuntime } from '../helpers/runtime.ts';

const t = useRuntime();
const deps = (): Deps => t.runtime.deps;

describe('posters', () => {
  it('creates a poster with defaults taken from its card and an unguessable slug', async () => {
    const { actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor, { cardColor: '#112233', stampColor: '#445566', textColor: '#778899' });
    const poster = await createPoster(deps(), actor, card.id, {});
    expect(poster).toMatchObject({
      cardId: card.id,
      title: null,
      paperSize: 'a4',
      primaryColor: '#112233',
      secondaryColor: '#445566',
      textColor: '#778899',
      active: true,
      contactCollectionMode: 'email_and_phone',
      requireEmail: false,
      requirePhone: false,
      requireBirthday: false,
      minimumAge: null,
    });
    expect(poster.slug).toMatch(/^[A-Za-z0-9_-]{16}$/);
    const other = await createPoster(deps(), actor, card.id, { title: 'Join us', paperSize: 'letter', active: false });
    expect(other.slug).not.toBe(poster.slug);
    expect(posterUrls({ publicUrl: 'https://x.test' }, poster.slug)).toEqual({
      signup: `https://x.test/p/${poster.slug}`,
      qrCode: `https://x.test/p/${poster.slug}/qr`,
      display: `https://x.test/p/${poster.slug}/display`,
    });
  });

  it('filters by card and by active', async () => {
    const { actor } = await newStore(t.runtime);
    const one = await seedCard(deps(), actor);
    const two = await seedCard(deps(), actor);
    const a = await createPoster(deps(), actor, one.card.id, {});
    const b = await createPoster(deps(), actor, two.card.id, { active: false });
    const c = await createPoster(deps(), actor, two.card.id, {});
    expect((await listPosters(deps(), actor)).map((p) => p.id)).toEqual([a.id, b.id, c.id]);
    expect((await listPosters(deps(), actor, { cardId: two.card.id })).map((p) => p.id)).toEqual([b.id, c.id]);
    expect((await listPosters(deps(), actor, { activeOnly: true })).map((p) => p.id)).toEqual([a.id, c.id]);
  });

  it.each([
    [{ paperSize: 'a3' }, 'paperSize'],
    [{ primaryColor: 'red' }, 'primaryColor'],
    [{ title: 'x'.repeat(101) }, 'title'],
    [{ contactCollectionMode: 'sms' }, 'contactCollectionMode'],
    [{ contactCollectionMode: 'phone_only', requireEmail: true }, 'requireEmail'],
    [{ contactCollectionMode: 'email_only', requirePhone: true }, 'requirePhone'],
    [{ minimumAge: 18 }, 'minimumAge'],
    [{ requireBirthday: true, minimumAge: 0 }, 'minimumAge'],
    [{ requireBirthday: true, minimumAge: 121 }, 'minimumAge'],
  ])('refuses %j with errors on %s', async (input, field) => {
    const { actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor);
    await expectDomainError(createPoster(deps(), actor, card.id, input as never), ErrorCode.INVALID, field);
    expect(await listPosters(deps(), actor)).toEqual([]);
  });

  it('checks cross-field rules against the stored poster on update', async () => {
    const { actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor);
    const poster = await createPoster(deps(), actor, card.id, { requireBirthday: true, minimumAge: 16, requireEmail: true });
    await expectDomainError(updatePoster(deps(), actor, poster.id, { requireBirthday: false }), ErrorCode.INVALID, 'minimumAge');
    await expectDomainError(updatePoster(deps(), actor, poster.id, { contactCollectionMode: 'phone_only' }), ErrorCode.INVALID, 'requireEmail');
    const updated = await updatePoster(deps(), actor, poster.id, { requireBirthday: false, minimumAge: null, title: 'Hi' });
    expect(updated).toMatchObject({ requireBirthday: false, minimumAge: null, title: 'Hi', cardId: card.id, slug: poster.slug });
  });

  it('refuses an archived card and a card of another store', async () => {
    const a = await newStore(t.runtime);
    const b = await newStore(t.runtime);
    const { card } = await seedCard(deps(), a.actor);
    await expectDomainError(createPoster(deps(), b.actor, card.id, {}), ErrorCode.NOT_FOUND);
    await setCardArchived(deps(), a.actor, card.id, true);
    await expectDomainError(createPoster(deps(), a.actor, card.id, {}), ErrorCode.CARD_ARCHIVED, 'cardId');
  });

  it("treats another store's poster as not found and deletes for good", async () => {
    const a = await newStore(t.runtime);
    const b = await newStore(t.runtime);
    const { card } = await seedCard(deps(), a.actor);
    const poster = await createPoster(deps(), a.actor, card.id, {});
    await expectDomainError(getPoster(deps(), b.actor, poster.id), ErrorCode.NOT_FOUND);
    await expectDomainError(updatePoster(deps(), b.actor, poster.id, { title: 'x' }), ErrorCode.NOT_FOUND);
    await expectDomainError(deletePoster(deps(), b.actor, poster.id), ErrorCode.NOT_FOUND);
    await deletePoster(deps(), a.actor, poster.id);
    await expectDomainError(getPoster(deps(), a.actor, poster.id), ErrorCode.NOT_FOUND);
  });

  it('returns the first poster for a repeated idempotency key', async () => {
    const { actor } = await newStore(t.runtime);
    const { card } = await seedCard(deps(), actor);
    const first = await createPoster(deps(), actor, card.id, { title: 'A' }, 'poster-1');
    const again = await createPoster(deps(), actor, card.id, { title: 'A' }, 'poster-1');
    expect(again.id).toBe(first.id);
    expect(await listPosters(deps(), actor)).toHaveLength(1);
  });
});
