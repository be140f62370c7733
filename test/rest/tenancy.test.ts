import { expect, it } from 'vitest';
import { createLocation } from '../../src/domain/locations/location.service.ts';
import { createPoster } from '../../src/domain/posters/poster.service.ts';
import { createWebhookSubscription } from '../../src/domain/webhooks/webhook-subscription.service.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { restRoutes } from '../../src/rest/mount.ts';
import { restStore } from '../helpers/rest.ts';
import { fillRoutePath } from '../helpers/route-paths.ts';
import { useServer } from '../helpers/server.ts';
import { storeSnapshot } from '../helpers/snapshot.ts';

const t = useServer();
const deps = () => t.runtime.deps;

const snapshot = async (storeId: number) => JSON.stringify(await storeSnapshot(deps().db, storeId));

it("answers 404 to another store's token on every endpoint, through either store's path, and changes nothing", async () => {
  const owner = await restStore(t);
  const intruder = await restStore(t);
  const { card, rewards } = await seedCard(deps(), owner.actor, { stampsRequired: 5 }, [{ name: 'Cookie', stampsRequired: 1 }]);
  const { customer, customerCard } = await seedCustomerCard(deps(), owner.actor, card.id);
  await deps().db.customerCard.update({ where: { id: customerCard.id }, data: { stampsCount: 3 } });
  const location = await createLocation(deps(), owner.actor, { name: 'A', address: 'B' });
  const poster = await createPoster(deps(), owner.actor, card.id, {});
  const before = await snapshot(owner.actor.storeId);

  const attempts = (account: number): Array<[string, string, unknown?]> => {
    const base = `/accounts/${account}`;
    const cc = `${base}/customers/${customer.id}/customer_cards/${customerCard.id}`;
    return [
      ['GET', `/accounts/${owner.actor.storeId}`],
      ['PATCH', `/accounts/${owner.actor.storeId}`, { account: { name: 'Taken' } }],
      ['GET', `${base}/cards`],
      ['GET', `${base}/cards/${card.id}`],
      ['POST', `${base}/cards`, { card: { name: 'Planted' } }],
      ['PATCH', `${base}/cards/${card.id}`, { card: { name: 'Renamed', archived: true } }],
      ['GET', `${base}/customers/${customer.id}/customer_cards`],
      ['GET', cc],
      ['POST', `${cc}/stamp`, { stamps: 1 }],
      ['POST', `${cc}/redeem`, { reward_id: rewards[0]!.id }],
      ['GET', `${base}/customers?search=${encodeURIComponent(customer.email ?? '')}`],
      ['GET', `${base}/customers/${customer.id}`],
      ['POST', `${base}/customers`, { customer: { first_name: 'Planted', email: 'planted@example.com' }, card_id: card.id }],
      ['PATCH', `${base}/customers/${customer.id}`, { customer: { first_name: 'Renamed' } }],
      ['GET', `${base}/locations`],
      ['GET', `${base}/locations/${location.id}`],
      ['POST', `${base}/locations`, { location: { name: 'Planted', address: 'X' } }],
      ['PATCH', `${base}/locations/${location.id}`, { location: { name: 'Renamed' } }],
      ['DELETE', `${base}/locations/${location.id}`],
      ['GET', `${base}/posters`],
      ['GET', `${base}/posters/${poster.id}`],
      ['POST', `${base}/posters`, { poster: { card_id: card.id } }],
      ['PATCH', `${base}/posters/${poster.id}`, { poster: { title: 'Renamed' } }],
      ['DELETE', `${base}/posters/${poster.id}`],
      ['GET', `${base}/rewards`],
      ['GET', `${base}/rewards/${rewards[0]!.id}`],
      ['POST', `${base}/rewards`, { reward: { card_id: card.id, name: 'Planted', stamps_required: 1 } }],
      ['PATCH', `${base}/rewards/${rewards[0]!.id}`, { reward: { name: 'Renamed' } }],
      ['DELETE', `${base}/rewards/${rewards[0]!.id}`],
    ];
  };

  // Through the owner's account path every call is 404. Through the intruder's own path, its lists
  // answer 200 (empty: nothing of the owner shows), and everything naming the owner's records is 404.
  for (const [method, path, body] of attempts(owner.actor.storeId)) {
    const response = await intruder.api.request(method, path, body);
    expect({ method, path, status: response.status }).toEqual({ method, path, status: 404 });
    expect(typeof response.body.error).toBe('string');
  }
  const ownLists = new Set(['cards', 'locations', 'posters', 'rewards']);
  for (const [method, path, body] of attempts(intruder.actor.storeId)) {
    const response = await intruder.api.request(method, path, body);
    const lastSegment = path.split('?')[0]!.split('/').at(-1)!;
    const isOwnList = method === 'GET' && (ownLists.has(lastSegment) || path.includes('/customers?'));
    const isOwnCreate = method === 'POST' && ['cards', 'locations'].includes(lastSegment);
    if (isOwnList) {
      expect(response.status).toBe(200);
      const items = Array.isArray(response.body) ? response.body : response.body.customers;
      expect(items).toEqual([]);
    } else if (isOwnCreate) {
      // Creating in one's own store is allowed and touches nothing of the owner.
      expect(response.status).toBe(201);
    } else {
      expect({ method, path, status: response.status }).toEqual({ method, path, status: 404 });
    }
  }
  expect(await snapshot(owner.actor.storeId)).toBe(before);
});

/**
 * The route table itself drives this one: every route but the public ones is called by another
 * store's token with the owner's ids, so a route added without thought for tenancy is tried too. A
 * route with a body needs an entry in BODIES (a body that would pass validation, so only tenancy can
 * refuse it), and a path parameter needs a record in `recordFor`; missing either fails the test.
 */
