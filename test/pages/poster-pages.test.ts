import { describe, expect, it } from 'vitest';
import { setCardArchived, updateCard } from '../../src/domain/cards/card.service.ts';
import { createCustomer } from '../../src/domain/customers/customer.service.ts';
import { updatePoster } from '../../src/domain/posters/poster.service.ts';
import { openForm, seedPoster, submitForm } from '../helpers/poster-form.ts';
import { readQrPng } from '../helpers/qr.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';

const t = useServer({ PUBLIC_URL: 'https://stamps.example.test' });
const deps = () => t.runtime.deps;

describe('GET /p/<slug>', () => {
  it('serves the sign-up form in the poster colours, under the page CSP, with a CSRF cookie', async () => {
    const { actor } = await newStore(t.runtime);
    const { poster } = await seedPoster(deps(), actor, { title: 'Join our <coffee> club', primaryColor: '#123456' });
    const response = await fetch(`${t.url}/p/${poster.slug}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('cache-control')).toBe('no-store');
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^stampline_signup=[\w-]+;/);
    for (const part of ['Max-Age=7200', `Path=/p/${poster.slug}`, 'HttpOnly', 'SameSite=Strict', 'Secure']) expect(cookie).toContain(part);
    const html = await response.text();
    expect(html).toContain('Join our &lt;coffee&gt; club');
    expect(html).toContain(`method="post" action="/p/${poster.slug}"`);
    expect(html).not.toMatch(/<script(?![^>]*src=)|style=/);
    const theme = await fetch(`${t.url}/p/${poster.slug}/theme.css`);
    expect(await theme.text()).toContain('--poster-bg: #123456');
  });

  it('asks exactly what the poster collects', async () => {
    const { actor } = await newStore(t.runtime);
    const inputs = async (settings: Parameters<typeof seedPoster>[2]) => {
      const { poster } = await seedPoster(deps(), actor, settings);
      const { html } = await openForm(t.url, poster.slug);
      return [...html.matchAll(/<input id="signup-(\w+)"([^>]*)>/g)].map((m) => `${m[1]}${/ required\b/.test(m[2]!) ? '*' : ''}`);
    };
    expect(await inputs({})).toEqual(['first_name*', 'last_name', 'email', 'phone', 'website']);
    expect(await inputs({ contactCollectionMode: 'email_only', requireEmail: true })).toEqual(['first_name*', 'last_name', 'email*', 'website']);
    expect(await inputs({ contactCollectionMode: 'phone_only', requireBirthday: true, minimumAge: 18 })).toEqual([
      'first_name*',
      'last_name',
      'phone',
      'birthday*',
      'website',
    ]);
  });

  it('answers 404 for no such poster and 410 for one that takes no sign-ups, in words', async () => {
    const { actor } = await newStore(t.runtime);
    expect((await fetch(`${t.url}/p/nope-nope`)).status).toBe(404);
    const inactive = await seedPoster(deps(), actor, { active: false });
    const archived = await seedPoster(deps(), actor);
    await setCardArchived(deps(), actor, archived.card.id, true);
    const expired = await seedPoster(deps(), actor);
    await updateCard(deps(), actor, expired.card.id, { expiresAt: '2020-01-01' });
    for (const [{ poster }, words] of [
      [inactive, 'not taking sign-ups'],
      [archived, 'no longer offered'],
      [expired, 'has ended'],
    ] as const) {
      const response = await fetch(`${t.url}/p/${poster.slug}`);
      expect(response.status).toBe(410);
      expect(await response.text()).toContain(words);
    }
  });
});

describe('POST /p/<slug>', () => {
  it('creates the customer, enrols them with the welcome stamp and lands on their card; a resend lands on the same card', async () => {
    const { actor } = await newStore(t.runtime);
    const { poster, card } = await seedPoster(deps(), actor);
    const form = await openForm(t.url, poster.slug);
    const fields = { first_name: 'Grace', last_name: 'Hopper', email: 'grace@example.com', phone: '' };
    const sent = await submitForm(t.url, poster.slug, form, fields);
    expect(sent.status).toBe(303);
    expect(sent.location).toMatch(/^\/cards\/[0-9a-f-]{36}$/);
    const customerCard = await deps().db.customerCard.findFirstOrThrow({ where: { cardId: card.id }, include: { customer: true } });
    expect(sent.location).toBe(`/cards/${customerCard.uuid}`);
    expect(customerCard.customer).toMatchObject({ firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com', phone: null });
    expect(customerCard.stampsCount).toBe(1);
    expect(await deps().db.ledgerEntry.findMany({ where: { customerCardId: customerCard.id }, select: { kind: true, source: true } })).toEqual([
      { kind: 'WELCOME', source: 'SYSTEM' },
    ]);
    const again = await submitForm(t.url, poster.slug, form, fields);
    expect(again.location).toBe(sent.location);
    expect(await deps().db.customer.count({ where: { storeId: actor.storeId } })).toBe(1);
  });

  it('never changes or reveals a customer the store already has', async () => {
    const { actor } = await newStore(t.runtime);
    const { poster, card } = await seedPoster(deps(), actor);
    const { customer } = await createCustomer(deps(), actor, { firstName: 'Ada', email: 'ada@example.com', phone: '+442079460000' }, { cardId: card.id });
    for (const fields of [
      { first_name: 'Mallory', email: 'ADA@example.com', phone: '' },
      { first_name: 'Mallory', email: 'other@example.com', phone: '+44 20 7946 0000' },
    ]) {
      const sent = await submitForm(t.url, poster.slug, await openForm(t.url, poster.slug), fields);
      expect(sent.status).toBe(200);
      expect(sent.location).toBeNull();
      expect(sent.html).toContain('already registered');
      expect(sent.html).not.toMatch(/Ada|ada@|\/cards\//);
    }
    expect(await deps().db.customer.findUniqueOrThrow({ where: { id: customer.id } })).toMatchObject({ firstName: 'Ada', email: 'ada@example.com' });
    expect(await deps().db.customer.count({ where: { storeId: actor.storeId } })).toBe(1);
    expect(await deps().db.customerCard.count({ where: { cardId: card.id } })).toBe(1);
  });

  it('refuses a form that breaks the poster rules with the answers kept and the reasons in words (422)', async () => {
    const { actor } = await newStore(t.runtime);
    const { poster } = await seedPoster(deps(), actor, { requireBirthday: true, minimumAge: 18, requireEmail: true });
    const form = await openForm(t.url, poster.slug);
    const young = new Date(Date.now() - 10 * 365 * 86_400_000).toISOString().slice(0, 10);
    const sent = await submitForm(t.url, poster.slug, form, { first_name: '', email: 'not-an-email', birthday: young });
    expect(sent.status).toBe(422);
    expect(sent.html).toContain('role="alert"');
    expect(sent.html).toContain('Please enter your first name.');
    expect(sent.html).toContain('You must be at least 18 years old to join.');
    expect(sent.html).toContain('value="not-an-email"');
    const invalidEmail = await submitForm(t.url, poster.slug, form, { first_name: 'Kid', email: 'not-an-email', birthday: '1990-01-01' });
    expect(invalidEmail.status).toBe(422);
    expect(invalidEmail.html).toContain('Email is not a valid email address.');
    expect(await deps().db.customer.count({ where: { storeId: actor.storeId } })).toBe(0);
  });

  it('refuses a form without its CSRF token (403) and one with the honeypot filled (400), writing nothing', async () => {
    const { actor } = await newStore(t.runtime);
    const { poster } = await seedPoster(deps(), actor);
    const form = await openForm(t.url, poster.slug);
    const fields = { first_name: 'Bot', email: 'bot@example.com' };
    expect((await submitForm(t.url, poster.slug, { ...form, cookie: '' }, fields)).status).toBe(403);
    expect((await submitForm(t.url, poster.slug, { ...form, token: 'forged' }, fields)).status).toBe(403);
    const trapped = await submitForm(t.url, poster.slug, form, { ...fields, website: 'http://spam.example' });
    expect(trapped.status).toBe(400);
    expect(trapped.html).toContain('could not accept');
    expect(await deps().db.customer.count({ where: { storeId: actor.storeId } })).toBe(0);
  });

  it('answers 410 when the poster was switched off after the form was opened', async () => {
    const { actor } = await newStore(t.runtime);
    const { poster } = await seedPoster(deps(), actor);
    const form = await openForm(t.url, poster.slug);
    await updatePoster(deps(), actor, poster.id, { active: false });
    expect((await submitForm(t.url, poster.slug, form, { first_name: 'Late', email: 'late@example.com' })).status).toBe(410);
  });
});

describe('GET /p/<slug>/qr', () => {
  it('is an SVG by default and a PNG of the asked size that decodes to the sign-up URL', async () => {
    const { actor } = await newStore(t.runtime);
    const { poster } = await seedPoster(deps(), actor);
    const svg = await fetch(`${t.url}/p/${poster.slug}/qr`);
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    expect(await svg.text()).toMatch(/^<svg[^>]*viewBox/);
    const png = await fetch(`${t.url}/p/${poster.slug}/qr?format=png&size=300`);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(readQrPng(Buffer.from(await png.arrayBuffer()))).toEqual({ text: `https://stamps.example.test/p/${poster.slug}`, width: 300, height: 300 });
  });

  it('refuses an unknown format or size with 400, and an unknown poster with 404', async () => {
    const { actor } = await newStore(t.runtime);
    const { poster } = await seedPoster(deps(), actor);
    expect((await fetch(`${t.url}/p/${poster.slug}/qr?format=gif`)).status).toBe(400);
    for (const size of ['10', '5000', 'big', '1.5']) expect((await fetch(`${t.url}/p/${poster.slug}/qr?format=png&size=${size}`)).status).toBe(400);
    expect((await fetch(`${t.url}/p/unknown/qr`)).status).toBe(404);
  });
});
