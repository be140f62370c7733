import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { addStamps } from '../../src/domain/customer-cards/customer-card.service.ts';
import { globalIdOf } from '../../src/graphql/global-ids.ts';
import { MAX_BODY_BYTES } from '../../src/http/limits.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { connectWs, eventually, openOnceFreed, subscribeSse } from '../helpers/live.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';

const t = useServer({ LIVE_CONNECTIONS_PER_TOKEN: '2', REQUEST_TIMEOUT_MS: '1000' });
const WATCH = 'subscription($s: ID) { stampsChanged(storeId: $s) { delta } }';

describe('live connection limits per API token', () => {
  it('refuse a third SSE stream or WebSocket of one token (429, close 4429), leave other tokens alone, and free the slot on close', async () => {
    const a = await newStore(t.runtime);
    const b = await newStore(t.runtime);
    const watch = (store: typeof a) => subscribeSse(t.url, store.token, WATCH, { s: globalIdOf('Store', store.actor.storeId) });

    const first = await watch(a);
    const second = await watch(a);
    expect([first.status, second.status]).toEqual([200, 200]);

    const third = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { accept: 'text/event-stream', 'content-type': 'application/json', authorization: `Bearer ${a.token}` },
      body: JSON.stringify({ query: WATCH, variables: { s: globalIdOf('Store', a.actor.storeId) } }),
    });
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('5');
    expect((await third.json()).errors[0].extensions.code).toBe('TOO_MANY_CONNECTIONS');

    const socket = connectWs(t.url, { authorization: `Bearer ${a.token}` });
    expect(await socket.closed).toMatchObject({ code: 4429 });

    const other = await watch(b);
    expect(other.status).toBe(200);

    first.close();
    const again = await openOnceFreed(() => watch(a));
    for (const stream of [second, other, again]) stream.close();
  });

  it('count WebSockets and SSE streams together', async () => {
    const a = await newStore(t.runtime);
    const sockets = [connectWs(t.url, { authorization: `Bearer ${a.token}` }), connectWs(t.url, { authorization: `Bearer ${a.token}` })];
    await Promise.all(sockets.map((socket) => socket.acknowledged));
    const sse = await subscribeSse(t.url, a.token, WATCH, { s: globalIdOf('Store', a.actor.storeId) });
    expect(sse.status).toBe(429);
    for (const socket of sockets) socket.close();
  });
});

describe('slow and oversized clients', () => {
  it('closes a WebSocket that sends a message larger than a request body may be', async () => {
    const a = await newStore(t.runtime);
    const socket = connectWs(t.url, { authorization: `Bearer ${a.token}` });
    await socket.acknowledged;
    socket.socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: `#${'x'.repeat(MAX_BODY_BYTES)}\n${WATCH}` } }));
    expect((await socket.closed).code).toBe(1009);
  });

  it('answers a GraphQL body over the limit with 413', async () => {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `#${'x'.repeat(MAX_BODY_BYTES)}\n{ __typename }` }),
    });
    expect(response.status).toBe(413);
    expect((await response.json()).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('keeps SSE streams and WebSockets open past the request timeout: it covers receiving the request only', async () => {
    const a = await newStore(t.runtime);
    const { card } = await seedCard(t.runtime.deps, a.actor);
    const { customerCard } = await seedCustomerCard(t.runtime.deps, a.actor, card.id);
    const sse = await subscribeSse(t.url, a.token, WATCH, { s: globalIdOf('Store', a.actor.storeId) });
    const socket = connectWs(t.url, { authorization: `Bearer ${a.token}` });
    const ws = socket.subscribe(WATCH, { s: globalIdOf('Store', a.actor.storeId) });
    await socket.acknowledged;
    // Well past REQUEST_TIMEOUT_MS (1 s) and Node's check interval.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await eventually(
      async () => {
        await addStamps(t.runtime.deps, a.actor, { customerCardId: customerCard.id, stamps: 1 });
        return [sse.results.received.length, ws.results.received.length];
      },
      ([fromSse, fromWs]) => fromSse! > 0 && fromWs! > 0,
    );
    expect(sse.results.received[0]?.data?.stampsChanged.delta).toBe(1);
    sse.close();
    socket.close();
  });

  it('disconnects a client that never finishes sending its request (slowloris)', async () => {
    const { port } = new URL(t.url);
    const socket = connect(Number(port), '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"partial":');
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    expect(received).toMatch(/^HTTP\/1\.1 408/);
  });
});
