import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { addStamps } from '../../src/domain/customer-cards/customer-card.service.ts';
import { startRuntime } from '../../src/runtime.ts';
import { startServer } from '../../src/server.ts';
import { DEV_PASS_TYPE_ID, DEV_SIGNER_SETTING, DEV_TEAM_ID } from '../../src/wallet/certificates.ts';
import { type ApnsStandIn, startApnsStandIn } from '../helpers/apns-stand-in.ts';
import { checkSignature, manifestProblems, readPkpass } from '../helpers/pkpass.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';
import { applePass, eventually, seedPassCard } from '../helpers/wallet.ts';
import { type TestPki, testPki } from '../helpers/wallet-pki.ts';

// No Apple certificates: the gateway makes its own signer. APNs is a stand-in reached with a .p8 key.
const env: Record<string, string> = { WALLET_OUTBOX_POLL_MS: '50' };
let pki: TestPki;
let apns: ApnsStandIn;
beforeAll(async () => {
  pki = await testPki();
  apns = await startApnsStandIn({
    cert: pki.apnsServerCert,
    key: pki.apnsServerKey,
    tokenKey: { publicKey: pki.apnsPublicKey, keyId: pki.apnsKeyId, teamId: DEV_TEAM_ID },
  });
  Object.assign(env, { APNS_URL: apns.url, APNS_CA: pki.apnsServerCert, APNS_KEY: pki.apnsKey, APNS_KEY_ID: pki.apnsKeyId });
});
const t = useServer(env);
afterAll(async () => {
  await apns?.close();
});

async function storedSigner(): Promise<{ wwdr: string; signerCert: string; passTypeIdentifier: string }> {
  const setting = await eventually(() => t.runtime.deps.db.setting.findUniqueOrThrow({ where: { key: DEV_SIGNER_SETTING } }));
  return JSON.parse(setting.value) as { wwdr: string; signerCert: string; passTypeIdentifier: string };
}

describe('the development signer', () => {
  it('is created at first start, stored, and signs passes that verify against its own CA', async () => {
    const { actor } = await newStore(t.runtime);
    const { customerCard } = await seedPassCard(t.runtime.deps, actor);
    const response = await fetch(`${t.url}/wallet/apple/${customerCard.uuid}.pkpass`);
    expect(response.status).toBe(200);
    const pkpass = readPkpass(new Uint8Array(await response.arrayBuffer()));
    const signer = await storedSigner();
    expect(pkpass.pass.passTypeIdentifier).toBe(DEV_PASS_TYPE_ID);
    expect(pkpass.pass.teamIdentifier).toBe(DEV_TEAM_ID);
    expect(manifestProblems(pkpass)).toEqual([]);
    expect(checkSignature(pkpass, signer.wwdr)).toMatchObject({ digestMatches: true, signatureValid: true, chainValid: true });
    expect(checkSignature(pkpass, signer.wwdr).signerSubject).toContain(`UID=${DEV_PASS_TYPE_ID}`);
  });

  it('survives a restart: a new runtime on the same database signs with the same certificate', async () => {
    const before = await storedSigner();
    const again = await startRuntime(loadConfig({ PORT: '0', DATABASE_URL: t.runtime.config.databaseUrl, SEED_DEMO: 'false' }), { migrate: false });
    const server = await startServer(again);
    try {
      const { actor } = await newStore(again);
      const { customerCard } = await seedPassCard(again.deps, actor);
      const response = await fetch(`${server.url}/wallet/apple/${customerCard.uuid}.pkpass`);
      expect(response.status).toBe(200);
      const pkpass = readPkpass(new Uint8Array(await response.arrayBuffer()));
      expect(checkSignature(pkpass, before.wwdr)).toMatchObject({ signatureValid: true, chainValid: true });
      expect(await again.deps.db.setting.count({ where: { key: DEV_SIGNER_SETTING } })).toBe(1);
      expect((await storedSigner()).signerCert).toBe(before.signerCert);
    } finally {
      await server.close();
      await again.close();
    }
  });
});

describe('APNs token authentication', () => {
  it('pushes with an ES256 provider token the stand-in verifies', async () => {
    const { actor } = await newStore(t.runtime);
    const { customerCard } = await seedPassCard(t.runtime.deps, actor);
    const token = randomBytes(32).toString('hex');
    const register = await fetch(
      `${t.url}/wallet/apple/v1/devices/tokendevice${Date.now()}/registrations/${DEV_PASS_TYPE_ID}/${customerCard.uuid}`,
      { method: 'POST', headers: applePass(customerCard.passToken), body: JSON.stringify({ pushToken: token }) },
    );
    expect(register.status).toBe(201);
    await addStamps(t.runtime.deps, actor, { customerCardId: customerCard.id, stamps: 1 });
    const [push] = await eventually(() => {
      const delivered = apns.delivered(token);
      return delivered.length === 1 ? delivered : false;
    });
    expect(push).toMatchObject({ topic: DEV_PASS_TYPE_ID, body: '{}', jwt: { valid: true, kid: pki.apnsKeyId, iss: DEV_TEAM_ID } });
    expect(push!.clientCertificateCn).toBeUndefined();
  });
});
