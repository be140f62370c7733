import { Hono } from 'hono';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loggedPath, requestId } from '../../src/http/request-id.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';
import { captureLog } from '../helpers/log.ts';

const t = useServer({ LOG_REQUESTS: 'true' });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

afterEach(() => vi.restoreAllMocks());

/** The JSON log lines written while `run` ran. */
async function logged(run: () => Promise<void>): Promise<Array<Record<string, unknown>>> {
  const log = captureLog();
  await run();
  return log.lines;
}

describe('X-Request-Id', () => {
  it('is on every answer: REST, GraphQL, pages, health, and a 404', async () => {
    const { token } = await newStore(t.runtime);
    const answers = await Promise.all([
      fetch(`${t.url}/api/v1/status`),
      fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"query":"{ store { name } }"}' }),
      fetch(`${t.url}/till`),
      fetch(`${t.url}/healthz`),
      fetch(`${t.url}/no/such/path`),
    ]);
    const ids = answers.map((response) => response.headers.get('x-request-id'));
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("keeps the client's own id, and replaces one that is not a plain token", async () => {
    const own = await fetch(`${t.url}/healthz`, { headers: { 'x-request-id': 'client-42.abc' } });
    expect(own.headers.get('x-request-id')).toBe('client-42.abc');
    const odd = await fetch(`${t.url}/healthz`, { headers: { 'x-request-id': 'two words' } });
    expect(odd.headers.get('x-request-id')).toMatch(UUID);
    const long = await fetch(`${t.url}/healthz`, { headers: { 'x-request-id': 'x'.repeat(129) } });
    expect(long.headers.get('x-request-id')).toMatch(UUID);
  });

  it('is in the log line of its request, with the method, the path (capabilities masked) and the status', async () => {
    const lines = await logged(async () => {
      await fetch(`${t.url}/healthz`, { headers: { 'x-request-id': 'log-check-1' } });
      await fetch(`${t.url}/cards/6f1c1d0e-1111-4222-8333-944455556666`, { headers: { 'x-request-id': 'log-check-2' } });
    });
    expect(lines).toContainEqual(expect.objectContaining({ request_id: 'log-check-1', method: 'GET', path: '/healthz', status: 200 }));
    expect(lines).toContainEqual(expect.objectContaining({ request_id: 'log-check-2', path: '/cards/:uuid', status: 404 }));
  });

  it('is in the body of a 5xx answer, JSON or not', async () => {
    const app = new Hono();
    app.use('*', requestId({ log: false }));
    app.get('/json', (c) => c.json({ error: 'Service temporarily unavailable, retry shortly' }, 503));
    app.get('/throws', () => {
      throw new Error('boom');
    });
    const json = await app.request('/json', { headers: { 'x-request-id': 'r-503' } });
    expect(json.status).toBe(503);
    expect(await json.json()).toEqual({ error: 'Service temporarily unavailable, retry shortly', request_id: 'r-503' });
    const thrown = await app.request('/throws');
    expect(thrown.status).toBe(500);
    const body = (await thrown.json()) as { request_id: string };
    expect(body).toEqual({ error: 'Internal server error', request_id: thrown.headers.get('x-request-id') });
  });

  it('masks uuids in logged paths and drops the query', () => {
    expect(loggedPath('http://x/wallet/apple/6F1C1D0E-1111-4222-8333-944455556666.pkpass?t=secret')).toBe('/wallet/apple/:uuid.pkpass');
  });
});
