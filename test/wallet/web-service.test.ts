import { beforeAll, describe, expect, it } from 'vitest';
import { addStamps } from '../../src/domain/customer-cards/customer-card.service.ts';
import { passField, readPkpass } from '../helpers/pkpass.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';
import { applePass, seedPassCard, sleep } from '../helpers/wallet.ts';
import { applePassEnv, type TestPki, testPki } from '../helpers/wallet-pki.ts';

const env: Record<string, string> = { PUBLIC_URL: 'https://stamps.example.test' };
let pki: TestPki;
beforeAll(async () => {
  pki = await testPki();
  Object.assign(env, applePassEnv(pki));
});
const t = useServer(env);

const PUSH_TOKEN = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
let deviceCounter = 0;
const newDevice = () => `device${Date.now().toString(16)}${++deviceCounter}`;

function registrationUrl(device: string, serial: string, passType = pki.passTypeId): string {
  return `${t.url}/wallet/apple/v1/devices/${device}/registrations/${passType}/${serial}`;
}

function register(device: string, serial: string, token: string | undefined, body: unknown = { pushToken: PUSH_TOKEN }) {
  return fetch(registrationUrl(device, serial), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === undefined ? {} : applePass(token)) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

function listUpdated(device: string, since?: string) {
  const query = since === undefined ? '' : `?passesUpdatedSince=${encodeURIComponent(since)}`;
  return fetch(`${t.url}/wallet/apple/v1/devices/${device}/registrations/${pki.passTypeId}${query}`);
}

function fetchPass(serial: string, token: string | undefined, headers: Record<string, string> = {}) {
  return fetch(`${t.url}/wallet/apple/v1/passes/${pki.passTypeId}/${serial}`, {
    headers: { ...(token === undefined ? {} : applePass(token)), ...headers },
  });
}

async function passInstalled(id: number): Promise<boolean> {
  return (await t.runtime.deps.db.customerCard.findUniqueOrThrow({ where: { id } })).passInstalled;
}

async function seeded() {
  const { actor } = await newStore(t.runtime);
  const seed = await seedPassCard(t.runtime.deps, actor);
  return { actor, ...seed };
}

describe('register a device', () => {
  it('answers 201, then 200 on a repeat, and marks the pass installed', async () => {
    const { customerCard } = await seeded();
    const device = newDevice();
    expect(await passInstalled(customerCard.id)).toBe(false);
    expect((await register(device, customerCard.uuid, customerCard.passToken)).status).toBe(201);
    expect(await passInstalled(customerCard.id)).toBe(true);
    expect((await register(device, customerCard.uuid, customerCard.passToken)).status).toBe(200);
    expect(await t.runtime.deps.db.passRegistration.count({ where: { customerCardId: customerCard.id } })).toBe(1);
  });

  it('refuses a missing or wrong ApplePass token with 401 and registers nothing', async () => {
    const { customerCard } = await seeded();
    const device = newDevice();
    expect((await register(device, customerCard.uuid, undefined)).status).toBe(401);
    expect((await register(device, customerCard.uuid, 'x'.repeat(32))).status).toBe(401);
    expect((await register(device, customerCard.uuid, `${customerCard.passToken}x`)).status).toBe(401);
    const bearer = await fetch(registrationUrl(device, customerCard.uuid), {
      method: 'POST',
      headers: { authorization: `Bearer ${customerCard.passToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ pushToken: PUSH_TOKEN }),
    });
    expect(bearer.status).toBe(401);
    expect(await passInstalled(customerCard.id)).toBe(false);
  });

  it("does not accept one card's token for another card", async () => {
    const a = await seeded();
    const b = await seeded();
    expect((await register(newDevice(), b.customerCard.uuid, a.customerCard.passToken)).status).toBe(401);
  });

  it('answers 404 for an unknown serial or pass type and 400 for bad input, never 500', async () => {
    const { customerCard } = await seeded();
    const device = newDevice();
    expect((await register(device, '00000000-0000-4000-8000-000000000000', customerCard.passToken)).status).toBe(404);
    const otherType = await fetch(registrationUrl(device, customerCard.uuid, 'pass.other.type'), {
      method: 'POST',
      headers: applePass(customerCard.passToken),
      body: JSON.stringify({ pushToken: PUSH_TOKEN }),
    });
    expect(otherType.status).toBe(404);
    expect((await register(device, customerCard.uuid, customerCard.passToken, '{not json')).status).toBe(400);
    expect((await register(device, customerCard.uuid, customerCard.passToken, {})).status).toBe(400);
    expect((await register(device, customerCard.uuid, customerCard.passToken, { pushToken: 'not/hex' })).status).toBe(400);
    expect((await register('d'.repeat(300), customerCard.uuid, customerCard.passToken)).status).toBe(400);
    expect(await passInstalled(customerCard.id)).toBe(false);
  });
});

describe('unregister a device', () => {
  it('keeps the pass installed while another device is registered and clears it with the last one', async () => {
    const { customerCard } = await seeded();
    const [phone, watch] = [newDevice(), newDevice()];
    await register(phone, customerCard.uuid, customerCard.passToken);
    await register(watch, customerCard.uuid, customerCard.passToken);
    const unregister = (device: string, token?: string) =>
      fetch(registrationUrl(device, customerCard.uuid), { method: 'DELETE', headers: token ? applePass(token) : {} });

    expect((await unregister(phone)).status).toBe(401);
    expect((await unregister(phone, 'wrong-token-wrong-token')).status).toBe(401);
    expect((await unregister(phone, customerCard.passToken)).status).toBe(200);
    expect(await passInstalled(customerCard.id)).toBe(true);
    expect((await unregister(watch, customerCard.passToken)).status).toBe(200);
    expect(await passInstalled(customerCard.id)).toBe(false);
    expect((await unregister(watch, customerCard.passToken)).status).toBe(200);
  });
});

describe('list updatable passes', () => {
  it('lists every registered serial at first, 204 when nothing changed, and the stamped one after a stamp', async () => {
    const { actor, customerCard } = await seeded();
    const other = await seedPassCard(t.runtime.deps, actor);
    const device = newDevice();
    await register(device, customerCard.uuid, customerCard.passToken);
    await register(device, other.customerCard.uuid, other.customerCard.passToken);

    const first = await listUpdated(device);
    expect(first.status).toBe(200);
    const all = (await first.json()) as { serialNumbers: string[]; lastUpdated: string };
    expect(all.serialNumbers.sort()).toEqual([customerCard.uuid, other.customerCard.uuid].sort());
    expect(all.lastUpdated).toMatch(/^\d+$/);

    expect((await listUpdated(device, all.lastUpdated)).status).toBe(204);

    await sleep(5);
    await addStamps(t.runtime.deps, actor, { customerCardId: customerCard.id, stamps: 2, skipNotifications: true });
    const changed = await listUpdated(device, all.lastUpdated);
    expect(changed.status).toBe(200);
    const body = (await changed.json()) as { serialNumbers: string[]; lastUpdated: string };
    expect(body.serialNumbers).toEqual([customerCard.uuid]);
    expect(Number(body.lastUpdated)).toBeGreaterThan(Number(all.lastUpdated));
    expect((await listUpdated(device, body.lastUpdated)).status).toBe(204);
  });

  it('answers 204 for a device with no registrations and treats a foreign tag as "everything"', async () => {
    const { customerCard } = await seeded();
    expect((await listUpdated(newDevice())).status).toBe(204);
    const device = newDevice();
    await register(device, customerCard.uuid, customerCard.passToken);
    const response = await listUpdated(device, 'not-a-tag');
    expect(response.status).toBe(200);
    expect(((await response.json()) as { serialNumbers: string[] }).serialNumbers).toEqual([customerCard.uuid]);
  });
});

describe('get the latest pass', () => {
  it('serves the pass with Last-Modified, 304 when unchanged and the new count after a stamp', async () => {
    const { actor, customerCard } = await seeded();
    expect((await fetchPass(customerCard.uuid, undefined)).status).toBe(401);
    expect((await fetchPass(customerCard.uuid, 'wrong-token-wrong-token')).status).toBe(401);
    expect((await fetchPass('00000000-0000-4000-8000-000000000000', customerCard.passToken)).status).toBe(404);

    // Past the second of the last change, Last-Modified is exact and a device sending it back gets 304.
    await sleep(1100);
    const first = await fetchPass(customerCard.uuid, customerCard.passToken);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/vnd.apple.pkpass');
    const lastModified = first.headers.get('last-modified')!;
    expect(passField(readPkpass(new Uint8Array(await first.arrayBuffer())).pass, 'stamps')?.value).toBe('0 / 8');

    const unchanged = await fetchPass(customerCard.uuid, customerCard.passToken, { 'if-modified-since': lastModified });
    expect(unchanged.status).toBe(304);
    expect(await unchanged.text()).toBe('');

    await addStamps(t.runtime.deps, actor, { customerCardId: customerCard.id, stamps: 5, skipNotifications: true });
    const updated = await fetchPass(customerCard.uuid, customerCard.passToken, { 'if-modified-since': lastModified });
    expect(updated.status).toBe(200);
    expect(passField(readPkpass(new Uint8Array(await updated.arrayBuffer())).pass, 'stamps')?.value).toBe('5 / 8');
  });

  it('ignores an unparsable If-Modified-Since', async () => {
    const { customerCard } = await seeded();
    const response = await fetchPass(customerCard.uuid, customerCard.passToken, { 'if-modified-since': 'yesterday-ish' });
    expect(response.status).toBe(200);
  });

  it('never claims a change in the current second is older than it is', async () => {
    const { actor, customerCard } = await seeded();
    await addStamps(t.runtime.deps, actor, { customerCardId: customerCard.id, stamps: 1, skipNotifications: true });
    const right = await fetchPass(customerCard.uuid, customerCard.passToken);
    const sentBack = right.headers.get('last-modified')!;
    await addStamps(t.runtime.deps, actor, { customerCardId: customerCard.id, stamps: 1, skipNotifications: true });
    const again = await fetchPass(customerCard.uuid, customerCard.passToken, { 'if-modified-since': sentBack });
    expect(again.status).toBe(200);
    expect(passField(readPkpass(new Uint8Array(await again.arrayBuffer())).pass, 'stamps')?.value).toBe('2 / 8');
  });
});

describe('device logs', () => {
  it('accepts logs with 200 and malformed bodies with 400', async () => {
    const ok = await fetch(`${t.url}/wallet/apple/v1/log`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ logs: ['Web service error for pass.test: something went wrong'] }),
    });
    expect(ok.status).toBe(200);
    const bad = await fetch(`${t.url}/wallet/apple/v1/log`, { method: 'POST', body: 'logs=1' });
    expect(bad.status).toBe(400);
  });
});
