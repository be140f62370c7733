import { createPublicKey } from 'node:crypto';
import { decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateCard } from '../../src/domain/cards/card.service.ts';
import { addStamps } from '../../src/domain/customer-cards/customer-card.service.ts';
import { GOOGLE_PATCH_TOPIC } from '../../src/wallet/pass-jobs.ts';
import { type GoogleStandIn, startGoogleStandIn } from '../helpers/google-stand-in.ts';
import { graphqlClient } from '../helpers/graphql.ts';
import { inspectPng } from '../helpers/pkpass.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';
import { eventually, seedPassCard, sleep } from '../helpers/wallet.ts';
import { type TestPki, testPki } from '../helpers/wallet-pki.ts';

const ISSUER_ID = '3388000000012345678';
const SAVE_PREFIX = 'https://pay.google.com/gp/v/save/';

const env: Record<string, string> = { PUBLIC_URL: 'https://stamps.example.test', WALLET_OUTBOX_POLL_MS: '50' };
let pki: TestPki;
let google: GoogleStandIn;
beforeAll(async () => {
  pki = await testPki();
  google = await startGoogleStandIn({ publicKey: pki.googlePublicKey, clientEmail: pki.googleEmail });
  Object.assign(env, {
    GOOGLE_WALLET_ISSUER_ID: ISSUER_ID,
    GOOGLE_WALLET_SERVICE_ACCOUNT: JSON.stringify({
      type: 'service_account',
      client_email: pki.googleEmail,
      private_key: pki.googleKey,
      token_uri: 'https://oauth2.googleapis.com/token',
    }),
    GOOGLE_OAUTH_TOKEN_URL: google.tokenUrl,
    GOOGLE_WALLET_API_URL: google.apiUrl,
  });
});
const t = useServer(env);
const unconfigured = useServer();
afterAll(async () => {
  await google?.close();
});

async function seeded(server = t) {
  const { actor } = await newStore(server.runtime);
  return { actor, ...(await seedPassCard(server.runtime.deps, actor)) };
}

async function saveLink(uuid: string): Promise<{ response: Response; url: string }> {
  const response = await fetch(`${t.url}/wallet/google/${uuid}`, { redirect: 'manual' });
  return { response, url: response.headers.get('location') ?? '' };
}

interface SavePayload {
  typ: string;
  origins: string[];
  payload: {
    loyaltyClasses: Array<{ id: string; programName: string; programLogo: { sourceUri: { uri: string } } }>;
    loyaltyObjects: Array<{
      id: string;
      classId: string;
      state: string;
      barcode: { type: string; value: string };
      loyaltyPoints: { balance: { string: string } };
    }>;
  };
}

describe('google_wallet_url', () => {
  it('redirects to a save link whose JWT verifies with the service account key', async () => {
    const { customerCard, card } = await seeded();
    const { response, url } = await saveLink(customerCard.uuid);
    expect(response.status).toBe(302);
    expect(url.startsWith(SAVE_PREFIX)).toBe(true);
    // Browsers cut longer links; Google asks to keep save links within 1800 characters.
    expect(url.length).toBeLessThanOrEqual(1800);

    const { payload, protectedHeader } = await jwtVerify(url.slice(SAVE_PREFIX.length), createPublicKey(pki.googlePublicKey), {
      algorithms: ['RS256'],
      audience: 'google',
      issuer: pki.googleEmail,
    });
    expect(protectedHeader.alg).toBe('RS256');
    const claims = payload as unknown as SavePayload;
    expect(claims.typ).toBe('savetowallet');
    expect(claims.origins).toEqual(['https://stamps.example.test']);
    expect(claims.payload.loyaltyClasses[0]).toMatchObject({
      id: `${ISSUER_ID}.stampline-card-${card.id}`,
      programName: 'Coffee card',
      programLogo: { sourceUri: { uri: `https://stamps.example.test/wallet/google/${customerCard.uuid}/logo.png` } },
    });
    expect(claims.payload.loyaltyObjects[0]).toMatchObject({
      id: `${ISSUER_ID}.${customerCard.uuid}`,
      classId: `${ISSUER_ID}.stampline-card-${card.id}`,
      state: 'ACTIVE',
      barcode: { type: 'QR_CODE', value: customerCard.uuid },
      loyaltyPoints: { balance: { string: '0 / 8' } },
    });
  });

  it('records when the link was handed out', async () => {
    const { customerCard } = await seeded();
    expect(customerCard.googleIssuedAt).toBeNull();
    await saveLink(customerCard.uuid);
    const after = await t.runtime.deps.db.customerCard.findUniqueOrThrow({ where: { id: customerCard.id } });
    expect(after.googleIssuedAt).toBeInstanceOf(Date);
  });

  it('answers 404 for an unknown or malformed uuid', async () => {
    expect((await saveLink('00000000-0000-4000-8000-000000000000')).response.status).toBe(404);
    expect((await saveLink('..%2F..%2Fetc')).response.status).toBe(404);
  });

  it('answers a clear 503 when Google Wallet is not configured', async () => {
    const { customerCard } = await seeded(unconfigured);
    const response = await fetch(`${unconfigured.url}/wallet/google/${customerCard.uuid}`, { redirect: 'manual' });
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: string }).error).toMatch(/GOOGLE_WALLET_ISSUER_ID/);
    const after = await unconfigured.runtime.deps.db.customerCard.findUniqueOrThrow({ where: { id: customerCard.id } });
    expect(after.googleIssuedAt).toBeNull();
  });

  it('is null in GraphQL when Google Wallet is not configured, and the link when it is', async () => {
    const query = 'query($id: Int!) { store { customerCard(databaseId: $id) { googleWalletUrl appleWalletUrl } } }';
    for (const [server, google] of [[unconfigured, null], [t, 'link']] as const) {
      const store = await newStore(server.runtime);
      const { customerCard } = await seedPassCard(server.runtime.deps, store.actor);
      const data = await graphqlClient(server).data(store.token, query, { id: customerCard.id });
      expect(data.store.customerCard.googleWalletUrl).toBe(google && `${server.runtime.config.publicUrl}/wallet/google/${customerCard.uuid}`);
      expect(data.store.customerCard.appleWalletUrl).toBe(`${server.runtime.config.publicUrl}/wallet/apple/${customerCard.uuid}.pkpass`);
    }
  });

  it('serves the logo and hero images Google fetches', async () => {
    const { customerCard } = await seeded();
    const logo = await fetch(`${t.url}/wallet/google/${customerCard.uuid}/logo.png`);
    expect(logo.headers.get('content-type')).toBe('image/png');
    expect(inspectPng(Buffer.from(await logo.arrayBuffer()))).toMatchObject({ width: 660, height: 660 });
    const hero = await fetch(`${t.url}/wallet/google/${customerCard.uuid}/hero.png?stamps=0`);
    expect(inspectPng(Buffer.from(await hero.arrayBuffer()))).toMatchObject({ width: 1032, height: 336 });
    expect((await fetch(`${t.url}/wallet/google/00000000-0000-4000-8000-000000000000/logo.png`)).status).toBe(404);
  });
});

