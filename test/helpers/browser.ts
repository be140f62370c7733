import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { testProvider } from './database.ts';
import { repoRoot } from './process.ts';

/** Debian's chromium, which `.ci/run` installs; CHROMIUM_PATH points elsewhere on other machines. */
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where the browser tests leave their screenshots (gitignored; CI keeps them as artifacts). */
export const ARTIFACTS = join(repoRoot, 'test-artifacts');

/** A path for `name` under the artifacts folder, one folder per database so the two runs never collide. */
export function artifact(name: string): string {
  const folder = join(ARTIFACTS, testProvider);
  mkdirSync(folder, { recursive: true });
  return join(folder, name);
}

export interface TestBrowser {
  context: BrowserContext;
  /** A new tab that records console errors, page errors and CSP violations in `problems`. */
  open(viewport?: { width: number; height: number }): Promise<{ page: Page; problems: string[] }>;
}

/** Headless chromium for one test file, with a new empty profile. */
export function useBrowser(): TestBrowser {
  const state = {} as TestBrowser;
  let profile: string | undefined;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`the browser tests need chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
    }
    profile = mkdtempSync(join(tmpdir(), 'stampline-chromium-'));
    state.context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: FLAGS,
      headless: true,
      deviceScaleFactor: 1,
      reducedMotion: 'reduce',
    });
    state.open = async (viewport = { width: 1280, height: 900 }) => {
      const page = await state.context.newPage();
      await page.setViewportSize(viewport);
      // Below the test timeout, so a missing element fails with Playwright's own account of it.
      page.setDefaultTimeout(10_000);
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      return { page, problems };
    };
  });
  afterAll(async () => {
    await state.context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });
  return state;
}
