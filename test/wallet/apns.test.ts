import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setCardArchived, updateCard } from '../../src/domain/cards/card.service.ts';
import { addStamps, redeemReward } from '../../src/domain/customer-cards/customer-card.service.ts';
import { updateReward } from '../../src/domain/rewards/reward.service.ts';
import { APNS_PUSH_TOPIC } from '../../src/wallet/pass-jobs.ts';
import { type ApnsStandIn, startApnsStandIn } from '../helpers/apns-stand-in.ts';
import { passField, readPkpass } from '../helpers/pkpass.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';
import { seedCustomerCard } from '../helpers/factories.ts';
import { applePass, eventually, seedPassCard, sleep } from '../helpers/wallet.ts';
import { applePassEnv, type TestPki, testPki } from '../helpers/wallet-pki.ts';

// APNs is a local HTTP/2 server that, like Apple's, only talks to clients with the pass certificate.
const env: Record<string, string> = { PUBLIC_URL: 'https://stamps.example.test', WALLET_OUTBOX_POLL_MS: '50' };
let pki: TestPki;
let apns: ApnsStandIn;
beforeAll(async () => {
  pki = await testPki();
  apns = await startApnsStandIn({ cert: pki.apnsServerCert, key: pki.apnsServerKey, clientCa: pki.wwdrCert });
  Object.assign(env, applePassEnv(pki), { APNS_URL: apns.url, APNS_CA: pki.apnsServerCert });
});
const t = useServer(env);
afterAll(async () => {
  await apns?.close();
});

const pushToken = (prefix = '') => prefix + randomBytes(32).toString('hex').slice(prefix.length);
let deviceCounter = 0;

