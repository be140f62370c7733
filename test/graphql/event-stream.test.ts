import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ExecutionResult, GraphQLError } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { maskError } from '../../src/graphql/errors.ts';
import { streamEvents } from '../../src/graphql/event-stream.ts';
import type { PushStream } from '../../src/live/push-stream.ts';
import { FeedClosedError } from '../../src/live/stamp-feed.ts';
import { eventually } from '../helpers/live.ts';

let server: Server | undefined;
afterEach(
  () =>
    new Promise<void>((resolve) => {
      if (!server) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    }),
);

/** Results handed out one by one; `returned` tells whether the stream was released. */
function results(items: Array<ExecutionResult | Error>) {
  const state = { returned: false, waiting: undefined as ((value: IteratorResult<ExecutionResult>) => void) | undefined };
  const iterator: AsyncIterator<ExecutionResult> = {
    async next() {
      const item = items.shift();
      if (item instanceof Error) throw item;
      if (item) return { done: false, value: item };
      if (state.returned) return { done: true, value: undefined };
      return new Promise((resolve) => (state.waiting = resolve));
    },
    async return() {
      state.returned = true;
      state.waiting?.({ done: true, value: undefined });
      return { done: true, value: undefined };
    },
  };
  return { iterator, state };
}

async function serve(iterator: AsyncIterator<ExecutionResult>, direct?: PushStream<ExecutionResult>): Promise<string> {
  server = createServer((_request, response) => streamEvents(iterator, new Headers({ 'x-extra': 'kept' }), response, direct));
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('server-sent event streams', () => {
  it("writes yoga's wire format with the head it was given, and completes when the results end", async () => {
    const { iterator } = results([{ data: { n: 1 } }, { data: { n: 2 } }]);
    void iterator.return?.(); // nothing more after these two
    const response = await fetch(await serve(iterator));
    expect(response.headers.get('x-extra')).toBe('kept');
    expect(await response.text()).toBe(
      ':\n\nevent: next\ndata: {"data":{"n":1}}\n\nevent: next\ndata: {"data":{"n":2}}\n\nevent: complete\ndata:\n\n',
    );
  });

  it('reports a reader that fell behind with the masked error, then completes', async () => {
    const masked = maskError(new FeedClosedError('The subscriber fell 1000 events behind; subscribe again'), 'Unexpected error.');
    const { iterator } = results([{ data: { n: 1 } }, masked]);
    const text = await (await fetch(await serve(iterator))).text();
    expect(text).toContain('event: next\ndata: {"data":{"n":1}}\n\n');
    expect(text).toContain('"message":"The subscriber fell 1000 events behind; subscribe again"');
    expect(text).toContain('"code":"SUBSCRIPTION_ENDED"');
    expect(text.endsWith('event: complete\ndata:\n\n')).toBe(true);
  });

  it('writes pushed results as they come, those read in their place, and pauses the push while the client lags', async () => {
    const { iterator, state } = results([]);
    const pushing = { onValue: undefined as ((result: ExecutionResult) => void) | undefined, paused: false, resumed: 0 };
    const direct = {
      push: (take: (result: ExecutionResult) => void) => (pushing.onValue = take),
      pause: () => (pushing.paused = true),
      resume: () => {
        pushing.paused = false;
        pushing.resumed++;
      },
    } as unknown as PushStream<ExecutionResult>;
    const response = await fetch(await serve(iterator, direct));
    const body = response.text();
    await eventually(() => pushing.onValue, (onValue) => onValue !== undefined);
    pushing.onValue?.({ data: { n: 1 } });
    await eventually(() => state.waiting, (waiting) => waiting !== undefined);
    const read = state.waiting;
    state.waiting = undefined;
    read?.({ done: false, value: { errors: [new GraphQLError('read')] } });
    await eventually(() => state.waiting, (waiting) => waiting !== undefined);
    // Far above the response's buffer: written, then the push waits for the client.
    pushing.onValue?.({ data: { big: 'x'.repeat(1 << 20) } });
    expect(pushing.paused).toBe(true);
    await eventually(() => pushing.resumed, (resumed) => resumed === 1);
    pushing.onValue?.({ data: { n: 3 } });
    await iterator.return?.();
    const text = await body;
    expect(text.indexOf('{"n":1}')).toBeLessThan(text.indexOf('"read"'));
    expect(text.indexOf('"read"')).toBeLessThan(text.indexOf('"big"'));
    expect(text.indexOf('"big"')).toBeLessThan(text.indexOf('{"n":3}'));
    expect(text.endsWith('event: complete\ndata:\n\n')).toBe(true);
  });

  it('releases the results when the client goes away', async () => {
    const { iterator, state } = results([]);
    const abort = new AbortController();
    const response = await fetch(await serve(iterator), { signal: abort.signal });
    expect(response.status).toBe(200);
    abort.abort();
    await eventually(() => state.returned, (returned) => returned);
  });
});
