import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase, testProvider } from '../helpers/database.ts';
import { freePort, RunningProcess } from '../helpers/process.ts';
import { applePassEnv, type TestPki, testPki } from '../helpers/wallet-pki.ts';

const LISTENING = /Stampline listening on /;
const WARNING = /PUBLIC_URL (\S+) is not https: Apple Wallet refuses a pass web service over http/;

let pki: TestPki;
beforeAll(async () => {
  pki = await testPki();
});
const running: RunningProcess[] = [];
const scratches: ScratchDatabase[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((gateway) => gateway.stop('SIGKILL')));
  await Promise.all(scratches.splice(0).map((scratch) => scratch.drop()));
});

/** `npm start`'s entry point with `env`; resolves with everything it printed once it listens. */
async function start(env: Record<string, string | undefined>): Promise<string> {
  const scratch = await createScratchDatabase({ migrate: false });
  scratches.push(scratch);
  const gateway = new RunningProcess(['--import', 'tsx', 'src/main.ts'], {
    PORT: String(await freePort()),
    DATABASE_URL: scratch.url,
    SEED_DEMO: 'false',
    REDIS_URL: undefined,
    APPLE_PASS_CERT: undefined,
    APPLE_PASS_KEY: undefined,
    APPLE_PASS_KEY_PASSPHRASE: undefined,
    APPLE_WWDR_CERT: undefined,
    ...env,
  });
  running.push(gateway);
  await gateway.waitForOutput(LISTENING);
  return `${gateway.stdout}\n${gateway.stderr}`;
}

// The warning is about configuration, not the database: once is enough.
describe.runIf(testProvider === 'sqlite')('PUBLIC_URL and real Apple certificates', () => {
  it('warns at start when PUBLIC_URL is http while real certificates are configured', async () => {
    const output = await start({ ...applePassEnv(pki), PUBLIC_URL: 'http://stamps.example.com' });
    expect(output).toMatch(/Apple passes are signed as /);
    expect(output.match(WARNING)?.[1]).toBe('http://stamps.example.com');
  }, 90_000);

  it('does not warn for an https PUBLIC_URL', async () => {
    const output = await start({ ...applePassEnv(pki), PUBLIC_URL: 'https://stamps.example.com' });
    expect(output).toMatch(/Apple passes are signed as /);
    expect(output).not.toMatch(WARNING);
  }, 90_000);

  it('does not warn for the development signer, which no iPhone accepts anyway', async () => {
    const development = await start({ PUBLIC_URL: 'http://localhost:4000' });
    expect(development).toMatch(/development signer/);
    expect(development).not.toMatch(WARNING);
  }, 90_000);
});