describe('Google object updates', () => {
  it('patches the saved object on every stamp, notifying unless skip_notifications, with one cached token', async () => {
    const { actor, customerCard } = await seeded();
    const objectId = `${ISSUER_ID}.${customerCard.uuid}`;
    await saveLink(customerCard.uuid);
    google.saved.add(objectId);
    const tokensBefore = google.tokenRequests.length;

    await addStamps(t.runtime.deps, actor, { customerCardId: customerCard.id, stamps: 3 });
    const [first] = await eventually(() => {
      const patches = google.patches.filter((p) => p.objectId === objectId);
      return patches.length === 1 ? patches : false;
    });
    expect(first!.status).toBe(200);
    expect(first!.authorization).toMatch(/^Bearer test-access-\d+$/);
    expect(first!.body).toMatchObject({
      loyaltyPoints: { label: 'Stamps', balance: { string: '3 / 8' } },
      secondaryLoyaltyPoints: { balance: { string: 'Free coffee in 5 stamps' } },
      notifyPreference: 'notifyOnUpdate',
    });

    await addStamps(t.runtime.deps, actor, { customerCardId: customerCard.id, stamps: 2, skipNotifications: true });
    const second = await eventually(() => google.patches.filter((p) => p.objectId === objectId)[1] ?? false);
    expect(second.body).toMatchObject({ loyaltyPoints: { balance: { string: '5 / 8' } } });
    expect(second.body).not.toHaveProperty('notifyPreference');
    expect(second.authorization).toBe(first!.authorization);

    const newTokens = google.tokenRequests.slice(tokensBefore);
    expect(newTokens.length).toBeLessThanOrEqual(1);
    for (const request of google.tokenRequests) {
      expect(request).toMatchObject({
        grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertionValid: true,
        scope: 'https://www.googleapis.com/auth/wallet_object.issuer',
      });
    }
  });

  it('patches the saved object without an alert when the card template changes', async () => {
    const { actor, card, customerCard } = await seeded();
    const objectId = `${ISSUER_ID}.${customerCard.uuid}`;
    await saveLink(customerCard.uuid);
    google.saved.add(objectId);

    await updateCard(t.runtime.deps, actor, card.id, { name: 'Espresso card' });
    const [patch] = await eventually(() => {
      const patches = google.patches.filter((p) => p.objectId === objectId);
      return patches.length === 1 ? patches : false;
    });
    expect(patch!.status).toBe(200);
    // The holder's stamps did not change: no notification.
    expect(patch!.body).not.toHaveProperty('notifyPreference');
  });

  it('finishes without retrying when nobody saved the object yet', async () => {
    const { actor, customerCard } = await seeded();
    const objectId = `${ISSUER_ID}.${customerCard.uuid}`;
    await saveLink(customerCard.uuid);
    await addStamps(t.runtime.deps, actor, { customerCardId: customerCard.id, stamps: 1 });
    await eventually(() => google.patches.some((p) => p.objectId === objectId));
    await sleep(400);
    expect(google.patches.filter((p) => p.objectId === objectId).map((p) => p.status)).toEqual([404]);
    const message = await eventually(async () => {
      const found = await t.runtime.deps.db.outboxMessage.findFirst({
        where: { topic: GOOGLE_PATCH_TOPIC, payload: { equals: { customerCardId: customerCard.id, notify: true } } },
      });
      return found?.doneAt ? found : false;
    });
    expect(message.attempts).toBe(1);
  });

  it('sends nothing to Google for a card whose link was never handed out', async () => {
    const { actor, customerCard } = await seeded();
    const before = google.patches.length;
    await addStamps(t.runtime.deps, actor, { customerCardId: customerCard.id, stamps: 1 });
    await sleep(400);
    expect(google.patches.length).toBe(before);
  });
});

describe('the save JWT', () => {
  it('is readable without the key too (a plain JWT, not encrypted)', async () => {
    const { customerCard } = await seeded();
    const { url } = await saveLink(customerCard.uuid);
    expect(decodeJwt(url.slice(SAVE_PREFIX.length))).toMatchObject({ aud: 'google', iss: pki.googleEmail });
  });
});