async function installOn(card: { uuid: string; passToken: string }, token: string): Promise<string> {
  const device = `apnsdevice${++deviceCounter}${randomBytes(4).toString('hex')}`;
  const response = await fetch(`${t.url}/wallet/apple/v1/devices/${device}/registrations/${pki.passTypeId}/${card.uuid}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...applePass(card.passToken) },
    body: JSON.stringify({ pushToken: token }),
  });
  expect(response.status).toBe(201);
  return device;
}

async function seeded() {
  const { actor } = await newStore(t.runtime);
  return { actor, ...(await seedPassCard(t.runtime.deps, actor)) };
}

/** Lets the worker run a few polls, so "no more pushes" means something. */
const settle = () => sleep(400);

describe('pushes on stamp changes', () => {
  it('pushes exactly once to each registered device, and the next pass fetch shows the new count', async () => {
    const { actor, customerCard } = await seeded();
    const [phone, watch] = [pushToken(), pushToken()];
    const device = await installOn(customerCard, phone);
    await installOn(customerCard, watch);

    await addStamps(t.runtime.deps, actor, { customerCardId: customerCard.id, stamps: 3 });
    await eventually(() => apns.delivered(phone).length === 1 && apns.delivered(watch).length === 1);
    await settle();
    expect(apns.delivered(phone)).toHaveLength(1);
    expect(apns.delivered(watch)).toHaveLength(1);
    expect(apns.delivered(phone)[0]).toMatchObject({
      topic: pki.passTypeId,
      pushType: 'background',
      body: '{}',
      clientCertificateCn: `Pass Type ID: ${pki.passTypeId}`,
    });

    // What the device does on the push: ask what changed, then fetch it.
    const list = await fetch(`${t.url}/wallet/apple/v1/devices/${device}/registrations/${pki.passTypeId}`);
    expect(((await list.json()) as { serialNumbers: string[] }).serialNumbers).toEqual([customerCard.uuid]);
    const pass = await fetch(`${t.url}/wallet/apple/v1/passes/${pki.passTypeId}/${customerCard.uuid}`, {
      headers: applePass(customerCard.passToken),
    });
    expect(passField(readPkpass(new Uint8Array(await pass.arrayBuffer())).pass, 'stamps')?.value).toBe('3 / 8');

    const open = await t.runtime.deps.db.outboxMessage.count({ where: { doneAt: null, payload: { equals: { customerCardId: customerCard.id, notify: true } } } });
    expect(open).toBe(0);
  });

  it('pushes nothing with skip_notifications', async () => {
    const { actor, customerCard } = await seeded();
    const token = pushToken();
    await installOn(customerCard, token);
    const before = await t.runtime.deps.db.outboxMessage.count();
    await addStamps(t.runtime.deps, actor, { customerCardId: customerCard.id, stamps: 2, skipNotifications: true });
    await settle();
    expect(apns.pushes.filter((p) => p.token === token)).toHaveLength(0);
    expect(await t.runtime.deps.db.outboxMessage.count()).toBe(before);
  });

  it('pushes on a redemption', async () => {
    const { actor, customerCard, reward } = await seeded();
    await addStamps(t.runtime.deps, actor, { customerCardId: customerCard.id, stamps: 8, skipNotifications: true });
    const token = pushToken();
    await installOn(customerCard, token);
    await redeemReward(t.runtime.deps, actor, { customerCardId: customerCard.id, rewardId: reward.id });
    await eventually(() => apns.delivered(token).length === 1);
  });

  it('pushes nothing for a card no device registered', async () => {
    const { actor, customerCard } = await seeded();
    const before = apns.pushes.length;
    const messages = await t.runtime.deps.db.outboxMessage.count();
    await addStamps(t.runtime.deps, actor, { customerCardId: customerCard.id, stamps: 1 });
    await settle();
    expect(apns.pushes.length).toBe(before);
    expect(await t.runtime.deps.db.outboxMessage.count()).toBe(messages);
  });
});

describe('pushes on card template changes', () => {
  it('pushes once to each device holding a pass of the card, and the next fetch shows the new template', async () => {
    const { actor, card, reward, customerCard } = await seeded();
    const second = await seedCustomerCard(t.runtime.deps, actor, card.id);
    const [phone, watch] = [pushToken(), pushToken()];
    await installOn(customerCard, phone);
    await installOn(second.customerCard, phone);
    await installOn(second.customerCard, watch);
    const other = await seeded();
    const bystander = pushToken();
    await installOn(other.customerCard, bystander);

    await updateCard(t.runtime.deps, actor, card.id, { name: 'Espresso card' });
    await eventually(() => apns.delivered(phone).length === 1 && apns.delivered(watch).length === 1);
    await settle();
    // One push per device, not per pass: the device asks for all its changed passes at once.
    expect(apns.delivered(phone)).toHaveLength(1);
    expect(apns.delivered(watch)).toHaveLength(1);
    expect(apns.delivered(bystander)).toHaveLength(0);
    const pass = await fetch(`${t.url}/wallet/apple/v1/passes/${pki.passTypeId}/${second.customerCard.uuid}`, {
      headers: applePass(second.customerCard.passToken),
    });
    expect(passField(readPkpass(new Uint8Array(await pass.arrayBuffer())).pass, 'card')?.value).toBe('Espresso card');

    await updateReward(t.runtime.deps, actor, reward.id, { name: 'Free flat white' });
    await eventually(() => apns.delivered(phone).length === 2 && apns.delivered(watch).length === 2);
    await setCardArchived(t.runtime.deps, actor, card.id, true);
    await eventually(() => apns.delivered(phone).length === 3 && apns.delivered(watch).length === 3);
    await settle();
    expect(apns.delivered(bystander)).toHaveLength(0);
  });
});

describe('registrations APNs reports gone', () => {
  it('removes a registration answered 410 and keeps the others', async () => {
    const { actor, customerCard } = await seeded();
    const [gone, alive] = [pushToken('dead'), pushToken()];
    await installOn(customerCard, gone);
    await installOn(customerCard, alive);
    await addStamps(t.runtime.deps, actor, { customerCardId: customerCard.id, stamps: 1 });
    await eventually(async () => (await t.runtime.deps.db.passRegistration.count({ where: { pushToken: gone } })) === 0);
    expect(await t.runtime.deps.db.passRegistration.count({ where: { pushToken: alive } })).toBe(1);
    expect(apns.delivered(alive)).toHaveLength(1);
    expect((await t.runtime.deps.db.customerCard.findUniqueOrThrow({ where: { id: customerCard.id } })).passInstalled).toBe(true);
  });

  it('marks the pass not installed when its last registration is gone', async () => {
    const { actor, customerCard } = await seeded();
    await installOn(customerCard, pushToken('dead'));
    await addStamps(t.runtime.deps, actor, { customerCardId: customerCard.id, stamps: 1 });
    await eventually(async () => !(await t.runtime.deps.db.customerCard.findUniqueOrThrow({ where: { id: customerCard.id } })).passInstalled);
    expect(await t.runtime.deps.db.passRegistration.count({ where: { customerCardId: customerCard.id } })).toBe(0);
  });
});

describe('an APNs outage', () => {
  it('keeps the push in the outbox and delivers it once APNs answers again', async () => {
    const { actor, customerCard } = await seeded();
    const token = pushToken();
    await installOn(customerCard, token);
    apns.failNext(2, 503);
    await addStamps(t.runtime.deps, actor, { customerCardId: customerCard.id, stamps: 1 });

    const pending = await eventually(async () => {
      const message = await t.runtime.deps.db.outboxMessage.findFirst({ where: { topic: APNS_PUSH_TOPIC, payload: { equals: { customerCardId: customerCard.id, pushToken: token } } } });
      return message && message.attempts >= 1 && message.lastError ? message : false;
    });
    expect(pending.doneAt).toBeNull();
    expect(pending.lastError).toMatch(/503/);

    await eventually(() => apns.delivered(token).length === 1, 15_000);
    await settle();
    expect(apns.delivered(token)).toHaveLength(1);
    expect(apns.pushes.filter((p) => p.token === token).map((p) => p.status)).toEqual([503, 503, 200]);
    const done = await t.runtime.deps.db.outboxMessage.findUniqueOrThrow({ where: { id: pending.id } });
    expect(done.doneAt).not.toBeNull();
    expect(done.attempts).toBe(3);
    expect(done.lastError).toBeNull();
  });
});
