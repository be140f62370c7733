import WebSocket from 'ws';

/** One message of a subscription: a result (`next`), or the end of the stream. */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary shapes
export type LiveResult = { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };

/**
 * Results as they arrive, read one at a time. `next()` fails after `ms` (a test guard, never an
 * assertion about speed) and reports what did arrive.
 */
class Inbox {
  readonly #items: LiveResult[] = [];
  #waiting: ((item: LiveResult | undefined) => void) | undefined;
  #ended = false;
  readonly received: LiveResult[] = [];

  push(item: LiveResult): void {
    this.received.push(item);
    if (this.#waiting) {
      const resolve = this.#waiting;
      this.#waiting = undefined;
      resolve(item);
    } else {
      this.#items.push(item);
    }
  }

  end(): void {
    this.#ended = true;
    this.#waiting?.(undefined);
    this.#waiting = undefined;
  }

  get ended(): boolean {
    return this.#ended && this.#items.length === 0;
  }

  /** The next result; undefined when the stream ended. */
  async next(ms = 10_000): Promise<LiveResult | undefined> {
    const item = this.#items.shift();
    if (item || this.#ended) return item;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await new Promise<LiveResult | undefined>((resolve, reject) => {
        this.#waiting = resolve;
        timer = setTimeout(
          () => reject(new Error(`no result within ${ms} ms; received so far: ${JSON.stringify(this.received)}`)),
          ms,
        );
      });
    } finally {
      clearTimeout(timer);
      this.#waiting = undefined;
    }
  }

  /** The data of the next result, failing on errors or the end of the stream. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary shapes
  async data(ms?: number): Promise<any> {
    const result = await this.next(ms);
    if (!result) throw new Error(`the stream ended; received: ${JSON.stringify(this.received)}`);
    if (result.errors?.length || !result.data) throw new Error(`expected data, got ${JSON.stringify(result)}`);
    return result.data;
  }
}

export interface SseSubscription {
  status: number;
  headers: Headers;
  results: Inbox;
  /** Resolves when the server ends the stream (`event: complete` or the connection closing). */
  ended: Promise<void>;
  /** Whether the server sent `event: complete` before ending. */
  completed(): boolean;
  /** The `id:` line of each result received (undefined for results without one), in order. */
  eventIds: Array<string | undefined>;
  /** The last `retry:` hint the server sent, in ms. */
  retryHint(): number | undefined;
  /** Drops the connection, as a closed browser tab does. */
  close(): void;
}

/**
 * Subscribes over server-sent events (POST with `Accept: text/event-stream`) and resolves once the
 * response headers arrive, which the gateway sends only when the subscription is live.
 */
export async function subscribeSse(
  baseUrl: string,
  token: string | undefined,
  query: string,
  variables: Record<string, unknown> = {},
  /** A whole Authorization value (e.g. a customer page's `CustomerCard <uuid>`) instead of a bearer token. */
  authorization: string | undefined = token ? `Bearer ${token}` : undefined,
  /** More request headers, e.g. `Last-Event-ID`. */
  extraHeaders: Record<string, string> = {},
): Promise<SseSubscription> {
  const abort = new AbortController();
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      ...(authorization ? { authorization } : {}),
      ...extraHeaders,
    },
    body: JSON.stringify({ query, variables }),
    signal: abort.signal,
  });
  const results = new Inbox();
  let completed = false;
  const eventIds: Array<string | undefined> = [];
  let retry: number | undefined;
  const ended = (async () => {
    if (!response.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    const reader = response.body.getReader();
    try {
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        buffer += decoder.decode(chunk.value, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = frame.split('\n');
          const event = lines.find((line) => line.startsWith('event:'))?.slice(6).trim();
          const data = lines
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5).trimStart())
            .join('\n');
          const retryLine = lines.find((line) => line.startsWith('retry:'));
          if (retryLine) retry = Number(retryLine.slice(6).trim());
          if (event === 'complete') completed = true;
          else if (data) {
            eventIds.push(lines.find((line) => line.startsWith('id:'))?.slice(3).trim());
            results.push(JSON.parse(data));
          }
        }
      }
    } catch {
      // An aborted or cut connection ends the stream as well.
    } finally {
      results.end();
    }
  })();
  return {
    status: response.status,
    headers: response.headers,
    results,
    ended,
    completed: () => completed,
    eventIds,
    retryHint: () => retry,
    close: () => abort.abort(),
  };
}

