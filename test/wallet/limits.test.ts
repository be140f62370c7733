import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LOG_ENTRIES_PER_REQUEST, LOG_ENTRY_BYTES } from '../../src/wallet/limits.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';
import { seedPassCard } from '../helpers/wallet.ts';
import { applePassEnv, type TestPki, testPki } from '../helpers/wallet-pki.ts';
import { captureLog } from '../helpers/log.ts';

// Small budgets, so that the test reaches each of them with a handful of requests.
const env: Record<string, string> = {
  PUBLIC_URL: 'https://stamps.example.test',
  WALLET_RATE_LIMIT_PER_MINUTE: '14',
  WALLET_PASS_DOWNLOADS_PER_MINUTE: '3',
  WALLET_LOG_ENTRIES_PER_MINUTE: '15',
};
let pki: TestPki;
beforeAll(async () => {
  pki = await testPki();
  Object.assign(env, applePassEnv(pki));
});
const t = useServer(env);

afterEach(() => {
  vi.restoreAllMocks();
});

const postLog = (logs: unknown[]) =>
  fetch(`${t.url}/wallet/apple/v1/log`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ logs }) });

async function expectTooMany(response: Response, error: RegExp): Promise<void> {
  expect(response.status).toBe(429);
  expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(await response.json()).toEqual({ error: expect.stringMatching(error) });
}

// One test: the budgets are per client address and this whole file is one address.
describe('wallet route limits', () => {
  it('limit downloads per pass, device log entries per request, entry and address, and every wallet request per address', async () => {
    const { actor } = await newStore(t.runtime);
    const a = (await seedPassCard(t.runtime.deps, actor)).customerCard;
    const b = (await seedPassCard(t.runtime.deps, actor)).customerCard;
    const download = (uuid: string) => fetch(`${t.url}/wallet/apple/${uuid}.pkpass`);

    // Per pass: three downloads of A a minute (requests 1-4), while B is still served (5).
    for (let i = 0; i < 3; i++) expect((await download(a.uuid)).status).toBe(200);
    await expectTooMany(await download(a.uuid), /downloads of this pass/);
    expect((await download(b.uuid)).status).toBe(200);

    // The device log: at most 10 entries a request, each cut to 512 bytes, 15 entries a minute per address (6-8).
    const log = captureLog();
    const long = 'é'.repeat(5_000);
    expect((await postLog([long, ...Array.from({ length: 29 }, (_, i) => `line ${i}\nforged line`)])).status).toBe(200);
    const written = log.messages('warn').filter((line) => line.startsWith('wallet: device log: '));
    expect(written).toHaveLength(LOG_ENTRIES_PER_REQUEST);
    const first = written[0]!.slice('wallet: device log: '.length);
    expect(Buffer.byteLength(first.replace(/…$/, ''))).toBeLessThanOrEqual(LOG_ENTRY_BYTES);
    expect(first).not.toContain('\uFFFD');
    expect(written[1]).toBe('wallet: device log: line 0 forged line');
    expect((await postLog(['a', 'b', 'c', 'd', 'e'])).status).toBe(200);
    await expectTooMany(await postLog(['one more']), /device log entries/);
    expect(log.messages('warn').filter((line) => line.startsWith('wallet: device log: '))).toHaveLength(15);

    // Per address: 14 wallet requests a minute whatever they are (9-14 pass, 15 is refused).
    for (let i = 0; i < 6; i++) {
      const response = await fetch(`${t.url}/wallet/apple/v1/devices/device0001/registrations/${pki.passTypeId}`);
      expect(response.status).toBe(204);
    }
    await expectTooMany(await download(b.uuid), /Too many wallet requests/);

    // Bodies are bounded before anything else reads them.
    const huge = await fetch(`${t.url}/wallet/apple/v1/log`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ logs: ['x'.repeat(70 * 1024)] }),
    });
    expect(huge.status).toBe(413);
  });
});
