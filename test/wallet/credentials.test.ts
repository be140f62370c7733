import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApplePassBuilder } from '../../src/wallet/apple-pass.ts';
import { loadPassSigner, signerWarnings } from '../../src/wallet/certificates.ts';
import { APNS_PRODUCTION_URL, type AppleSettings, loadWalletConfig } from '../../src/wallet/config.ts';
import { toPassProps } from '../../src/wallet/pass-model.ts';
import { readCertificatePem, readText } from '../../src/wallet/secrets.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';
import { seedPassCard } from '../helpers/wallet.ts';
import { type TestPki, testPki } from '../helpers/wallet-pki.ts';

// A gateway given only part of the Apple credentials: passes are off, everything else still works.
const env: Record<string, string> = {};
let pki: TestPki;
let dir: string;
beforeAll(async () => {
  pki = await testPki();
  dir = mkdtempSync(join(tmpdir(), 'stampline-credentials-'));
  env.APPLE_PASS_CERT = pki.passCert;
});
const t = useServer(env);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const configured = (overrides: Partial<AppleSettings> = {}): AppleSettings => ({
  passCert: pki.passCert,
  passKey: pki.passKey,
  passKeyPassphrase: pki.passKeyPassphrase,
  wwdrCert: pki.wwdrCert,
  ...overrides,
});

const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: Error) => error.message);

describe('wallet settings', () => {
  it('has defaults for everything', () => {
    const config = loadWalletConfig({});
    expect(config.apns).toEqual({ url: APNS_PRODUCTION_URL, urlConfigured: false, key: undefined, keyId: undefined, ca: undefined });
    expect(config.outboxPollMs).toBe(5000);
    expect(config.google.classPrefix).toBe('stampline');
  });

  it('refuses settings that cannot work', () => {
    expect(() => loadWalletConfig({ WALLET_OUTBOX_POLL_MS: 'soon' })).toThrow(/WALLET_OUTBOX_POLL_MS/);
    expect(() => loadWalletConfig({ APNS_URL: 'http://localhost:1234' })).toThrow(/APNS_URL must be an https URL/);
    expect(() => loadWalletConfig({ GOOGLE_WALLET_API_URL: 'ftp://x' })).toThrow(/GOOGLE_WALLET_API_URL/);
    expect(() => loadWalletConfig({ GOOGLE_WALLET_CLASS_PREFIX: 'has space' })).toThrow(/GOOGLE_WALLET_CLASS_PREFIX/);
  });
});

describe('secrets from the environment', () => {
  it('reads PEM inline (also with \\n escapes), from a file, and DER certificates', async () => {
    const escaped = pki.passCert.trim().replace(/\n/g, '\\n');
    expect((await readText(escaped, 'APPLE_PASS_CERT')).trim()).toBe(pki.passCert.trim());
    const path = join(dir, 'pass.pem');
    writeFileSync(path, pki.passCert);
    expect(await readText(path, 'APPLE_PASS_CERT')).toBe(pki.passCert);
    const der = join(dir, 'AppleWWDRCAG4.cer');
    writeFileSync(der, new X509Certificate(pki.wwdrCert).raw);
    expect(new X509Certificate(await readCertificatePem(der, 'APPLE_WWDR_CERT')).fingerprint256).toBe(new X509Certificate(pki.wwdrCert).fingerprint256);
  });

  it('names the variable when a file cannot be read', async () => {
    expect(await failure(readText(join(dir, 'missing.pem'), 'APPLE_PASS_KEY'))).toMatch(/^APPLE_PASS_KEY: cannot read .* \(ENOENT\)/);
  });
});

describe('the Apple signer', () => {
  it('takes the pass type and team from the certificate', async () => {
    const signer = await loadPassSigner(configured(), t.runtime.deps.db);
    expect(signer).toMatchObject({ passTypeIdentifier: pki.passTypeId, teamIdentifier: pki.teamId, development: false });
    expect(signerWarnings(signer)).toEqual([]);
  });

  it('warns when the configured pass type differs from the certificate', async () => {
    const signer = await loadPassSigner(configured({ passTypeId: 'pass.other.id' }), t.runtime.deps.db);
    expect(signerWarnings(signer).join('\n')).toMatch(/differs from the certificate/);
  });

  it.each([
    ['only part of the set', { passKey: undefined }, /must be set together/],
    ['a wrong passphrase', { passKeyPassphrase: 'nope' }, /APPLE_PASS_KEY cannot be read \(wrong or missing APPLE_PASS_KEY_PASSPHRASE\?\)/],
    ['a missing passphrase', { passKeyPassphrase: undefined }, /APPLE_PASS_KEY cannot be read/],
    ['a key path that does not exist', { passKey: 'no-such-key.pem' }, /APPLE_PASS_KEY: cannot read/],
  ])('explains %s', async (_what, overrides, message) => {
    expect(await failure(loadPassSigner(configured(overrides as Partial<AppleSettings>), t.runtime.deps.db))).toMatch(message);
  });

  it('refuses a key of another certificate and a non-RSA key', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(await failure(loadPassSigner(configured({ passKey: other, passKeyPassphrase: undefined }), t.runtime.deps.db))).toMatch(
      /not the private key of APPLE_PASS_CERT/,
    );
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(await failure(loadPassSigner(configured({ passKey: ec, passKeyPassphrase: undefined }), t.runtime.deps.db))).toMatch(
      /must be an RSA key/,
    );
  });

  it('builds passes without passkit-generator warnings', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const builder = await ApplePassBuilder.create(await loadPassSigner(configured(), t.runtime.deps.db));
      const { actor } = await newStore(t.runtime);
      const { customerCard, card, reward } = await seedPassCard(t.runtime.deps, actor);
      const content = toPassProps(
        { customerCard, card, rewards: [reward], store: { name: 'Shop', storeName: null } },
        builder.identity('https://gw.test/wallet/apple'),
      );
      expect((await builder.build(content)).length).toBeGreaterThan(1000);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});

describe('a gateway with broken Apple credentials', () => {
  it('answers 503 for passes and the web service instead of failing', async () => {
    const { actor } = await newStore(t.runtime);
    const { customerCard } = await seedPassCard(t.runtime.deps, actor);
    const pass = await fetch(`${t.url}/wallet/apple/${customerCard.uuid}.pkpass`);
    expect(pass.status).toBe(503);
    // A 5xx names its request, for matching a report to the log line.
    expect(await pass.json()).toEqual({
      error: 'Apple Wallet passes are not available on this gateway',
      request_id: pass.headers.get('x-request-id'),
    });
    const list = await fetch(`${t.url}/wallet/apple/v1/devices/abc/registrations/pass.x`);
    expect(list.status).toBe(503);
    expect((await fetch(`${t.url}/wallet/apple/00000000-0000-4000-8000-000000000000.pkpass`)).status).toBe(404);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });
});
