import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { clientAddressFrom, parseTrustProxy } from '../../src/http/trust-proxy.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';

describe('TRUST_PROXY parsing', () => {
  it('is none by default, a hop count, or a list of addresses and CIDR ranges', () => {
    expect(parseTrustProxy(undefined)).toEqual({ kind: 'none' });
    expect(parseTrustProxy('')).toEqual({ kind: 'none' });
    expect(parseTrustProxy('0')).toEqual({ kind: 'none' });
    expect(parseTrustProxy('2')).toEqual({ kind: 'hops', hops: 2 });
    const ranges = parseTrustProxy('10.0.0.0/8, 192.168.1.7 ,fd00::/8');
    expect(ranges.kind).toBe('ranges');
    expect(ranges.kind === 'ranges' && ranges.ranges.map(([address, bits]) => `${address.toString()}/${bits}`)).toEqual([
      '10.0.0.0/8',
      '192.168.1.7/32',
      'fd00::/8',
    ]);
  });

  it('refuses what is neither, naming the entry', () => {
    expect(() => parseTrustProxy('10.0.0.0/8,proxy.example.com')).toThrow(/TRUST_PROXY.*"proxy.example.com"/);
    expect(() => parseTrustProxy('10.0.0.0/33')).toThrow(/TRUST_PROXY/);
    expect(() => parseTrustProxy('-1')).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ TRUST_PROXY: 'yes' })).toThrow(/TRUST_PROXY/);
    expect(loadConfig({}).trustProxy).toEqual({ kind: 'none' });
  });
});

describe('the client address', () => {
  const none = parseTrustProxy('');
  const oneHop = parseTrustProxy('1');
  const twoHops = parseTrustProxy('2');
  const proxies = parseTrustProxy('10.0.0.0/8,::1');

  it('ignores X-Forwarded-For unless the peer is trusted', () => {
    expect(clientAddressFrom('203.0.113.9', '198.51.100.1', none)).toBe('203.0.113.9');
    expect(clientAddressFrom('203.0.113.9', '198.51.100.1', proxies)).toBe('203.0.113.9');
    // IPv4-mapped IPv6 peers (a dual-stack socket) are the IPv4 address.
    expect(clientAddressFrom('::ffff:203.0.113.9', undefined, none)).toBe('203.0.113.9');
    expect(clientAddressFrom(undefined, '198.51.100.1', oneHop)).toBeUndefined();
  });

  it('takes the right-most address that is not a trusted proxy', () => {
    // The client made up the first entry; the trusted proxy appended the real one.
    expect(clientAddressFrom('10.0.0.2', '1.2.3.4, 198.51.100.1', proxies)).toBe('198.51.100.1');
    expect(clientAddressFrom('::ffff:10.0.0.2', '1.2.3.4, 198.51.100.1, 10.9.9.9', proxies)).toBe('198.51.100.1');
    expect(clientAddressFrom('::1', '198.51.100.1', proxies)).toBe('198.51.100.1');
    // Only trusted proxies all the way: the left-most is as far as anyone can tell.
    expect(clientAddressFrom('10.0.0.2', '10.0.0.3', proxies)).toBe('10.0.0.3');
    // Ports and brackets as some proxies write them.
    expect(clientAddressFrom('10.0.0.2', '[2001:db8::1]:443', proxies)).toBe('2001:db8::1');
    expect(clientAddressFrom('10.0.0.2', '198.51.100.1:5555', proxies)).toBe('198.51.100.1');
  });

  it('stops at an entry that is not an address', () => {
    expect(clientAddressFrom('10.0.0.2', 'evil, 10.0.0.3, nonsense', proxies)).toBe('10.0.0.2');
    expect(clientAddressFrom('10.0.0.2', 'nonsense, 10.0.0.3', proxies)).toBe('10.0.0.3');
  });

  it('reaches back as many hops as configured, never further', () => {
    expect(clientAddressFrom('10.0.0.2', '1.2.3.4, 198.51.100.1', oneHop)).toBe('198.51.100.1');
    expect(clientAddressFrom('10.0.0.2', '1.2.3.4, 198.51.100.1, 10.0.0.7', twoHops)).toBe('198.51.100.1');
    expect(clientAddressFrom('10.0.0.2', '198.51.100.1', twoHops)).toBe('198.51.100.1');
    expect(clientAddressFrom('10.0.0.2', undefined, twoHops)).toBe('10.0.0.2');
  });
});

const WHOAMI = '{ store { name } }';

describe('over HTTP, behind a trusted proxy on loopback', () => {
  // The test client connects from 127.0.0.1, standing in for the proxy.
  const t = useServer({ TRUST_PROXY: '127.0.0.1/32', RATE_LIMIT_PER_MINUTE: '2' });

  const anonymous = (forwardedFor?: string) =>
    fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
      body: JSON.stringify({ query: '{ __typename }' }),
    });

  it('gives each forwarded client its own budget, and a forged left part of the header changes nothing', async () => {
    expect((await anonymous('198.51.100.1')).status).toBe(200);
    expect((await anonymous('203.0.113.50, 198.51.100.1')).status).toBe(200);
    expect((await anonymous('203.0.113.51, 198.51.100.1')).status).toBe(429);
    // Another client behind the same proxy still has its budget.
    const other = await anonymous('198.51.100.2');
    expect(other.status).toBe(200);
    expect(other.headers.get('ratelimit-remaining')).toBe('1');
  });

  it('counts REST requests the same way', async () => {
    const store = await newStore(t.runtime);
    const rest = (forwardedFor: string) =>
      fetch(`${t.url}/api/v1/accounts`, { headers: { 'x-forwarded-for': forwardedFor, authorization: 'Bearer not-a-token' } });
    expect((await rest('198.51.100.3')).headers.get('ratelimit-remaining')).toBe('1');
    expect((await rest('198.51.100.3')).headers.get('ratelimit-remaining')).toBe('0');
    expect((await rest('198.51.100.3')).status).toBe(429);
    expect((await rest('198.51.100.4')).headers.get('ratelimit-remaining')).toBe('1');
    // A valid token spends its own budget whatever the address.
    const own = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${store.token}`, 'x-forwarded-for': '198.51.100.3' },
      body: JSON.stringify({ query: WHOAMI }),
    });
    expect(own.status).toBe(200);
  });
});

describe('over HTTP, without TRUST_PROXY', () => {
  const t = useServer({ RATE_LIMIT_PER_MINUTE: '2' });

  it('ignores X-Forwarded-For: a client cannot pick a fresh address per request', async () => {
    const statuses: number[] = [];
    for (const forwardedFor of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) {
      const response = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 200, 429]);
  });
});