const BODIES: Record<string, (owner: { cardId: number; rewardId: number }) => unknown> = {
  'patch /accounts/{id}': () => ({ account: { name: 'Taken' } }),
  'post /accounts/{account_id}/cards': () => ({ card: { name: 'Planted' } }),
  'patch /accounts/{account_id}/cards/{id}': () => ({ card: { name: 'Renamed', archived: true } }),
  'post /accounts/{account_id}/customers/{customer_id}/customer_cards/{id}/stamp': () => ({ stamps: 1 }),
  'post /accounts/{account_id}/customers/{customer_id}/customer_cards/{id}/redeem': ({ rewardId }) => ({ reward_id: rewardId }),
  'post /accounts/{account_id}/customers': ({ cardId }) => ({ customer: { first_name: 'Planted', email: 'planted@example.com' }, card_id: cardId }),
  'patch /accounts/{account_id}/customers/{id}': () => ({ customer: { first_name: 'Renamed' } }),
  'post /accounts/{account_id}/locations': () => ({ location: { name: 'Planted', address: 'X' } }),
  'patch /accounts/{account_id}/locations/{id}': () => ({ location: { name: 'Renamed' } }),
  'post /accounts/{account_id}/posters': ({ cardId }) => ({ poster: { card_id: cardId } }),
  'patch /accounts/{account_id}/posters/{id}': () => ({ poster: { title: 'Renamed' } }),
  'post /accounts/{account_id}/rewards': ({ cardId }) => ({ reward: { card_id: cardId, name: 'Planted', stamps_required: 1 } }),
  'patch /accounts/{account_id}/rewards/{id}': () => ({ reward: { name: 'Renamed' } }),
  'post /accounts/{account_id}/webhook_subscriptions': () => ({ target_url: 'https://93.184.215.14/planted', event: 'stamp.earned' }),
  'patch /accounts/{account_id}/webhook_subscriptions/{id}': () => ({ target_url: 'https://93.184.215.14/taken', enabled: false }),
};

it("covers every route of the route table: another store's token reads and writes nothing of the owner", async () => {
  const owner = await restStore(t);
  const intruder = await restStore(t);
  const { card, rewards } = await seedCard(deps(), owner.actor, { name: 'OWNERSECRET card', stampsRequired: 5 }, [
    { name: 'OWNERSECRET reward', stampsRequired: 1 },
  ]);
  const { customer, customerCard } = await seedCustomerCard(deps(), owner.actor, card.id);
  await deps().db.customerCard.update({ where: { id: customerCard.id }, data: { stampsCount: 3 } });
  const location = await createLocation(deps(), owner.actor, { name: 'OWNERSECRET location', address: 'B' });
  const poster = await createPoster(deps(), owner.actor, card.id, {});
  const subscription = await createWebhookSubscription(deps(), owner.actor, { targetUrl: 'https://93.184.215.14/OWNERSECRET' });
  const before = await snapshot(owner.actor.storeId);
  const ownerIds = { cardId: card.id, rewardId: rewards[0]!.id };
  const secrets = ['OWNERSECRET', customer.email!, customerCard.uuid];

  const records: Record<string, number> = {
    cards: card.id,
    customers: customer.id,
    customer_cards: customerCard.id,
    locations: location.id,
    posters: poster.id,
    rewards: rewards[0]!.id,
    webhook_subscriptions: subscription.id,
  };
  const fill = (path: string, account: number) => fillRoutePath(path, { account, customer: customer.id, records, test: 'tenancy test' });

  const routes = restRoutes.map(({ spec }) => spec).filter((spec) => !spec.public);
  expect(routes.length).toBeGreaterThan(20);
  for (const spec of routes) {
    const key = `${spec.method} ${spec.path}`;
    const body = spec.body ? BODIES[key]?.(ownerIds) : undefined;
    if (spec.body && body === undefined) throw new Error(`${key} has a body but no tenancy case in BODIES`);
    const namesRecord = /\{(id|customer_id)\}/.test(spec.path.replace('/accounts/{id}', ''));

    // 1. Through the owner's account path (or the owner's account itself): nothing but 404.
    if (spec.path.includes('{')) {
      const path = fill(spec.path, owner.actor.storeId);
      const response = await intruder.api.request(spec.method.toUpperCase(), path, body);
      expect({ key, status: response.status }).toEqual({ key, status: 404 });
      expect(typeof response.body.error).toBe('string');
    }

    // 2. Through its own account path, naming the owner's records: 404; lists show none of them.
    const path = fill(spec.path, intruder.actor.storeId);
    const response = await intruder.api.request(spec.method.toUpperCase(), path, body);
    const refersToOwner = JSON.stringify(body ?? {}).match(/"(card_id|reward_id)"/);
    if (namesRecord) {
      expect({ key, status: response.status }).toEqual({ key, status: 404 });
    } else if (spec.method === 'get') {
      expect({ key, status: response.status }).toEqual({ key, status: 200 });
      for (const secret of secrets) expect(response.text, key).not.toContain(secret);
      if (key === 'get /accounts') expect(response.body.map((a: { id: number }) => a.id)).toEqual([intruder.actor.storeId]);
    } else if (refersToOwner) {
      // A create in its own store that names the owner's card: the card does not exist for it.
      expect({ key, status: response.status }).toEqual({ key, status: [404, 422].includes(response.status) ? response.status : 'refused' });
      expect(JSON.stringify(response.body)).not.toContain('OWNERSECRET');
    } else {
      expect({ key, status: response.status }).toEqual({ key, status: spec.method === 'patch' ? 200 : 201 });
    }
  }
  expect(await snapshot(owner.actor.storeId)).toBe(before);
});
