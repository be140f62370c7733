import { describe, expect, it } from 'vitest';
import { StatusSchema } from '../../src/rest/routes/status.ts';
import { REFERENCE_ENDPOINTS, STATUS_KEYS } from '../helpers/leal-shapes.ts';
import { expectShape, expectStatus, restClient, restStore } from '../helpers/rest.ts';
import { useServer } from '../helpers/server.ts';

const t = useServer({ PUBLIC_URL: 'https://stamps.example', RATE_LIMIT_PER_MINUTE: '1000' });

const toOpenApiPath = (path: string) => path.replace(/:([a-z_]+)/g, '{$1}');

describe('GET /api/v1/status', () => {
  it('answers without a token, with every documented key and the rate-limit policy', async () => {
    const response = expectStatus(await restClient(t).get('/status'), 200);
    expectShape(response.body, STATUS_KEYS, StatusSchema.strict());
    expect(response.body).toMatchObject({
      status: 'ok',
      api_version: 'v1',
      openapi_url: 'https://stamps.example/api/v1/openapi.json',
      rate_limit: { limit: 1000, scope: 'token', window_seconds: 60 },
      versioning: { current: 'v1', supported: ['v1'], deprecated: [] },
    });
    expect(response.headers.get('ratelimit-limit')).toBe('1000');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  });
});

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 and describes every endpoint of the reference, and nothing it cannot serve', async () => {
    const doc = expectStatus(await restClient(t).get('/openapi.json'), 200).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    const documented = new Set(
      Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
      ),
    );
    for (const [method, path] of REFERENCE_ENDPOINTS) expect(documented).toContain(`${method} ${toOpenApiPath(path)}`);
    const reference = new Set(REFERENCE_ENDPOINTS.map(([method, path]) => `${method} ${toOpenApiPath(path)}`));
    const extra = [...documented].filter((operation) => !reference.has(operation));
    // Beyond the reference only the PUT twins of the PATCH routes are documented.
    expect(extra.every((operation) => operation.startsWith('PUT ') && reference.has(operation.replace(/^PUT/, 'PATCH')))).toBe(true);
  });

  it('documents form-encoded and JSON bodies with the same schema, and the Idempotency-Key header on stamp', async () => {
    const doc = (await restClient(t).get('/openapi.json')).body;
    const stamp = doc.paths['/api/v1/accounts/{account_id}/customers/{customer_id}/customer_cards/{id}/stamp'].post;
    expect(stamp.requestBody.content['application/json'].schema).toEqual(
      stamp.requestBody.content['application/x-www-form-urlencoded'].schema,
    );
    expect(stamp.requestBody.content['application/json'].schema.required).toEqual(['stamps']);
    expect(stamp.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toContain('header:Idempotency-Key');
    expect(Object.keys(stamp.responses).sort()).toEqual(['200', '400', '401', '403', '404', '413', '415', '422', '429']);
  });
});

describe('routing', () => {
  const fill = (path: string, accountId: number) => path.replace(':account_id', String(accountId)).replace(/:[a-z_]+/g, '999999');

  it('routes every documented endpoint: without a token each answers 401, never the unknown-route 404', async () => {
    const anonymous = restClient(t);
    for (const [method, path] of REFERENCE_ENDPOINTS) {
      const response = await anonymous.request(method, fill(path, 1));
      if (path === '/api/v1/status') expectStatus(response, 200);
      else expect({ method, path, status: response.status, body: response.body }).toEqual({ method, path, status: 401, body: { error: 'Unauthorized' } });
    }
  });

  it('answers every documented endpoint for a token of the store (never a route 404 or a 500)', async () => {
    const { api, actor } = await restStore(t);
    for (const [method, path] of REFERENCE_ENDPOINTS) {
      const response = await api.request(method, fill(path, actor.storeId), method === 'GET' || method === 'DELETE' ? undefined : {});
      expect(response.status, `${method} ${path}: ${response.text}`).toBeLessThan(500);
      expect(response.body?.error ?? '', `${method} ${path}`).not.toMatch(/^No route matches/);
    }
  });

  it('answers an unknown path or method with a JSON 404, whatever the token', async () => {
    const { api, path } = await restStore(t);
    for (const response of [
      await api.get('/nothing-here'),
      await restClient(t).get('/nothing-here'),
      await api.delete(`${path}/cards/1`),
      await api.delete(`${path}/customers/1`),
    ]) {
      expectStatus(response, 404);
      expect(response.body.error).toMatch(/^No route matches \[(GET|DELETE)\]/);
    }
  });

  it('routes PUT like PATCH', async () => {
    const { api, path } = await restStore(t);
    const card = expectStatus(await api.post(`${path}/cards`, { card: { name: 'Before' } }), 201).body;
    const put = expectStatus(await api.put(`${path}/cards/${card.id}`, { card: { name: 'After' } }), 200);
    expect(put.body.name).toBe('After');
  });

  it('answers 401 for a missing, malformed, unknown or non-bearer token', async () => {
    const client = restClient(t);
    for (const authorization of [undefined, 'Bearer', 'Bearer sl_nope', 'Basic dXNlcjpwYXNz', 'sl_token-without-scheme']) {
      const response = await client.get('/accounts', { headers: authorization ? { authorization } : {}, token: null });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ error: 'Unauthorized' });
    }
  });
});
