import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { WriteSource } from '../../src/domain/context.ts';
import { updateStore } from '../../src/domain/stores/store.service.ts';
import { artifact, useBrowser } from '../helpers/browser.ts';
import { seedPoster } from '../helpers/poster-form.ts';
import { readQrPng } from '../helpers/qr.ts';
import { expectStatus, restClient } from '../helpers/rest.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';

// From a printed poster to a live card in a real browser: scan the QR, sign up on a phone, land on
// the card, see a stamp arrive; print the poster on each paper; the guards refuse. The tests run in
// order: the limits below are counted across them (every submission from this address counts).
const PUBLIC_URL = 'https://stamps.example.test';
const t = useServer({ PUBLIC_URL, SIGNUPS_PER_ADDRESS_PER_HOUR: '5', SIGNUPS_PER_POSTER_PER_HOUR: '2' });
const browser = useBrowser();
const deps = () => t.runtime.deps;
const PHONE = { width: 390, height: 844 };

async function shop(poster: Parameters<typeof seedPoster>[2] = {}) {
  const store = await newStore(t.runtime, WriteSource.REST);
  await updateStore(deps(), store.actor, store.actor.storeId, { storeName: 'Blue Door Cafe' });
  const seeded = await seedPoster(deps(), store.actor, { title: 'Join the Coffee Club', primaryColor: '#1E3A5F', secondaryColor: '#F2B134', textColor: '#FFFFFF', ...poster });
  return { ...store, ...seeded, rest: restClient(t, store.token) };
}

/** The gateway's own copy of a public URL: the QR names PUBLIC_URL, the test server listens elsewhere. */
const local = (url: string) => `${t.url}${new URL(url).pathname}`;

async function fillForm(page: Page, fields: { first: string; last?: string; email?: string }) {
  await page.getByLabel('First name').fill(fields.first);
  if (fields.last) await page.getByLabel('Last name').fill(fields.last);
  if (fields.email) await page.getByLabel('Email').fill(fields.email);
}

