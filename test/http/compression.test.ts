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
