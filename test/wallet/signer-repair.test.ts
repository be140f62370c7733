import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/db/client.ts';
import { startRuntime } from '../../src/runtime.ts';
import { startServer } from '../../src/server.ts';
import { DEV_SIGNER_SETTING, serialNumber } from '../../src/wallet/certificates.ts';
import { createScratchDatabase, type ScratchDatabase } from '../helpers/database.ts';
import { checkSignature, readPkpass } from '../helpers/pkpass.ts';
import { newStore } from '../helpers/runtime.ts';
import { seedPassCard } from '../helpers/wallet.ts';

describe('certificate serial numbers', () => {
  it('are always minimal positive DER integers of 16 bytes', () => {
    for (let i = 0; i < 5_000; i++) {
      const serial = Buffer.from(serialNumber(), 'hex');
      expect(serial).toHaveLength(16);
      // Neither a sign bit (negative) nor a redundant leading zero byte.
      expect(serial[0]).toBeGreaterThanOrEqual(0x01);
      expect(serial[0]).toBeLessThanOrEqual(0x7f);
    }
  });
});

describe('a stored development signer that no longer parses', () => {
  let scratch: ScratchDatabase;
  beforeAll(async () => {
    scratch = await createScratchDatabase();
  });
  afterAll(async () => {
    await scratch?.drop();
  });

  it('is replaced at start by a signer whose passes verify', async () => {
    const unreadable = JSON.stringify({
      wwdr: '-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n',
      signerCert: '-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n',
      signerKey: 'not a key',
      passTypeIdentifier: 'pass.dev.stampline.local',
      teamIdentifier: 'STAMPLNDEV',
    });
    const database = await openDatabase(scratch.url);
    await database.db.setting.create({ data: { key: DEV_SIGNER_SETTING, value: unreadable } });
    await database.close();

    const runtime = await startRuntime(loadConfig({ PORT: '0', DATABASE_URL: scratch.url, SEED_DEMO: 'false' }), { migrate: false });
    const server = await startServer(runtime);
    try {
      const stored = await runtime.deps.db.setting.findUniqueOrThrow({ where: { key: DEV_SIGNER_SETTING } });
      expect(stored.value).not.toBe(unreadable);
      const signer = JSON.parse(stored.value) as { wwdr: string; signerCert: string };
      expect(() => new X509Certificate(signer.signerCert)).not.toThrow();

      const { actor } = await newStore(runtime);
      const { customerCard } = await seedPassCard(runtime.deps, actor);
      const response = await fetch(`${server.url}/wallet/apple/${customerCard.uuid}.pkpass`);
      expect(response.status).toBe(200);
      const pkpass = readPkpass(new Uint8Array(await response.arrayBuffer()));
      expect(checkSignature(pkpass, signer.wwdr)).toMatchObject({ digestMatches: true, signatureValid: true, chainValid: true });
    } finally {
      await server.close();
      await runtime.close();
    }
  });
});