describe('joining from a poster', () => {
  it('scan → sign up on a phone → own card with wallet buttons → a REST stamp arrives live', async () => {
    const s = await shop();
    const rest = expectStatus(await s.rest.get(`/accounts/${s.actor.storeId}/posters/${s.poster.id}`), 200).body;
    expect(rest.qr_code_url).toBe(`${PUBLIC_URL}/p/${s.poster.slug}/qr`);

    // Scan: the PNG the API links, read by a QR reader library.
    const png = await fetch(`${local(rest.qr_code_url)}?format=png&size=400`);
    const scanned = readQrPng(Buffer.from(await png.arrayBuffer())).text;
    expect(scanned).toBe(rest.signup_url);

    const { page, problems } = await browser.open(PHONE);
    expect((await page.goto(local(scanned!)))?.status()).toBe(200);
    expect(await page.locator('h1').innerText()).toBe('Join the Coffee Club');
    // Laid out for the phone: nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await fillForm(page, { first: 'Grace', last: 'Hopper', email: 'grace@example.com' });
    await page.screenshot({ path: artifact('poster-signup-phone.png'), fullPage: true });
    await Promise.all([page.waitForURL(/\/cards\/[0-9a-f-]{36}$/), page.getByRole('button', { name: 'Get my card' }).click()]);

    const uuid = new URL(page.url()).pathname.split('/').pop()!;
    const customerCard = await deps().db.customerCard.findUniqueOrThrow({ where: { uuid }, include: { customer: true } });
    expect(customerCard.customer).toMatchObject({ firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com' });
    expect(await page.locator('h1').innerText()).toBe('Coffee Club');
    expect(await page.locator('[data-field="stamps-count"]').innerText()).toBe('1');
    expect(await page.getByRole('link', { name: 'Add to Apple Wallet' }).getAttribute('href')).toBe(`/wallet/apple/${uuid}.pkpass`);
    await page.waitForSelector('[data-field="live-state"][data-state="live"]');

    expectStatus(
      await s.rest.post(`/accounts/${s.actor.storeId}/customers/${customerCard.customerId}/customer_cards/${customerCard.id}/stamp`, { stamps: 1 }),
      200,
    );
    await page.waitForFunction(() => document.querySelector('[data-field="stamps-count"]')?.textContent?.trim() === '2', undefined, { timeout: 2000 });
    await page.screenshot({ path: artifact('poster-signup-card.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it.each([
    ['a4', 595.28, 841.89],
    ['a5', 419.53, 595.28],
    ['a6', 297.64, 419.53],
    ['letter', 612, 792],
  ] as const)('prints the %s poster as one page of that size', async (paperSize, width, height) => {
    const s = await shop({ paperSize });
    const { page, problems } = await browser.open({ width: 1000, height: 1200 });
    expect((await page.goto(`${t.url}/p/${s.poster.slug}/display`))?.status()).toBe(200);
    await page.waitForFunction(() => [...document.images].every((img) => img.complete && img.naturalWidth > 0));
    await page.screenshot({ path: artifact(`poster-display-${paperSize}.png`), fullPage: true });
    await page.emulateMedia({ media: 'print' });
    const pdf = (await page.pdf({ preferCSSPageSize: true, printBackground: true })).toString('latin1');
    const boxes = [...pdf.matchAll(/\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(boxes).toHaveLength(1);
    expect(boxes[0]![0]).toBeCloseTo(width, 0);
    expect(boxes[0]![1]).toBeCloseTo(height, 0);
    // The QR on the poster is the sign-up URL too.
    expect(await page.locator('.poster-sheet__url').innerText()).toBe(`${PUBLIC_URL}/p/${s.poster.slug}`);
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('the guards, in the browser', () => {
  it('refuses a form whose hidden honeypot field was filled, and creates no customer', async () => {
    const s = await shop();
    const { page } = await browser.open(PHONE);
    await page.goto(`${t.url}/p/${s.poster.slug}`);
    // Out of sight (left of the page) and out of the accessibility tree.
    expect(await page.locator('#signup-website').evaluate((input) => input.getBoundingClientRect().right <= 0)).toBe(true);
    expect(await page.locator('.signup__trap').getAttribute('aria-hidden')).toBe('true');
    await fillForm(page, { first: 'Robot', email: 'robot@example.com' });
    // What a form-filling robot does: fill every field, the invisible one too.
    await page.locator('#signup-website').fill('http://spam.example', { force: true });
    const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Get my card' }).click()]);
    expect(response.status()).toBe(400);
    await page.waitForSelector('text=We could not accept this sign-up');
    await page.screenshot({ path: artifact('poster-signup-honeypot.png'), fullPage: true });
    expect(await deps().db.customer.count({ where: { storeId: s.actor.storeId } })).toBe(0);
    await page.close();
  });

  it('stops sign-ups past the per-poster limit, then past the per-address limit (429)', async () => {
    const submit = async (slug: string, n: number) => {
      const { page } = await browser.open(PHONE);
      await page.goto(`${t.url}/p/${slug}`);
      await fillForm(page, { first: `Person${n}`, email: `person${n}-${slug}@example.com` });
      const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Get my card' }).click()]);
      await page.waitForLoadState();
      return { page, status: response.status() };
    };
    const s = await shop();
    for (const n of [1, 2]) {
      const ok = await submit(s.poster.slug, n);
      expect(ok.status).toBe(303);
      await ok.page.close();
    }
    const overPoster = await submit(s.poster.slug, 3);
    expect(overPoster.status).toBe(429);
    await overPoster.page.waitForSelector('text=Too many sign-ups');
    await overPoster.page.screenshot({ path: artifact('poster-signup-limit.png'), fullPage: true });
    await overPoster.page.close();

    // This address has now sent five forms in this file (one, the honeypot, and these three).
    const other = await shop();
    const overAddress = await submit(other.poster.slug, 4);
    expect(overAddress.status).toBe(429);
    await overAddress.page.close();
    expect(await deps().db.customer.count({ where: { storeId: other.actor.storeId } })).toBe(0);
    expect(await deps().db.customer.count({ where: { storeId: s.actor.storeId } })).toBe(2);
  });
});
