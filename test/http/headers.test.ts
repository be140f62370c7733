import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createApp } from '../../src/app.ts';
import { globalIdOf } from '../../src/graphql/global-ids.ts';
import { API_CSP, INLINE_PAGE_CSP } from '../../src/http/security-headers.ts';
import { subscribeSse } from '../helpers/live.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';

const closed = useServer();
const open = useServer({ CORS_ORIGINS: 'https://till.example.com, https://admin.example.com' });

function expectSecurityHeaders(response: Response, csp = API_CSP) {
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  expect(response.headers.get('content-security-policy')).toBe(csp);
}

const STATUS = '/api/v1/status';
const WATCH = 'subscription($storeId: ID) { stampsChanged(storeId: $storeId) { delta } }';

describe('security headers', () => {
  it.each([
    ['GET', '/healthz', 200],
    ['GET', STATUS, 200],
    ['GET', '/api/v1/accounts/1/cards', 401],
    ['GET', '/api/v1/nowhere', 404],
    ['GET', '/wallet/apple/00000000-0000-4000-8000-000000000000.pkpass', 404],
    ['POST', '/graphql', 401],
  ])('are on %s %s (%i)', async (method, path, status) => {
    const response = await fetch(`${closed.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(method === 'POST' ? { body: JSON.stringify({ query: '{ store { name } }' }) } : {}),
    });
    expect(response.status).toBe(status);
    expectSecurityHeaders(response);
  });

  it('give GraphiQL a policy that lets its inline page run, still framed by nobody', async () => {
    const response = await fetch(`${closed.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expectSecurityHeaders(response, INLINE_PAGE_CSP);
  });

  it('leave a page its own Content-Security-Policy', async () => {
    const app = createApp(closed.runtime, undefined as never);
    app.get('/page', (c) => c.html('<p>hi</p>', 200, { 'Content-Security-Policy': "script-src 'self'" }));
    const response = await app.request('/page');
    expect(response.headers.get('content-security-policy')).toBe("script-src 'self'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('are on SSE streams, which bypass the app response', async () => {
    const { token, actor } = await newStore(closed.runtime);
    const sse = await subscribeSse(closed.url, token, WATCH, { storeId: globalIdOf('Store', actor.storeId) });
    expect(sse.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expectSecurityHeaders(new Response(null, { headers: sse.headers }));
    sse.close();
  });
});

describe('CORS', () => {
  const preflight = (base: string, origin: string, path = STATUS) =>
    fetch(`${base}${path}`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });

  it('is closed by default: no origin is allowed, on REST or GraphQL', async () => {
    for (const path of [STATUS, '/graphql']) {
      const response = await preflight(closed.url, 'https://till.example.com', path);
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(response.headers.get('access-control-allow-headers')).toBeNull();
    }
    const get = await fetch(`${closed.url}${STATUS}`, { headers: { origin: 'https://till.example.com' } });
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
    const graphql = await fetch(`${closed.url}/graphql`, {
      method: 'POST',
      headers: { origin: 'https://till.example.com', 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(graphql.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows exactly the origins of CORS_ORIGINS', async () => {
    const allowed = await preflight(open.url, 'https://till.example.com', '/graphql');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://till.example.com');
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/Idempotency-Key/);
    expect(allowed.headers.get('vary')).toMatch(/Origin/);

    const other = await preflight(open.url, 'https://evil.example.com');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();

    const get = await fetch(`${open.url}${STATUS}`, { headers: { origin: 'https://admin.example.com' } });
    expect(get.headers.get('access-control-allow-origin')).toBe('https://admin.example.com');
    expect(get.headers.get('access-control-expose-headers')).toMatch(/Retry-After/);
  });

  it('reaches SSE streams', async () => {
    const { token, actor } = await newStore(open.runtime);
    const response = await fetch(`${open.url}/graphql`, {
      method: 'POST',
      headers: { origin: 'https://till.example.com', accept: 'text/event-stream', 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: WATCH, variables: { storeId: globalIdOf('Store', actor.storeId) } }),
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://till.example.com');
    await response.body?.cancel();
  });

  it.each(['https://till.example.com/', 'till.example.com', 'https://till.example.com/app'])('refuses CORS_ORIGINS=%s at start', (origin) => {
    expect(() => loadConfig({ CORS_ORIGINS: origin })).toThrow(/CORS_ORIGINS/);
  });
});
