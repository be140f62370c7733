import { describe, expect, it } from 'vitest';
import { setCardArchived, updateCard } from '../../src/domain/cards/card.service.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';

// The pages over plain HTTP: what the server renders and the headers it sends, without a browser.
const t = useServer();
const deps = () => t.runtime.deps;

async function get(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${t.url}${path}`, { headers });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

async function customerCard(card: Parameters<typeof seedCard>[2] = {}) {
  const store = await newStore(t.runtime);
  const seeded = await seedCard(deps(), store.actor, { name: 'Tea <Club>', ...card }, [{ name: 'Free tea & cake', stampsRequired: 2 }]);
  const { customerCard } = await seedCustomerCard(deps(), store.actor, seeded.card.id);
  return { store, card: seeded.card, customerCard };
}

/** Inline scripts, inline styles and style attributes, which the pages' CSP would block. */
function inlineCode(html: string): string[] {
  return [
    ...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>/g),
    ...html.matchAll(/<style\b[^>]*>/g),
    ...html.matchAll(/\sstyle=/g),
    ...html.matchAll(/\son[a-z]+=/g),
  ].map((match) => match[0]);
}

describe('GET /cards/:uuid', () => {
  it('renders the card with escaped text, under a same-origin CSP and no referrer', async () => {
    const { customerCard: held } = await customerCard();
    const page = await get(`/cards/${held.uuid}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'self';/);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.text).toContain('<h1 id="card-title" class="loyalty-card__title">Tea &lt;Club&gt;</h1>');
    expect(page.text).toContain('Free tea &amp; cake');
    expect(page.text).toContain('data-field="stamps-count">0</span>');
    expect(page.text).toContain('2 more stamps for Free tea &amp; cake');
    expect(inlineCode(page.text)).toEqual([]);
  });

  it('says so on an archived card', async () => {
    const { store, card, customerCard: held } = await customerCard();
    await setCardArchived(deps(), store.actor, card.id, true);
    const page = await get(`/cards/${held.uuid}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('This card no longer takes stamps');
  });

  it("says until when the card runs, and that an expired one has ended", async () => {
    const running = await customerCard({ expiresAt: '2999-12-31' });
    expect((await get(`/cards/${running.customerCard.uuid}`)).text).toContain('Valid until 31 December 2999.');
    // Enrolled while it ran; an expired card takes no new customers.
    const ended = await customerCard({ expiresAt: '2999-12-31' });
    await updateCard(deps(), ended.store.actor, ended.card.id, { expiresAt: '2020-01-31' });
    expect((await get(`/cards/${ended.customerCard.uuid}`)).text).toContain('This card ended on 31 January 2020');
  });

  it.each(['00000000-0000-4000-8000-000000000000', 'not-a-uuid', '1'])('is a 404 page for %s', async (uuid) => {
    const page = await get(`/cards/${uuid}`);
    expect(page.status).toBe(404);
    expect(page.text).toContain('Card not found');
    expect(inlineCode(page.text)).toEqual([]);
  });
});

describe('GET /cards/:uuid/theme.css', () => {
  it("sets the card's colours, with text that stays readable", async () => {
    const { customerCard: held } = await customerCard({ cardColor: '#F5C542', textColor: '#FFFFFF', stampColor: '#6B4226' });
    const css = await get(`/cards/${held.uuid}/theme.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    // White on yellow is unreadable, so the page writes in black.
    expect(css.text).toContain('--card-bg: #F5C542;');
    expect(css.text).toContain('--card-fg: #000000;');
    expect(css.text).toContain('--stamp-bg: #6B4226;');
    expect((await get('/cards/00000000-0000-4000-8000-000000000000/theme.css')).status).toBe(404);
  });
});

describe('the till sign-in form', () => {
  it('posts to /till, never a GET that would put the token into the URL, and /till discards the post', async () => {
    const page = await get('/till');
    const forms = [...page.text.matchAll(/<form\b[^>]*>/g)].map((match) => match[0]);
    expect(forms.length).toBeGreaterThan(0);
    for (const form of forms) {
      expect(form).toMatch(/\smethod="post"/);
      expect(form).toMatch(/\saction="\/till"/);
    }
    expect(page.text).toMatch(/<input id="api-token" name="token" type="password"/);
    const response = await fetch(`${t.url}/till`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'token=sl_secret_token_value',
      redirect: 'manual',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/till');
    expect(await response.text()).toBe('');
  });
});

describe('GET /till', () => {
  it('serves the sign-in form, with labels and no inline code', async () => {
    const page = await get('/till');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'self';/);
    expect(page.text).toContain('<label for="api-token">Store API token</label>');
    expect(page.text).toContain('<label for="search">Find a customer</label>');
    expect(inlineCode(page.text)).toEqual([]);
  });
});

describe('GET /assets/:name', () => {
  it('serves the modules with an ETag, forever when versioned and revalidated when not', async () => {
    const page = await get('/till');
    const versioned = /src="(\/assets\/till\.js\?v=[0-9a-f]{12})"/.exec(page.text)?.[1];
    expect(versioned).toBeDefined();
    const asset = await get(versioned!);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const plain = await get('/assets/till.js');
    expect(plain.headers.get('cache-control')).toBe('no-cache');
    expect(plain.text).toBe(asset.text);
    const again = await get('/assets/till.js', { 'if-none-match': plain.headers.get('etag')! });
    expect(again.status).toBe(304);
  });

  it.each(['nope.js', '..%2Fmount.ts', 'mount.ts', '%2e%2e'])('is 404 for %s', async (name) => {
    expect((await get(`/assets/${name}`)).status).toBe(404);
  });
});
