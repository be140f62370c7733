import { expect, it } from 'vitest';
import { createLocation } from '../../src/domain/locations/location.service.ts';
import { createPoster } from '../../src/domain/posters/poster.service.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { restStore } from '../helpers/rest.ts';
import { useServer } from '../helpers/server.ts';

const t = useServer();
const deps = () => t.runtime.deps;

/** Everything store `storeId` holds, to compare before and after another store's attempts. */
async function snapshot(storeId: number) {
  const db = deps().db;
  const where = { storeId };
  return JSON.stringify(
    await Promise.all([
      db.store.findUnique({ where: { id: storeId } }),
      db.card.findMany({ where, orderBy: { id: 'asc' } }),
      db.reward.findMany({ where, orderBy: { id: 'asc' } }),
      db.customer.findMany({ where, orderBy: { id: 'asc' } }),
      db.externalReference.findMany({ where, orderBy: { id: 'asc' } }),
      db.customerCard.findMany({ where, orderBy: { id: 'asc' } }),
      db.ledgerEntry.findMany({ where, orderBy: { id: 'asc' } }),
      db.redemption.findMany({ where, orderBy: { id: 'asc' } }),
      db.location.findMany({ where, orderBy: { id: 'asc' } }),
      db.poster.findMany({ where, orderBy: { id: 'asc' } }),
      db.idempotencyKey.findMany({ where, orderBy: { id: 'asc' } }),
    ]),
  );
}

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