export interface WsConnection {
  socket: WebSocket;
  /** Resolves with the close code and reason once the socket is closed. */
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves once the server acknowledged `connection_init`. */
  acknowledged: Promise<void>;
  subscribe(query: string, variables?: Record<string, unknown>): WsSubscription;
  close(): void;
}

export interface WsSubscription {
  id: string;
  results: Inbox;
  /** Resolves when the server sends `complete` for this subscription (or the socket closes). */
  completed: Promise<void>;
  /** Stops the subscription (graphql-ws `complete` from the client). */
  complete(): void;
}

/**
 * A bare graphql-ws (graphql-transport-ws) client, so tests see every frame and close code. `init`
 * is the connection_init payload; `headers` go on the upgrade request.
 */
export function connectWs(
  baseUrl: string,
  init: Record<string, unknown> | undefined,
  headers: Record<string, string> = {},
): WsConnection {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', { headers });
  const subscriptions = new Map<string, { results: Inbox; complete: () => void }>();
  let nextId = 0;
  let acknowledge: () => void = () => {};
  let refuse: (error: Error) => void = () => {};
  const acknowledged = new Promise<void>((resolve, reject) => {
    acknowledge = resolve;
    refuse = reject;
  });
  acknowledged.catch(() => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on('close', (code, reason) => {
      refuse(new Error(`closed before connection_ack: ${code} ${String(reason)}`));
      for (const subscription of subscriptions.values()) subscription.complete();
      resolve({ code, reason: String(reason) });
    });
  });
  socket.on('error', () => {});
  socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', ...(init ? { payload: init } : {}) })));
  socket.on('message', (raw) => {
    const message = JSON.parse(String(raw));
    if (message.type === 'connection_ack') acknowledge();
    else if (message.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
    else if (message.type === 'next') subscriptions.get(message.id)?.results.push(message.payload);
    else if (message.type === 'error') {
      subscriptions.get(message.id)?.results.push({ errors: message.payload });
      subscriptions.get(message.id)?.complete();
    } else if (message.type === 'complete') subscriptions.get(message.id)?.complete();
  });
  return {
    socket,
    closed,
    acknowledged,
    subscribe(query, variables = {}) {
      const id = String(++nextId);
      const results = new Inbox();
      let done: () => void = () => {};
      const completed = new Promise<void>((resolve) => {
        done = resolve;
      });
      subscriptions.set(id, {
        results,
        complete: () => {
          subscriptions.delete(id);
          results.end();
          done();
        },
      });
      void acknowledged.then(
        () => socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } })),
        () => {},
      );
      return {
        id,
        results,
        completed,
        complete: () => {
          if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ id, type: 'complete' }));
          subscriptions.get(id)?.complete();
        },
      };
    },
    close: () => socket.close(1000),
  };
}

/** Polls `read` until `accept` holds; for state the server reaches asynchronously (never a timing assertion). */
export async function eventually<T>(read: () => T | Promise<T>, accept: (value: T) => boolean, ms = 10_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() - start > ms) throw new Error(`still ${JSON.stringify(value)} after ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Opens streams until one is accepted (the server frees a slot once it sees a connection close). */
export function openOnceFreed<T extends { status: number; close(): void }>(open: () => Promise<T>): Promise<T> {
  return eventually(open, (attempt) => {
    if (attempt.status !== 200) attempt.close();
    return attempt.status === 200;
  });
}
