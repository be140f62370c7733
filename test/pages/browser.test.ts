import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { WriteSource } from '../../src/domain/context.ts';
import { removeStamps } from '../../src/domain/customer-cards/stamp-correction.service.ts';
import { createCustomer } from '../../src/domain/customers/customer.service.ts';
import { updateStore } from '../../src/domain/stores/store.service.ts';
import { artifact, useBrowser } from '../helpers/browser.ts';
import { seedCard } from '../helpers/factories.ts';
import { expectStatus, restClient } from '../helpers/rest.ts';
import { newStore } from '../helpers/runtime.ts';
import { startTcpProxy } from '../helpers/tcp-proxy.ts';
import { useServer } from '../helpers/server.ts';

// The pages in a real browser against a real gateway: the customer page sees a REST stamp arrive,
// and the till stamps, redeems, shows refusals and follows the store's stamps live.
const t = useServer();
const browser = useBrowser();
const deps = () => t.runtime.deps;

/** A café with a coffee card (two active rewards, one switched off) and customers on it. */
async function cafe() {
  const store = await newStore(t.runtime, WriteSource.REST);
  await updateStore(deps(), store.actor, store.actor.storeId, { storeName: 'Blue Door Cafe' });
  const { card, rewards } = await seedCard(
    deps(),
    store.actor,
    {
      name: 'Coffee Card',
      cardColor: '#1E3A5F',
      textColor: '#FFFFFF',
      stampColor: '#F2B134',
      stampIcon: 'coffee',
      stampsRequired: 10,
      initialStamps: 2,
      headerText: 'Buy 9, the 10th is on us',
    },
    [
      { name: 'Free pastry', stampsRequired: 3 },
      { name: 'Free coffee', stampsRequired: 10 },
      { name: 'Branded mug', stampsRequired: 2, active: false },
    ],
  );
  const enrol = async (firstName: string, lastName: string, email: string) => {
    const { customer, customerCard } = await createCustomer(deps(), store.actor, { firstName, lastName, email }, { cardId: card.id });
    return { customer, customerCard: customerCard! };
  };
  const ada = await enrol('Ada', 'Lovelace', `ada-${store.actor.storeId}@example.com`);
  const grace = await enrol('Grace', 'Hopper', `grace-${store.actor.storeId}@example.com`);
  const rest = restClient(t, store.token);
  const stamp = async (who: typeof ada, stamps: number) =>
    expectStatus(
      await rest.post(`/accounts/${store.actor.storeId}/customers/${who.customer.id}/customer_cards/${who.customerCard.id}/stamp`, { stamps }),
      200,
    );
  return { store, card, rewards, ada, grace, stamp };
}

const text = (page: Page, selector: string) => page.locator(selector).first().innerText();

/** Waits (up to `ms`) until the element's text is `expected`; the timeout is the assertion. */
async function textBecomes(page: Page, selector: string, expected: string, ms: number) {
  await page.waitForFunction(
    ([sel, want]) => document.querySelector(sel!)?.textContent?.trim() === want,
    [selector, expected] as const,
    { timeout: ms },
  );
}

