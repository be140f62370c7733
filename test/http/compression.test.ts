import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { getIntrospectionQuery } from 'graphql';
import { describe, expect, it } from 'vitest';
import { globalIdOf } from '../../src/graphql/global-ids.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';

const t = useServer();

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A request as a client with its own Accept-Encoding sends it; the body is left as the server sent it. */
function raw(path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(`${t.url}${path}`, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

function decoded(response: Raw): string {
  const encoding = response.headers['content-encoding'];
  if (encoding === 'br') return brotliDecompressSync(response.body).toString();
  if (encoding === 'gzip') return gunzipSync(response.body).toString();
  return response.body.toString();
}

const OPENAPI = '/api/v1/openapi.json';

describe('compression', () => {
  it('compresses JSON answers with brotli or gzip, as the client accepts, and not when it accepts neither', async () => {
    const plain = await raw(OPENAPI);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const document = JSON.parse(plain.body.toString());
    for (const [accept, encoding] of [['br', 'br'], ['gzip', 'gzip'], ['gzip, deflate, br', 'br'], ['br;q=0.1, gzip', 'gzip']] as const) {
      const response = await raw(OPENAPI, { headers: { 'accept-encoding': accept } });
      expect(response.status).toBe(200);
      expect(response.headers['content-encoding'], accept).toBe(encoding);
      expect(response.headers.vary).toMatch(/Accept-Encoding/i);
      expect(response.body.length).toBeLessThan(plain.body.length / 3);
      expect(JSON.parse(decoded(response))).toEqual(document);
    }
  });

  it('compresses GraphQL answers', async () => {
    const { token } = await newStore(t.runtime);
    const body = JSON.stringify({ query: getIntrospectionQuery() });
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'accept-encoding': 'br' };
    const response = await raw('/graphql', { method: 'POST', headers, body });
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBe('br');
    expect(JSON.parse(decoded(response)).data.__schema.queryType.name).toBe('Query');
  });

  it('leaves SSE streams uncompressed and delivers each event as it happens', async () => {
    const { token, actor } = await newStore(t.runtime);
    const { card } = await seedCard(t.runtime.deps, actor);
    const { customerCard } = await seedCustomerCard(t.runtime.deps, actor, card.id);
    const id = globalIdOf('CustomerCard', customerCard.id);
    let received = '';
    let headers: Record<string, string | string[] | undefined> = {};
    const subscribe = new Promise<() => void>((resolve, reject) => {
      const req = request(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'accept-encoding': 'gzip, br', authorization: `Bearer ${token}` },
      }, (res) => {
        headers = res.headers;
        res.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
        resolve(() => req.destroy());
      });
      req.on('error', reject);
      req.end(JSON.stringify({ query: 'subscription($id: ID) { stampsChanged(customerCardId: $id) { delta ledgerEntry { balanceAfter } } }', variables: { id } }));
    });
    const close = await subscribe;
    try {
      expect(headers['content-type']).toMatch(/^text\/event-stream/);
      expect(headers['content-encoding']).not.toMatch(/gzip|br/);
      for (const stamps of [2, 3]) {
        const stamp = await fetch(`${t.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: `mutation { addStamps(input: {customerCardId: "${id}", stamps: ${stamps}}) { userErrors { message } } }` }),
        });
        expect(stamp.status).toBe(200);
        // The event arrives while the stream stays open: nothing holds it back for a compressor's block.
        const deadline = Date.now() + 10_000;
        while (!received.includes(`"delta":${stamps}`) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
        expect(received).toContain(`"delta":${stamps}`);
      }
      expect(received).toContain('"balanceAfter":5');
    } finally {
      close();
    }
  });

  it('sends answers as they are to a client accepting no encoding it uses, with the Vary of compressible ones', async () => {
    const document = JSON.parse((await raw(OPENAPI)).body.toString());
    for (const accept of [undefined, '', 'identity', 'compress', 'gzip;q=0, br;q=0']) {
      const response = await raw(OPENAPI, { headers: accept === undefined ? {} : { 'accept-encoding': accept } });
      expect(response.status, accept).toBe(200);
      expect(response.headers['content-encoding'], accept).toBeUndefined();
      expect(response.headers.vary, accept).toMatch(/Accept-Encoding/i);
      expect(JSON.parse(response.body.toString())).toEqual(document);
    }
  });

  it('gives the same Vary whether or not the request went through the compressor', async () => {
    const { token, actor } = await newStore(t.runtime);
    const { card } = await seedCard(t.runtime.deps, actor);
    const { customer, customerCard } = await seedCustomerCard(t.runtime.deps, actor, card.id);
    const auth = { authorization: `Bearer ${token}` };
    const show = `/api/v1/accounts/${actor.storeId}/customers/${customer.id}/customer_cards/${customerCard.id}`;
    const etag = (await raw(show, { headers: auth })).headers.etag as string;
    const cases: [string, Record<string, string>, number][] = [
      [show, auth, 200], // small JSON: under the size threshold, still varies
      [show, { ...auth, 'if-none-match': etag }, 304], // bodiless
      [OPENAPI, {}, 200],
      [show, {}, 401],
      ['/healthz', {}, 200],
    ];
    for (const [path, headers, status] of cases) {
      // `identity` skips the compressor; `gzip;q=0` goes through it and is refused gzip all the same.
      const skipped = await raw(path, { headers: { ...headers, 'accept-encoding': 'identity' } });
      const wrapped = await raw(path, { headers: { ...headers, 'accept-encoding': 'gzip;q=0' } });
      expect([skipped.status, wrapped.status], path).toEqual([status, status]);
      expect(skipped.headers.vary, `${path} ${status}`).toBe(wrapped.headers.vary);
      expect(skipped.headers['content-encoding']).toBeUndefined();
      expect(wrapped.headers['content-encoding']).toBeUndefined();
    }
  });
});

describe('validators and cache headers', () => {
  it('give GET answers a weak ETag and private revalidation, and answer a matching If-None-Match with 304', async () => {
    const first = await raw(OPENAPI, { headers: { 'accept-encoding': 'gzip' } });
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^W\/"[^"]+"$/);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    const again = await raw(OPENAPI, { headers: { 'accept-encoding': 'gzip', 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(etag);
    expect(again.headers['cache-control']).toBe('private, no-cache');
    const other = await raw(OPENAPI, { headers: { 'if-none-match': 'W/"stale"' } });
    expect(other.status).toBe(200);
  });

  it('revalidate an API token’s reads, and change the ETag when the data changes', async () => {
    const { token, actor } = await newStore(t.runtime);
    const auth = { authorization: `Bearer ${token}` };
    const path = `/api/v1/accounts/${actor.storeId}/cards`;
    const first = await raw(path, { headers: auth });
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    expect((await raw(path, { headers: { ...auth, 'if-none-match': first.headers.etag as string } })).status).toBe(304);
    await seedCard(t.runtime.deps, actor);
    const changed = await raw(path, { headers: { ...auth, 'if-none-match': first.headers.etag as string } });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(first.headers.etag);
  });

  it('give a REST read the hash of its body as weak ETag, the same on HEAD, and 304 for any matching tag', async () => {
    const { token, actor } = await newStore(t.runtime);
    const { card } = await seedCard(t.runtime.deps, actor);
    const { customer, customerCard } = await seedCustomerCard(t.runtime.deps, actor, card.id);
    const auth = { authorization: `Bearer ${token}` };
    const path = `/api/v1/accounts/${actor.storeId}/customers/${customer.id}/customer_cards/${customerCard.id}`;
    const first = await raw(path, { headers: auth });
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('application/json');
    const hash = createHash('sha1').update(first.body).digest('hex');
    expect(first.headers.etag).toBe(`W/"${hash}"`);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    const head = await raw(path, { method: 'HEAD', headers: auth });
    expect(head.status).toBe(200);
    expect(head.headers.etag).toBe(first.headers.etag);
    expect(head.headers['cache-control']).toBe('private, no-cache');
    for (const tag of [`W/"${hash}"`, `"${hash}"`, `"other", W/"${hash}"`, '*']) {
      for (const method of ['GET', 'HEAD']) {
        const again = await raw(path, { method, headers: { ...auth, 'if-none-match': tag } });
        expect(again.status, `${method} ${tag}`).toBe(304);
        expect(again.body.length).toBe(0);
        expect(again.headers.etag).toBe(first.headers.etag);
        expect(again.headers['cache-control']).toBe('private, no-cache');
      }
    }
    expect((await raw(path, { headers: { ...auth, 'if-none-match': '"other"' } })).status).toBe(200);
    const stamp = await raw(`${path}/stamp`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', 'if-none-match': '*' },
      body: JSON.stringify({ stamps: 1 }),
    });
    expect(stamp.status).toBe(200);
    expect(stamp.headers.etag).toBeUndefined();
    expect(stamp.headers['cache-control']).toBe('no-store');
    const missing = await raw(`${path.replace(/\d+$/, '999999')}`, { headers: auth });
    expect(missing.status).toBe(404);
    expect(missing.headers.etag).toBeUndefined();
    expect(missing.headers['cache-control']).toBe('no-store');
  });

  it('keep writes, refusals and health out of every cache', async () => {
    const { token } = await newStore(t.runtime);
    const post = await raw('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ store { name } }' }),
    });
    expect(post.status).toBe(200);
    expect(post.headers['cache-control']).toBe('no-store');
    expect(post.headers.etag).toBeUndefined();
    expect((await raw('/api/v1/accounts/1/cards')).headers['cache-control']).toBe('no-store');
    expect((await raw('/healthz')).headers['cache-control']).toBe('no-store');
    expect((await raw('/readyz')).headers['cache-control']).toBe('no-store');
  });
});
