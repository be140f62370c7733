// How long a stamp given through REST takes to show on an open customer page, measured in headless
// chromium: from sending the request to the count changing in the page. Also the till's round trip
// from a click on "+1 stamp" to the new count on screen.
//   npm run bench:pages -- [--stamps 50]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { loadConfig } from '../src/config.ts';
import { createCard } from '../src/domain/cards/card.service.ts';
import { systemActor, WriteSource } from '../src/domain/context.ts';
import { createCustomer } from '../src/domain/customers/customer.service.ts';
import { createStore } from '../src/domain/stores/store.service.ts';
import { startRuntime } from '../src/runtime.ts';
import { startServer } from '../src/server.ts';

const { values } = parseArgs({ options: { stamps: { type: 'string', default: '30' } } });
const rounds = Number(values.stamps);

const dir = mkdtempSync(join(tmpdir(), 'stampline-bench-pages-'));
const runtime = await startRuntime(
  loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `file:${join(dir, 'bench.db')}`, SEED_DEMO: 'false' }),
);
const { store, token } = await createStore(runtime.deps.db, 'Benchmark cafe');
const actor = systemActor(store.id, WriteSource.REST);
// Enough room that no stamp is refused however many rounds run.
const card = await createCard(runtime.deps, actor, { name: 'Coffee', stampsRequired: 18 });
const { customer, customerCard } = await createCustomer(
  runtime.deps,
  actor,
  { firstName: 'Bench', lastName: 'Customer', email: 'bench@example.com' },
  { cardId: card.id },
);
if (!customerCard) throw new Error('enrolment failed');
const server = await startServer(runtime);
const profile = mkdtempSync(join(tmpdir(), 'stampline-bench-chromium-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

const countOf = (page: Page, selector: string) => page.locator(selector).first().innerText().then(Number);
const waitForCount = (page: Page, selector: string, want: number) =>
  page.waitForFunction(([sel, n]) => document.querySelector(sel as string)?.textContent?.trim() === String(n), [selector, want], {
    timeout: 10_000,
  });

function summary(label: string, ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1);
  return `${label.padEnd(34)} p50 ${at(0.5).padStart(6)} ms   p95 ${at(0.95).padStart(6)} ms   max ${sorted.at(-1)!.toFixed(1).padStart(6)} ms   (n=${ms.length})`;
}

try {
  const page = await browser.newPage();
  await page.goto(`${server.url}/cards/${customerCard.uuid}`);
  await page.waitForSelector('[data-field="live-state"][data-state="live"]');
  const stampPath = `${server.url}/api/v1/accounts/${store.id}/customers/${customer.id}/customer_cards/${customerCard.id}/stamp`;
  const pageMs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const before = await countOf(page, '[data-field="stamps-count"]');
    const started = performance.now();
    const response = await fetch(stampPath, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `bench-${i}` },
      body: JSON.stringify({ stamps: 1 }),
    });
    if (response.status !== 200) throw new Error(`stamp answered ${response.status}: ${await response.text()}`);
    await waitForCount(page, '[data-field="stamps-count"]', before + 1);
    pageMs.push(performance.now() - started);
  }

  const till = await browser.newPage();
  await till.goto(`${server.url}/till`);
  await till.getByLabel('Store API token').fill(token);
  await till.keyboard.press('Enter');
  await till.waitForSelector('[data-field="live-state"][data-state="live"]');
  await till.getByLabel('Find a customer').fill('bench');
  await till.keyboard.press('Enter');
  const tillCard = till.locator('.till-card').first();
  await tillCard.waitFor();
  const tillMs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const before = await countOf(till, '.till-card [data-field="count"]');
    const started = performance.now();
    await tillCard.getByRole('button', { name: /^Add 1 stamp/ }).click();
    await waitForCount(till, '.till-card [data-field="count"]', before + 1);
    tillMs.push(performance.now() - started);
  }

  console.log(`${rounds} stamps each, ${runtime.database.provider}, Node ${process.version}`);
  console.log(summary('REST stamp → customer page count', pageMs));
  console.log(summary('till click → count on the till', tillMs));
} finally {
  await browser.close();
  await server.close();
  await runtime.close();
  rmSync(profile, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
}
