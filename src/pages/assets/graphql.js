// The pages' GraphQL client: queries with fetch, subscriptions as server-sent events read from a fetch
// stream, because EventSource cannot send the Authorization header the gateway needs.

const ENDPOINT = '/graphql';

export class GraphQLRequestError extends Error {
  constructor(message, status, errors = []) {
    super(message);
    this.status = status;
    this.errors = errors;
  }
}

/** Runs a query or mutation; resolves with its data, rejects with a GraphQLRequestError. */
export async function request(authorization, query, variables = {}) {
  let response;
  try {
    response = await fetch(ENDPOINT, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        authorization,
      },
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new GraphQLRequestError('The gateway cannot be reached. Check the connection and try again.', 0);
  }
  let body = {};
  try {
    body = await response.json();
  } catch {
    // A proxy's error page, say: reported by status below.
  }
  if (body.errors?.length || !body.data) {
    throw new GraphQLRequestError(body.errors?.[0]?.message ?? `The gateway answered ${response.status}.`, response.status, body.errors);
  }
  return body.data;
}

/** Splits a text/event-stream body into `{event, data}` frames and hands each to `onFrame`. */
async function readFrames(body, onFrame) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, '\n');
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const lines = buffer.slice(0, end).split('\n');
      buffer = buffer.slice(end + 2);
      const event = lines.find((line) => line.startsWith('event:'))?.slice(6).trim() ?? 'message';
      const data = lines.filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trimStart()).join('\n');
      if (data || event === 'complete') onFrame(event, data);
    }
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Keeps a subscription open until `stop()` is called: when the stream ends (a gateway restarting) or
 * the network drops, it subscribes again after a growing pause. Handlers:
 * - onState('connecting' | 'live' | 'retrying' | 'refused'),
 * - onOpen(): the subscription is live (each time), the moment to catch up on what was missed,
 * - onData(data) for each event,
 * - onRefused(errors) when the gateway refuses the subscription itself (it is not retried),
 * - onExpired() when the gateway no longer keeps the events after the `after` cursor given
 *   (CURSOR_EXPIRED): reload the state and forget the cursor; the subscription is made again at once.
 * `variables` may be a function, called for every (re)subscription: a feed passes `after` its last
 * event's cursor there, so the gateway first sends what happened while the stream was down.
 */
export function subscribe(authorization, query, variables, handlers) {
  let stopped = false;
  let controller;
  let failures = 0;

  (async () => {
    while (!stopped) {
      controller = new AbortController();
      handlers.onState?.(failures === 0 ? 'connecting' : 'retrying');
      let refused;
      try {
        const response = await fetch(ENDPOINT, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization },
          body: JSON.stringify({ query, variables: typeof variables === 'function' ? variables() : variables }),
          signal: controller.signal,
        });
        if (response.status === 401 || response.status === 403) {
          refused = (await response.json().catch(() => ({}))).errors ?? [{ message: 'Not authorised' }];
        } else if (!response.ok || !response.body) {
          throw new Error(`HTTP ${response.status}`);
        } else {
          let opened = false;
          const open = () => {
            if (opened) return;
            opened = true;
            failures = 0;
            handlers.onState?.('live');
            handlers.onOpen?.();
          };
          // The gateway answers once the subscription is live; a refusal comes as the first event.
          const first = setTimeout(open, 0);
          await readFrames(response.body, (event, data) => {
            if (event !== 'next') return;
            const result = JSON.parse(data);
            const code = result.errors?.[0]?.extensions?.code;
            if (result.errors?.length && !result.data && code !== 'SUBSCRIPTION_ENDED') {
              clearTimeout(first);
              refused = result.errors;
              return;
            }
            open();
            if (result.data) handlers.onData(result.data);
          });
          clearTimeout(first);
        }
      } catch {
        // Network failure or abort: retried below unless stopped.
      }
      if (stopped) return;
      if (refused?.[0]?.extensions?.code === 'CURSOR_EXPIRED' && handlers.onExpired) {
        await handlers.onExpired();
        continue;
      }
      if (refused) {
        handlers.onState?.('refused');
        handlers.onRefused?.(refused);
        return;
      }
      failures += 1;
      handlers.onState?.('retrying');
      await sleep(Math.min(30_000, 500 * 2 ** Math.min(failures, 6)) * (0.75 + Math.random() / 2));
    }
  })();

  return () => {
    stopped = true;
    controller?.abort();
  };
}

/** A fresh idempotency key for one click (crypto.randomUUID needs a secure context; this does not). */
export function idempotencyKey(prefix) {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `${prefix}-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
