import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { getIntrospectionQuery } from 'graphql';
import { describe, expect, it } from 'vitest';
import { useServer } from '../helpers/server.ts';

const t = useServer();

function page(headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${t.url}/graphql`, { headers: { accept: 'text/html', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const anonymous = (query: string, operationName?: string) =>
  fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, operationName }) });

describe('GraphiQL page', () => {
  it('is sent compressed (brotli, else gzip) with a weak ETag, revalidated with 304', async () => {
    const plain = await page({});
    expect(plain.status).toBe(200);
    expect(plain.body.length).toBeGreaterThan(8_000_000);
    const br = await page({ 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.body.length).toBeLessThan(2_500_000);
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    const gzip = await page({ 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.body.length).toBeLessThan(3_000_000);
    expect(gunzipSync(gzip.body).equals(plain.body)).toBe(true);
    for (const answer of [plain, br, gzip]) {
      expect(answer.headers['cache-control']).toBe('no-cache');
      expect(answer.headers.vary).toMatch(/Accept-Encoding/i);
      expect(answer.headers.etag).toBe(plain.headers.etag);
    }
    expect(plain.headers.etag).toMatch(/^W\/"[^"]+"$/);
    const again = await page({ 'accept-encoding': 'br', 'if-none-match': plain.headers.etag as string });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('tells GraphiQL not to keep the headers (the API token) in storage', async () => {
    const html = (await page({})).body.toString();
    expect(html).toContain('"shouldPersistHeaders":false');
  });
});

describe('introspection without a token', () => {
  it('is answered, so GraphiQL and codegen can read the schema', async () => {
    const response = await anonymous(getIntrospectionQuery({ descriptions: true }), 'IntrospectionQuery');
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.errors).toBeUndefined();
    expect(body.data.__schema.queryType.name).toBe('Query');
    const typename = await (await anonymous('query { __typename __type(name: "Store") { name } }')).json();
    expect(typename.data).toEqual({ __typename: 'Query', __type: { name: 'Store' } });
  });

  it.each([
    ['a field of the store', '{ store { name } }'],
    ['introspection next to data', '{ __schema { queryType { name } } store { name } }'],
    ['data through a fragment', 'query { ...F } fragment F on Query { __typename store { name } }'],
    ['data through an inline fragment', 'query { ... on Query { node(id: "U3RvcmU6MQ==") { id } } }'],
    ['a mutation', 'mutation { __typename }'],
    ['a subscription', 'subscription { stampsChanged(storeId: "U3RvcmU6MQ==") { delta } }'],
  ])('is all it may run: %s is refused with 401 UNAUTHENTICATED', async (_, query) => {
    const response = await anonymous(query);
    expect(response.status).toBe(401);
    const body = await response.json();
    expect(body.data ?? null).toBeNull();
    expect(body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toContain('UNAUTHENTICATED');
  });

  it('runs the selected operation of a document only if that one is introspection', async () => {
    const document = 'query Schema { __schema { queryType { name } } } query Data { store { name } }';
    expect((await anonymous(document, 'Schema')).status).toBe(200);
    expect((await anonymous(document, 'Data')).status).toBe(401);
  });

  it('is held to the same limits', async () => {
    const deep = `{ __schema { types { ${'fields { type { '.repeat(20)}name${' } }'.repeat(20)} } } }`;
    const tooManyTokens = `{ ${'__typename '.repeat(2100)}}`;
    for (const query of [deep, tooManyTokens]) {
      const body = await (await anonymous(query)).json();
      expect(body.data ?? null).toBeNull();
      expect(body.errors.length).toBeGreaterThan(0);
    }
  });
});
