import { beforeAll, describe, expect, it } from 'vitest';
import { addStamps } from '../../src/domain/customer-cards/customer-card.service.ts';
import { updateCard } from '../../src/domain/cards/card.service.ts';
import { createCustomer } from '../../src/domain/customers/customer.service.ts';
import { PKPASS_MIME_TYPE } from '../../src/wallet/apple-pass.ts';
import { Wallet } from '../../src/wallet/wallet.ts';
import { checkSignature, inspectPng, manifestProblems, passField, readPkpass } from '../helpers/pkpass.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';
import { seedPassCard } from '../helpers/wallet.ts';
import { applePassEnv, type TestPki, testPki } from '../helpers/wallet-pki.ts';

// Filled before the server starts: the certificates are made at test time.
const env: Record<string, string> = { PUBLIC_URL: 'https://stamps.example.test' };
let pki: TestPki;
beforeAll(async () => {
  pki = await testPki();
  Object.assign(env, applePassEnv(pki));
});
const t = useServer(env);

async function downloadPass(uuid: string) {
  const response = await fetch(`${t.url}/wallet/apple/${uuid}.pkpass`);
  expect(response.status).toBe(200);
  return { response, pkpass: readPkpass(new Uint8Array(await response.arrayBuffer())) };
}

describe('apple_wallet_url', () => {
  it("shows Leal's SDK card fields in pass.json, and voids the pass of an expired card", async () => {
    const { actor } = await newStore(t.runtime);
    const { card, customerCard } = await seedPassCard(t.runtime.deps, actor, {
      auxiliaryFields: ['Open daily', 'Oat milk free'],
      showMemberField: false,
      showStampsToRewardField: true,
      expiresAt: '2999-01-01T00:00:00Z',
    });
    const live = (await downloadPass(customerCard.uuid)).pkpass.pass;
    expect(live.storeCard.auxiliaryFields.map((f) => f.value)).toEqual(['Open daily', 'Oat milk free']);
    expect(live.storeCard.secondaryFields.map((f) => f.key)).toEqual(['reward']);
    expect(Date.parse(live.expirationDate ?? '')).toBe(Date.parse('2999-01-01T00:00:00Z'));
    expect(live.voided).toBeUndefined();

    await updateCard(t.runtime.deps, actor, card.id, { expiresAt: '2020-01-01T00:00:00Z' });
    const expired = (await downloadPass(customerCard.uuid)).pkpass.pass;
    expect(expired.voided).toBe(true);
    expect(Date.parse(expired.expirationDate ?? '')).toBe(Date.parse('2020-01-01T00:00:00Z'));
  });

  it('serves a signed store card whose manifest and PKCS#7 signature verify', async () => {
    const { actor } = await newStore(t.runtime);
    const { customerCard } = await seedPassCard(t.runtime.deps, actor, { stripType: 'color', stripColor: '#222222' });
    const { response, pkpass } = await downloadPass(customerCard.uuid);

    expect(response.headers.get('content-type')).toBe(PKPASS_MIME_TYPE);
    expect(Date.parse(response.headers.get('last-modified') ?? '')).not.toBeNaN();
    expect(manifestProblems(pkpass)).toEqual([]);
    expect(checkSignature(pkpass, pki.wwdrCert)).toMatchObject({
      detached: true,
      signingTime: true,
      digestMatches: true,
      signatureValid: true,
      chainValid: true,
    });
    for (const name of ['icon.png', 'icon@2x.png', 'icon@3x.png', 'logo.png', 'logo@2x.png', 'strip.png', 'strip@2x.png', 'strip@3x.png']) {
      expect(Object.keys(pkpass.files)).toContain(name);
    }
    expect(inspectPng(pkpass.files['icon@2x.png']!)).toMatchObject({ width: 58, height: 58 });
    expect(inspectPng(pkpass.files['strip@2x.png']!)).toMatchObject({ width: 750, height: 246, pixelBytes: (750 * 4 + 1) * 246 });
  });

  it('fills pass.json from the card, the store and the configured certificate', async () => {
    const { actor } = await newStore(t.runtime);
    const { customerCard } = await seedPassCard(t.runtime.deps, actor, { initialStamps: 4 });
    const { pass } = (await downloadPass(customerCard.uuid)).pkpass;

    expect(pass).toMatchObject({
      serialNumber: customerCard.uuid,
      authenticationToken: customerCard.passToken,
      webServiceURL: 'https://stamps.example.test/wallet/apple',
      passTypeIdentifier: pki.passTypeId,
      teamIdentifier: pki.teamId,
      backgroundColor: 'rgb(107, 66, 38)',
    });
    expect(pass.organizationName).toMatch(/^Test store \d+$/);
    expect(passField(pass, 'stamps')).toMatchObject({ value: '4 / 8', changeMessage: expect.stringContaining('%@') });
    expect(passField(pass, 'reward')).toMatchObject({ label: 'NEXT REWARD', value: 'Free coffee in 4 stamps' });
    expect(passField(pass, 'page')?.value).toBe(`https://stamps.example.test/cards/${customerCard.uuid}`);
    expect(pass.barcodes).toEqual([expect.objectContaining({ message: customerCard.uuid, format: 'PKBarcodeFormatQR' })]);
  });

  it('shows the new count on the next download after a stamp', async () => {
    const { actor } = await newStore(t.runtime);
    const { customerCard } = await seedPassCard(t.runtime.deps, actor);
    expect(passField((await downloadPass(customerCard.uuid)).pkpass.pass, 'stamps')?.value).toBe('0 / 8');
    await addStamps(t.runtime.deps, actor, { customerCardId: customerCard.id, stamps: 3, skipNotifications: true });
    expect(passField((await downloadPass(customerCard.uuid)).pkpass.pass, 'stamps')?.value).toBe('3 / 8');
  });

  it('signs a pass once and serves it again until the card changes: a stamp or a template change builds a fresh one', async () => {
    const { actor } = await newStore(t.runtime);
    const { card, customerCard } = await seedPassCard(t.runtime.deps, actor);
    const passes = Wallet.of(t.runtime).passes;
    const built = passes.built;
    const bytes = async () => Buffer.from(await (await fetch(`${t.url}/wallet/apple/${customerCard.uuid}.pkpass`)).arrayBuffer());

    const first = await bytes();
    const again = await Promise.all([bytes(), bytes(), bytes()]);
    expect(passes.built - built).toBe(1);
    for (const copy of again) expect(copy.equals(first)).toBe(true);

    await addStamps(t.runtime.deps, actor, { customerCardId: customerCard.id, stamps: 2, skipNotifications: true });
    const stamped = await downloadPass(customerCard.uuid);
    expect(passes.built - built).toBe(2);
    expect(passField(stamped.pkpass.pass, 'stamps')?.value).toBe('2 / 8');

    await updateCard(t.runtime.deps, actor, card.id, { cardColor: '#123456' });
    const recoloured = await downloadPass(customerCard.uuid);
    expect(passes.built - built).toBe(3);
    expect(recoloured.pkpass.pass.backgroundColor).toBe('rgb(18, 52, 86)');
    await downloadPass(customerCard.uuid);
    expect(passes.built - built).toBe(3);
  });

  it("carries no name of the holder, like the card page: the pass is reachable from the card's uuid alone", async () => {
    const { actor } = await newStore(t.runtime);
    const { card } = await seedPassCard(t.runtime.deps, actor);
    const { customerCard } = await createCustomer(t.runtime.deps, actor, { firstName: 'Adelheid', lastName: 'Lovelacequist', email: 'ada@example.com' }, { cardId: card.id });
    const { pkpass } = await downloadPass(customerCard!.uuid);
    const text = Object.values(pkpass.files).map((file) => file.toString('latin1')).join('\n');
    expect(text).not.toMatch(/Adelheid|Lovelacequist|ada@example/);
    expect(passField(pkpass.pass, 'member')).toBeUndefined();
    const page = await (await fetch(`${t.url}/cards/${customerCard!.uuid}`)).text();
    expect(page).not.toMatch(/Adelheid|Lovelacequist/);
  });

  it.each([
    ['an unknown uuid', '00000000-0000-4000-8000-000000000000.pkpass'],
    ['something that is no uuid', 'not-a-uuid.pkpass'],
    ['a uuid without .pkpass', '00000000-0000-4000-8000-000000000000'],
    ['hostile text', "x'%20OR%201=1.pkpass"],
  ])('answers 404 JSON for %s', async (_what, path) => {
    const response = await fetch(`${t.url}/wallet/apple/${path}`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'Pass not found' });
  });
});
