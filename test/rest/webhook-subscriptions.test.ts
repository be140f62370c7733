import { describe, expect, it } from 'vitest';
import { restStore } from '../helpers/rest.ts';
import { useServer } from '../helpers/server.ts';
import { useReceiver, verify } from '../helpers/webhook-receiver.ts';

const t = useServer({ WEBHOOK_ALLOW_PRIVATE_URLS: 'true' });
const receiver = useReceiver();

const KEYS = [
  'account_id', 'created_at', 'description', 'disabled_at', 'disabled_reason', 'enabled', 'event', 'events', 'id',
  'last_delivery_at', 'last_delivery_error', 'last_delivery_status', 'payload_format', 'target_url', 'updated_at',
].sort();

describe('webhook subscriptions over REST, as Leal’s SDK calls them', () => {
  it('creates from top-level fields, shows with the secret, lists without it, updates and deletes', async () => {
    const { api, actor } = await restStore(t);
    const base = `/accounts/${actor.storeId}/webhook_subscriptions`;
    const created = await api.request('POST', base, { target_url: receiver.url('/crud'), event: 'stamp.earned', description: 'Till' });
    expect(created.status).toBe(201);
    expect(Object.keys(created.body).sort()).toEqual([...KEYS, 'secret'].sort());
    expect(created.body).toMatchObject({
      account_id: actor.storeId,
      target_url: receiver.url('/crud'),
      event: 'stamp.earned',
      events: ['stamp.earned'],
      enabled: true,
      payload_format: 'envelope',
      description: 'Till',
      last_delivery_at: null,
      disabled_reason: null,
    });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);

    const wrapped = await api.request('POST', base, {
      webhook_subscription: { target_url: receiver.url('/crud2'), events: ['reward.redeemed', 'customer.created'] },
    });
    expect(wrapped.status).toBe(201);
    expect(wrapped.body).toMatchObject({ event: null, events: ['reward.redeemed', 'customer.created'] });
    const everything = await api.request('POST', base, { target_url: receiver.url('/crud3') });
    expect(everything.body.events).toEqual(['*']);

    const list = await api.request('GET', base);
    expect(list.status).toBe(200);
    expect(list.body.map((s: { id: number }) => s.id)).toEqual([created.body.id, wrapped.body.id, everything.body.id]);
    for (const item of list.body) expect(Object.keys(item).sort()).toEqual(KEYS);
    expect(list.text).not.toContain('whsec_');
    const filtered = await api.request('GET', `${base}?event=customer.created`);
    expect(filtered.body.map((s: { id: number }) => s.id)).toEqual([wrapped.body.id, everything.body.id]);
    const unknownFilter = await api.request('GET', `${base}?event=stamp.exploded`);
    expect(unknownFilter.status).toBe(422);
    expect(Object.keys(unknownFilter.body.errors)).toEqual(['event']);

    const shown = await api.request('GET', `${base}/${created.body.id}`);
    expect(shown.status).toBe(200);
    expect(shown.body.secret).toBe(created.body.secret);

    const patched = await api.request('PATCH', `${base}/${created.body.id}`, { events: ['stamp.earned', 'stamp.removed'], enabled: false });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ events: ['stamp.earned', 'stamp.removed'], event: null, enabled: false, disabled_reason: 'disabled_by_user' });
    expect(patched.body.disabled_at).toEqual(expect.any(String));
    const resumed = await api.request('PATCH', `${base}/${created.body.id}`, { enabled: true });
    expect(resumed.body).toMatchObject({ enabled: true, disabled_at: null, disabled_reason: null });

    expect((await api.request('DELETE', `${base}/${created.body.id}`)).status).toBe(204);
    expect((await api.request('GET', `${base}/${created.body.id}`)).status).toBe(404);
    expect((await api.request('DELETE', `${base}/${created.body.id}`)).status).toBe(404);
  });

  it('refuses unknown events, a missing or bad URL, flat with * and long descriptions with 422, writing nothing', async () => {
    const { api, actor } = await restStore(t);
    const base = `/accounts/${actor.storeId}/webhook_subscriptions`;
    const cases: Array<[unknown, string]> = [
      [{ target_url: receiver.url('/x'), events: ['stamp.earned', 'stamp.exploded'] }, 'events'],
      [{ target_url: receiver.url('/x'), event: 'webhook.test' }, 'event'],
      [{ target_url: receiver.url('/x'), events: [] }, 'events'],
      [{ description: 'no url' }, 'target_url'],
      [{ target_url: 'not a url' }, 'target_url'],
      [{ target_url: 'ftp://example.com/x' }, 'target_url'],
      [{ target_url: 'https://user:pw@example.com/x' }, 'target_url'],
      [{ target_url: receiver.url('/x'), payload_format: 'flat' }, 'payload_format'],
      [{ target_url: receiver.url('/x'), payload_format: 'xml' }, 'payload_format'],
      [{ target_url: receiver.url('/x'), description: 'x'.repeat(256) }, 'description'],
      [{ target_url: receiver.url('/x'), enabled: 'maybe' }, 'enabled'],
      [{ target_url: receiver.url('/x'), events: 'stamp.earned' }, 'events'],
    ];
    for (const [body, field] of cases) {
      const response = await api.request('POST', base, body);
      expect({ body, status: response.status }).toEqual({ body, status: 422 });
      expect(response.body.error).toEqual(expect.any(String));
      expect(Object.keys(response.body.errors), JSON.stringify(body)).toEqual([field]);
    }
    expect((await api.request('GET', base)).body).toEqual([]);
    const created = await api.request('POST', base, { target_url: receiver.url('/x'), event: 'stamp.earned' });
    const flat = await api.request('PATCH', `${base}/${created.body.id}`, { payload_format: 'flat' });
    expect(flat.body.payload_format).toBe('flat');
    const star = await api.request('PATCH', `${base}/${created.body.id}`, { events: ['*'] });
    expect(star.status).toBe(422);
    expect(Object.keys(star.body.errors)).toEqual(['payload_format']);
  });

  it('test sends one signed webhook.test event and answers its outcome; rotate_secret signs with the new secret only', async () => {
    const { api, actor } = await restStore(t);
    const base = `/accounts/${actor.storeId}/webhook_subscriptions`;
    const created = await api.request('POST', base, { target_url: receiver.url('/signed'), event: 'stamp.earned' });
    const tested = await api.request('POST', `${base}/${created.body.id}/test`);
    expect(tested.status).toBe(200);
    expect(tested.body).toEqual({ delivered: true, status: 204, error: null, event_id: expect.any(String) });
    const [first] = receiver.at('/signed');
    expect(first!.headers['webhook-id']).toBe(tested.body.event_id);
    expect(first!.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(verify(created.body.secret, first!)).toEqual({
      type: 'webhook.test',
      timestamp: expect.any(String),
      data: { webhook_subscription_id: created.body.id, account_id: actor.storeId },
    });
    const shown = await api.request('GET', `${base}/${created.body.id}`);
    expect(shown.body).toMatchObject({ last_delivery_status: 204, last_delivery_error: null, last_delivery_at: expect.any(String) });

    const rotated = await api.request('POST', `${base}/${created.body.id}/rotate_secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.id).toBe(created.body.id);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    await api.request('POST', `${base}/${created.body.id}/test`);
    const second = receiver.at('/signed')[1]!;
    expect(second.headers['webhook-signature']!.split(' ')).toHaveLength(1);
    expect(() => verify(created.body.secret, second)).toThrow();
    expect(verify(rotated.body.secret, second)).toMatchObject({ type: 'webhook.test' });
  });

  it('a failing test delivery answers the status and error, is not retried and does not disable', async () => {
    const { api, actor } = await restStore(t);
    const base = `/accounts/${actor.storeId}/webhook_subscriptions`;
    receiver.respond('/gone', (_request, res) => res.writeHead(410).end('no such hook'));
    const created = await api.request('POST', base, { target_url: receiver.url('/gone'), event: 'stamp.earned' });
    const tested = await api.request('POST', `${base}/${created.body.id}/test`);
    expect(tested.body).toEqual({ delivered: false, status: 410, error: 'HTTP 410: no such hook', event_id: expect.any(String) });
    const shown = await api.request('GET', `${base}/${created.body.id}`);
    expect(shown.body).toMatchObject({ enabled: true, last_delivery_status: 410, last_delivery_error: 'HTTP 410: no such hook' });
    expect(await t.runtime.deps.db.outboxMessage.count({ where: { topic: 'webhook.deliver' } })).toBe(0);
    expect(receiver.at('/gone')).toHaveLength(1);
  });
});
