import { describe, expect, it } from 'vitest';
import { sealSecret, newSigningSecret } from '../../src/domain/webhooks/secret-box.ts';
import { postWebhook, RESPONSE_BODY_CAP } from '../../src/webhooks/http-post.ts';
import { restStore } from '../helpers/rest.ts';
import { useServer } from '../helpers/server.ts';
import { useReceiver } from '../helpers/webhook-receiver.ts';

// The default: private targets are not allowed.
const t = useServer();
const receiver = useReceiver();

describe('webhook targets must be public https (WEBHOOK_ALLOW_PRIVATE_URLS unset)', () => {
  it('refuses private, loopback, link-local and metadata targets at create and update', async () => {
    const { api, actor } = await restStore(t);
    const base = `/accounts/${actor.storeId}/webhook_subscriptions`;
    const port = new URL(receiver.base).port;
    const refused = [
      receiver.url('/plain-http'),
      `https://127.0.0.1:${port}/`,
      `https://localhost:${port}/`,
      'https://[::1]/',
      'https://[::ffff:127.0.0.1]/',
      'https://10.0.0.8/',
      'https://192.168.0.1/',
      'https://169.254.169.254/latest/meta-data/',
      'https://[fd00:ec2::254]/',
      'https://0.0.0.0/',
    ];
    for (const target_url of refused) {
      const response = await api.request('POST', base, { target_url, event: 'stamp.earned' });
      expect({ target_url, status: response.status }).toEqual({ target_url, status: 422 });
      expect(Object.keys(response.body.errors)).toEqual(['target_url']);
    }
    expect((await api.request('GET', base)).body).toEqual([]);
    const created = await api.request('POST', base, { target_url: 'https://93.184.215.14/hook', event: 'stamp.earned' });
    expect(created.status).toBe(201);
    const moved = await api.request('PATCH', `${base}/${created.body.id}`, { target_url: `https://localhost:${port}/` });
    expect(moved.status).toBe(422);
    expect((await api.request('GET', `${base}/${created.body.id}`)).body.target_url).toBe('https://93.184.215.14/hook');
    expect(receiver.connections).toBe(0);
  });

  it('checks again at connect time: a saved name that resolves to 127.0.0.1 is never connected to', async () => {
    const { api, actor } = await restStore(t);
    const db = t.runtime.deps.db;
    // As if the name had resolved to a public address when it was saved (DNS rebinding).
    const row = await db.webhookSubscription.create({
      data: {
        storeId: actor.storeId,
        targetUrl: `https://localhost:${new URL(receiver.base).port}/rebound`,
        events: ['*'],
        secretSealed: await sealSecret(db, actor.storeId, newSigningSecret()),
      },
    });
    const before = receiver.connections;
    const tested = await api.request('POST', `/accounts/${actor.storeId}/webhook_subscriptions/${row.id}/test`);
    expect(tested.status).toBe(200);
    expect(tested.body).toMatchObject({ delivered: false, status: null });
    expect(tested.body.error).toMatch(/localhost resolves to 127\.0\.0\.1 \(loopback\)/);
    expect(receiver.connections).toBe(before);
    const direct = await postWebhook({ url: `https://localhost:${new URL(receiver.base).port}/`, headers: {}, body: '{}', allowPrivateUrls: false });
    expect(direct).toMatchObject({ status: null, blocked: true });
    expect(receiver.connections).toBe(before);
  });
});

describe('one delivery attempt', () => {
  const post = (path: string, timeoutMs?: number) =>
    postWebhook({ url: receiver.url(path), headers: { 'content-type': 'application/json' }, body: '{"a":1}', allowPrivateUrls: true, timeoutMs });

  it('gives up on a receiver that does not answer in time', async () => {
    receiver.respond('/silent', () => {});
    const result = await post('/silent', 300);
    expect(result).toMatchObject({ status: null, error: 'no complete response within 0.3 s', blocked: false });
    expect(receiver.at('/silent')).toHaveLength(1);
  });

  it('does not follow redirects', async () => {
    receiver.respond('/moved', (_request, res) => res.writeHead(307, { location: receiver.url('/elsewhere') }).end());
    const result = await post('/moved');
    expect(result.status).toBe(307);
    expect(result.error).toBe(`HTTP 307: redirects are not followed (Location: ${receiver.url('/elsewhere')})`);
    expect(receiver.at('/elsewhere')).toHaveLength(0);
  });

  it('reads at most a few KiB of the response', async () => {
    receiver.respond('/chatty', (_request, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('x'.repeat(4 * 1024 * 1024));
    });
    const result = await post('/chatty');
    expect(result).toMatchObject({ status: 200, error: null });
    expect(result.responseBody).toHaveLength(RESPONSE_BODY_CAP);
  });

  it('reports an unreachable receiver and a Retry-After', async () => {
    const closed = await postWebhook({ url: 'http://127.0.0.1:9/', headers: {}, body: '{}', allowPrivateUrls: true });
    expect(closed).toMatchObject({ status: null, blocked: false, error: expect.stringMatching(/ECONNREFUSED/) });
    receiver.respond('/busy', (_request, res) => res.writeHead(429, { 'retry-after': '120' }).end());
    expect(await post('/busy')).toMatchObject({ status: 429, retryAfterMs: 120_000, error: 'HTTP 429' });
  });
});
