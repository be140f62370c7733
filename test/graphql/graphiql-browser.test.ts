import { describe, expect, it } from 'vitest';
import { artifact, useBrowser } from '../helpers/browser.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';

const t = useServer();
const browser = useBrowser();

describe('GraphiQL in a browser', () => {
  it('opens without an error before a token is set, runs a query with one, and keeps the token in no storage', async () => {
    const { token } = await newStore(t.runtime);
    const { page: tab, problems } = await browser.open();
    // The first request compresses the 9 MB page: allow for it on a busy machine.
    await tab.goto(`${t.url}/graphql`, { timeout: 60_000 });
    await tab.locator('.graphiql-container').first().waitFor({ timeout: 30_000 });
    // The schema loads without a token: the documentation explorer lists the root types.
    await tab.getByRole('button', { name: /documentation explorer/i }).click();
    await tab.getByText('Root Types').waitFor();
    await tab.getByText('Headers', { exact: true }).click();
    const headers = tab.locator('.graphiql-editor-tool .graphiql-editor').last();
    await headers.click();
    await tab.keyboard.press('Control+A');
    await tab.keyboard.press('Delete');
    await tab.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${token}` }));
    await tab.locator('.graphiql-execute-button').click();
    await tab.locator('.graphiql-response').getByText('displayStoreName').waitFor();
    await tab.screenshot({ path: artifact('graphiql.png') });
    const stored = await tab.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } }));
    expect(stored).toContain('StoreOverview');
    expect(stored).not.toContain(token);
    await tab.reload({ timeout: 60_000 });
    await tab.locator('.graphiql-container').first().waitFor({ timeout: 30_000 });
    expect(await tab.content()).not.toContain(token);
    expect(problems.filter((problem) => !/favicon/.test(problem))).toEqual([]);
    await tab.close();
  }, 120_000);
});