describe('the customer page', () => {
  it('shows the card and a stamp given through REST within a second', async () => {
    const s = await cafe();
    const { page, problems } = await browser.open({ width: 430, height: 1000 });
    const response = await page.goto(`${t.url}/cards/${s.ada.customerCard.uuid}`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");

    expect(await text(page, 'h1')).toBe('Coffee Card');
    expect(await text(page, '.loyalty-card__store')).toMatch(/blue door cafe/i);
    expect(await text(page, '[data-field="stamps-count"]')).toBe('2');
    expect(await page.locator('.stamp--filled').count()).toBe(2);
    expect(await text(page, '[data-field="outlook"]')).toBe('1 more stamp for Free pastry');
    // The switched-off reward is not offered to the customer.
    expect(await page.locator('.reward .reward__name').allInnerTexts()).toEqual(['Free pastry', 'Free coffee']);
    await page.waitForSelector('[data-field="live-state"][data-state="live"]', { timeout: 10_000 });

    await s.stamp(s.ada, 2);
    await textBecomes(page, '[data-field="stamps-count"]', '4', 1000);
    expect(await page.locator('.stamp--filled').count()).toBe(4);
    expect(await text(page, '[data-field="outlook"]')).toBe('6 more stamps for Free coffee');
    expect(await page.locator('.reward--ready .reward__name').allInnerTexts()).toEqual(['Free pastry']);
    expect(await text(page, '[data-field="announce"]')).toBe('2 stamps added. You have 4 of 10 stamps.');
    expect(await page.locator('progress').getAttribute('value')).toBe('40');

    // Another customer's stamp does not reach this page.
    await s.stamp(s.grace, 5);
    await s.stamp(s.ada, 1);
    await textBecomes(page, '[data-field="stamps-count"]', '5', 1000);

    // A correction is announced as one, not as a negative stamp.
    await removeStamps(deps(), s.store.actor, { customerCardId: s.ada.customerCard.id, stamps: 2, reason: 'Stamped twice' });
    await textBecomes(page, '[data-field="stamps-count"]', '3', 1000);
    expect(await text(page, '[data-field="announce"]')).toBe('2 stamps corrected. You have 3 of 10 stamps.');

    await page.screenshot({ path: artifact('customer-card-page.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('reconnects after the connection drops and shows what it missed', async () => {
    const s = await cafe();
    const proxy = await startTcpProxy(t.url);
    const { page, problems } = await browser.open({ width: 430, height: 1000 });
    try {
      await page.goto(`${proxy.url.replace(/\/$/, '')}/cards/${s.ada.customerCard.uuid}`);
      await page.waitForSelector('[data-field="live-state"][data-state="live"]');
      proxy.cut();
      await page.waitForSelector('[data-field="live-state"][data-state="retrying"]');
      expect(await text(page, '[data-field="live-text"]')).toBe('Connection lost; reconnecting…');
      // Given while the page is offline: no event will ever carry it to the page.
      await s.stamp(s.ada, 3);
      proxy.restore();
      await page.waitForSelector('[data-field="live-state"][data-state="live"]', { timeout: 20_000 });
      await textBecomes(page, '[data-field="stamps-count"]', '5', 5000);
      await s.stamp(s.ada, 1);
      await textBecomes(page, '[data-field="stamps-count"]', '6', 1000);
      // Only the failed requests of the outage were logged.
      expect(problems.filter((problem) => !problem.includes('ERR_'))).toEqual([]);
    } finally {
      await page.close();
      await proxy.close();
    }
  });

  it('answers an unknown card with a 404 page', async () => {
    const { page, problems } = await browser.open({ width: 430, height: 700 });
    const response = await page.goto(`${t.url}/cards/00000000-0000-4000-8000-000000000000`);
    expect(response?.status()).toBe(404);
    expect(await text(page, 'h1')).toBe('Card not found');
    expect(problems).toEqual(['console: Failed to load resource: the server responded with a status of 404 (Not Found)']);
    await page.close();
  });
});

/** Signs the till in with the store's token and waits until its feed is live. */
async function signIn(page: Page, baseUrl: string, token: string) {
  await page.goto(`${baseUrl}/till`);
  await page.getByLabel('Store API token').fill(token);
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-field="live-state"][data-state="live"]', { timeout: 10_000 });
}

const feedTexts = (page: Page) => page.locator('.feed-item__what').allInnerTexts();

describe('the till', () => {
  it('reloaded mid-stream, shows in its feed what happened while it was gone, then continues live', async () => {
    const s = await cafe();
    const { page, problems } = await browser.open({ width: 1366, height: 900 });
    try {
      await signIn(page, t.url, s.store.token);
      await s.stamp(s.ada, 1);
      await expect.poll(() => text(page, '.feed-item__what')).toBe('Ada Lovelace got 1 stamp on Coffee Card');
      await page.reload();
      // While the till is gone (reloaded, not signed in yet).
      await s.stamp(s.grace, 4);
      await s.stamp(s.ada, 2);
      await page.getByLabel('Store API token').fill(s.store.token);
      await page.keyboard.press('Enter');
      await page.waitForSelector('[data-field="live-state"][data-state="live"]');
      expect(await feedTexts(page)).toEqual([
        'Ada Lovelace got 2 stamps on Coffee Card',
        'Grace Hopper got 4 stamps on Coffee Card',
        'Ada Lovelace got 1 stamp on Coffee Card',
        'Grace Hopper joined Coffee Card with 2 welcome stamps',
        'Ada Lovelace joined Coffee Card with 2 welcome stamps',
      ]);
      await s.stamp(s.grace, 1);
      await expect.poll(() => text(page, '.feed-item__what')).toBe('Grace Hopper got 1 stamp on Coffee Card');
      expect(await page.locator('.feed-item').count()).toBe(6);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('after a dropped connection fills the gap in its feed, in order and without duplicates', async () => {
    const s = await cafe();
    const proxy = await startTcpProxy(t.url);
    const { page, problems } = await browser.open({ width: 1366, height: 900 });
    try {
      await signIn(page, proxy.url.replace(/\/$/, ''), s.store.token);
      proxy.cut();
      await page.waitForSelector('[data-field="live-state"][data-state="retrying"]');
      await s.stamp(s.ada, 1);
      await s.stamp(s.grace, 3);
      proxy.restore();
      await page.waitForSelector('[data-field="live-state"][data-state="live"]', { timeout: 20_000 });
      await expect.poll(() => feedTexts(page)).toEqual([
        'Grace Hopper got 3 stamps on Coffee Card',
        'Ada Lovelace got 1 stamp on Coffee Card',
        'Grace Hopper joined Coffee Card with 2 welcome stamps',
        'Ada Lovelace joined Coffee Card with 2 welcome stamps',
      ]);
      expect(problems.filter((problem) => !problem.includes('ERR_'))).toEqual([]);
    } finally {
      await page.close();
      await proxy.close();
    }
  });

  it('signs in, finds a customer, stamps, redeems, explains refusals and shows the live feed', async () => {
    const s = await cafe();
    const { page, problems } = await browser.open({ width: 1366, height: 900 });
    try {
      await driveTill(page, problems, s);
    } catch (error) {
      await page.screenshot({ path: artifact('till-page-failure.png'), fullPage: true });
      throw error;
    } finally {
      await page.close();
    }
  });
});

async function driveTill(page: Page, problems: string[], s: Awaited<ReturnType<typeof cafe>>) {
    await page.goto(`${t.url}/till`);
    await page.screenshot({ path: artifact('till-sign-in.png') });

    // A wrong token is refused on the form.
    await page.getByLabel('Store API token').fill('sl_wrong');
    await page.keyboard.press('Enter');
    await expect.poll(() => text(page, '[data-field="sign-in-error"]')).toBe('That token was not accepted. Check it and try again.');

    await page.getByLabel('Store API token').fill(s.store.token);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-view="workspace"]:not([hidden])');
    expect(await text(page, '[data-field="store-name"]')).toBe('Blue Door Cafe');
    // Signed in, the search has the focus: the till works from the keyboard.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('search');
    await page.waitForSelector('[data-field="live-state"][data-state="live"]', { timeout: 10_000 });

    await page.keyboard.type('lovelace');
    await page.keyboard.press('Enter');
    const card = page.locator(`.till-card[data-customer-card-id]`).first();
    await card.waitFor();
    expect(await page.locator('.customer__name').allInnerTexts()).toEqual(['Ada Lovelace']);
    expect(await card.locator('[data-field="count"]').innerText()).toBe('2');
    expect(await card.getByRole('link', { name: 'Customer page of this card' }).getAttribute('href')).toMatch(
      new RegExp(`/cards/${s.ada.customerCard.uuid}$`),
    );

    await card.getByRole('button', { name: /^Add 1 stamp/ }).click();
    await expect.poll(() => text(page, '[data-field="message"]')).toBe('Stamped: Ada Lovelace now has 3 of 10 stamps on Coffee Card.');
    expect(await card.locator('[data-field="count"]').innerText()).toBe('3');
    await expect.poll(() => text(page, '.feed-item__what')).toBe('Ada Lovelace got 1 stamp on Coffee Card');

    // From the keyboard: Enter on the focused button stamps, and the redrawn card keeps the focus there.
    await card.getByRole('button', { name: /^Add 1 stamp/ }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => card.locator('[data-field="count"]').innerText()).toBe('4');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe("Add 1 stamp to Ada Lovelace's Coffee Card");

    await card.getByRole('button', { name: /^Redeem Free coffee/ }).click();
    await expect
      .poll(() => text(page, '[data-field="alert"]'))
      .toBe('Not enough stamps: Free coffee costs 10 stamps and Ada Lovelace has 4. Nothing was redeemed.');
    await page.screenshot({ path: artifact('till-page-refusal.png') });
    await card.getByRole('button', { name: /^Redeem Branded mug/ }).click();
    await expect
      .poll(() => text(page, '[data-field="alert"]'))
      .toBe('Branded mug is switched off for now and cannot be redeemed. Nothing was changed.');
    expect((await deps().db.customerCard.findUniqueOrThrow({ where: { id: s.ada.customerCard.id } })).stampsCount).toBe(4);

    await card.getByRole('button', { name: /^Redeem Free pastry/ }).click();
    await expect.poll(() => text(page, '[data-field="message"]')).toBe('Redeemed Free pastry for Ada Lovelace: 3 stamps spent, 1 left.');
    expect(await page.locator('[data-field="alert"]').innerText()).toBe('');
    expect(await card.locator('[data-field="count"]').innerText()).toBe('1');
    expect((await deps().db.customerCard.findUniqueOrThrow({ where: { id: s.ada.customerCard.id } })).stampsCount).toBe(1);

    // A stamp from elsewhere (REST, another till) appears in the feed.
    await s.stamp(s.grace, 4);
    await expect.poll(() => text(page, '.feed-item__what')).toBe('Grace Hopper got 4 stamps on Coffee Card');
    // Below the session's events, the recent feed loaded at sign-in: the enrolments' welcome stamps.
    expect(await page.locator('.feed-item__what').allInnerTexts()).toEqual([
      'Grace Hopper got 4 stamps on Coffee Card',
      'Ada Lovelace redeemed Free pastry',
      'Ada Lovelace got 1 stamp on Coffee Card',
      'Ada Lovelace got 1 stamp on Coffee Card',
      'Grace Hopper joined Coffee Card with 2 welcome stamps',
      'Ada Lovelace joined Coffee Card with 2 welcome stamps',
    ]);

    // An empty search lists the store's customers, each card as it is now.
    await page.getByLabel('Find a customer').fill('');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.locator('.customer__name').allInnerTexts()).toEqual(['Ada Lovelace', 'Grace Hopper']);
    const grace = page.locator(`.till-card[data-customer-card-id]`).nth(1);
    expect(await grace.locator('[data-field="count"]').innerText()).toBe('6');
    expect(await grace.locator('.reward-button--ready').allInnerTexts()).toEqual([expect.stringContaining('Redeem Free pastry')]);

    // The token lives in memory only.
    expect(await page.evaluate(() => [localStorage.length, sessionStorage.length, document.cookie])).toEqual([0, 0, '']);
    // Every form control has a label.
    expect(await page.$$eval('input', (inputs) => inputs.filter((input) => (input as HTMLInputElement).labels?.length === 0).length)).toBe(0);

    await page.screenshot({ path: artifact('till-page.png'), fullPage: true });
    // Chromium logs the refused sign-in's 401; nothing else went wrong (no script error, no CSP violation).
    expect(problems).toEqual(['console: Failed to load resource: the server responded with a status of 401 (Unauthorized)']);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForSelector('[data-view="sign-in"]:not([hidden])');
    expect(await page.locator('.feed-item').count()).toBe(0);
}
