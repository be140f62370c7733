import { describe, expect, it } from 'vitest';
import { PosterSchema } from '../../src/rest/presenters/poster.ts';
import { seedCard } from '../helpers/factories.ts';
import { POSTER_KEYS } from '../helpers/leal-shapes.ts';
import { expectError, expectShape, expectStatus, ISO_MS, restStore } from '../helpers/rest.ts';
import { useServer } from '../helpers/server.ts';

const t = useServer({ PUBLIC_URL: 'https://stamps.example' });
const deps = () => t.runtime.deps;

describe('posters', () => {
  it('creates a poster (201) with generated public URLs and every documented key', async () => {
    const { api, path, actor } = await restStore(t);
    const { card } = await seedCard(deps(), actor, { cardColor: '#112233' });
    const response = expectStatus(await api.post(`${path}/posters`, { poster: { card_id: card.id, title: 'Join our club', paper_size: 'a5' } }), 201);
    expectShape(response.body, POSTER_KEYS, PosterSchema.strict());
    const slug = /\/p\/([A-Za-z0-9_-]+)$/.exec(response.body.signup_url)?.[1];
    expect(slug).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(response.body).toMatchObject({
      account_id: actor.storeId,
      card_id: card.id,
      title: 'Join our club',
      paper_size: 'a5',
      primary_color: '#112233',
      active: true,
      signup_url: `https://stamps.example/p/${slug}`,
      qr_code_url: `https://stamps.example/p/${slug}/qr`,
      display_url: `https://stamps.example/p/${slug}/display`,
      contact_collection_mode: 'email_and_phone',
      collect_email: true,
      collect_phone: true,
      require_email: false,
      require_phone: false,
      require_birthday: false,
      minimum_age: null,
    });
    expect(response.body.updated_at).toMatch(ISO_MS);
  });

  it('creates from a form body with booleans as 1/0 and derives what the form collects', async () => {
    const { api, path, actor } = await restStore(t);
    const { card } = await seedCard(deps(), actor);
    const body = { poster: { card_id: String(card.id), active: '0', contact_collection_mode: 'phone_only', require_phone: '1', require_birthday: 'true', minimum_age: '18' } };
    const poster = expectStatus(await api.post(`${path}/posters`, body, { form: true }), 201).body;
    expect(poster).toMatchObject({ active: false, collect_email: false, collect_phone: true, require_phone: true, require_birthday: true, minimum_age: 18 });
  });

  it('lists with card_id and presence-based active filters, shows, updates and deletes', async () => {
    const { api, path, actor } = await restStore(t);
    const one = await seedCard(deps(), actor);
    const two = await seedCard(deps(), actor);
    const a = expectStatus(await api.post(`${path}/posters`, { poster: { card_id: one.card.id } }), 201).body;
    const b = expectStatus(await api.post(`${path}/posters`, { poster: { card_id: two.card.id, active: false } }), 201).body;
    const ids = async (query: string) => (expectStatus(await api.get(`${path}/posters${query}`), 200).body as { id: number }[]).map((p) => p.id);
    expect(await ids('')).toEqual([a.id, b.id]);
    expect(await ids(`?card_id=${two.card.id}`)).toEqual([b.id]);
    expect(await ids('?active')).toEqual([a.id]);
    expect(await ids('?active=false')).toEqual([a.id]);
    expect(await ids('?card_id=999999')).toEqual([]);
    expectError(await api.get(`${path}/posters?card_id=two`), 422, ['card_id']);

    expect(expectStatus(await api.get(`${path}/posters/${b.id}`), 200).body).toEqual(b);
    const updated = expectStatus(await api.patch(`${path}/posters/${b.id}`, { poster: { active: true, title: 'Now', card_id: one.card.id } }), 200).body;
    expect(updated).toMatchObject({ active: true, title: 'Now', card_id: two.card.id, signup_url: b.signup_url });

    const deleted = await api.delete(`${path}/posters/${b.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    const gone = await api.get(`${path}/posters/${b.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ error: 'Poster not found' });
  });

  it.each([
    [{ poster: {} }, 'card_id'],
    [{ poster: { card_id: 1, paper_size: 'a3' } }, 'paper_size'],
    [{ poster: { card_id: 1, primary_color: 'red' } }, 'primary_color'],
    [{ poster: { card_id: 1, active: 'sometimes' } }, 'active'],
    [{ poster: { card_id: 1, contact_collection_mode: 'email_only', require_phone: true } }, 'require_phone'],
    [{ poster: { card_id: 1, minimum_age: 18 } }, 'minimum_age'],
  ])('refuses %j with 422 on %s and creates nothing', async (body, field) => {
    const { api, path, actor } = await restStore(t);
    const { card } = await seedCard(deps(), actor);
    const withCard = { poster: { ...body.poster, ...('card_id' in body.poster ? { card_id: card.id } : {}) } };
    expectError(await api.post(`${path}/posters`, withCard), 422, [field]);
    expect(expectStatus(await api.get(`${path}/posters`), 200).body).toEqual([]);
  });

  it('answers 404 for a card of no card of the store and 422 for an archived card', async () => {
    const { api, path, actor } = await restStore(t);
    const { card } = await seedCard(deps(), actor);
    const unknown = await api.post(`${path}/posters`, { poster: { card_id: 999999 } });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: 'Card not found' });
    await api.patch(`${path}/cards/${card.id}`, { card: { archived: true } });
    expectError(await api.post(`${path}/posters`, { poster: { card_id: card.id } }), 422, ['card_id']);
  });

  it('answers a retried Idempotency-Key with the first poster', async () => {
    const { api, path, actor } = await restStore(t);
    const { card } = await seedCard(deps(), actor);
    const headers = { 'Idempotency-Key': 'poster-1' };
    const first = expectStatus(await api.post(`${path}/posters`, { poster: { card_id: card.id } }, { headers }), 201);
    const again = expectStatus(await api.post(`${path}/posters`, { poster: { card_id: card.id } }, { headers }), 201);
    expect(again.body).toEqual(first.body);
  });
});
