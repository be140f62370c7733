import type { ServerResponse } from 'node:http';
import { type ExecutionResult, GraphQLError } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { PushStream } from '../live/push-stream.ts';
import { log } from '../observability/log.ts';

/**
 * Where a request's subscription results wait for the route to stream them (see `useEventStream`).
 * Created per request by the route and passed to yoga as server context.
 */
export interface EventStreamSink {
  results?: AsyncIterator<ExecutionResult>;
  /**
   * The same subscription's results as they come, before the plugins' wrapping (shared-results.ts):
   * those without errors, which the wrapping passes through unchanged, are written from here.
   */
  direct?: PushStream<ExecutionResult>;
}

const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  'content-encoding': 'none',
} as const;

/**
 * Serves subscriptions over server-sent events by writing straight to Node's response instead of
 * through yoga's SSE processor, whose web-stream layers (a ReadableStream over a Node stream, read
 * back by the server adapter, text encoded per chunk) cost more than the rest of a delivery put
 * together once thousands of clients watch one card. The wire format is yoga's: `event: next` with
 * the result as `data`, a `:` comment as keep-alive, `event: complete` at the end.
 *
 * This plugin only takes the results and answers with the response head (so yoga's response hooks,
 * CORS among them, still apply); the route then calls `streamEvents`. Anything else (queries over
 * SSE, refused subscriptions, a server adapter without Node's response) stays with yoga.
 */
export function useEventStream(): Plugin<Record<string, unknown>, { sse?: EventStreamSink }> {
  return {
    onResultProcess({ request, result, serverContext, setResultProcessor }) {
      const sink = serverContext.sse;
      if (!sink || !isAsyncIterable(result) || !acceptsEventStream(request)) return;
      setResultProcessor((results, fetchAPI) => {
        sink.results = (results as AsyncIterable<ExecutionResult>)[Symbol.asyncIterator]();
        return new fetchAPI.Response(null, { status: 200, headers: SSE_HEADERS });
      }, 'text/event-stream');
    },
  };
}

function acceptsEventStream(request: Request): boolean {
  return (request.headers.get('accept') ?? '').toLowerCase().includes('text/event-stream');
}

// Proxies and browsers drop a silent connection; yoga pings every 12 s too. One timer for all streams.
const KEEP_ALIVE_MS = 12_000;
const open = new Set<ServerResponse>();
let keepAlive: NodeJS.Timeout | undefined;

function track(response: ServerResponse): void {
  open.add(response);
  keepAlive ??= setInterval(() => {
    for (const stream of open) if (stream.writableLength === 0) stream.write(':\n\n');
  }, KEEP_ALIVE_MS).unref();
}

function untrack(response: ServerResponse): void {
  open.delete(response);
  if (open.size === 0 && keepAlive) {
    clearInterval(keepAlive);
    keepAlive = undefined;
  }
}

const COMPLETE = 'event: complete\ndata:\n\n';

/** How long a client should wait before reconnecting to a gateway that is going away (ms). */
export const RECONNECT_RETRY_MS = 1000;

// Subscribers that share a result (see shared-results.ts) share its bytes as well.
const frames = new WeakMap<ExecutionResult, Buffer>();

/** The `id:` of each result that stands for an event of the store's log: the event's cursor. */
const eventIds = new WeakMap<ExecutionResult, string>();

/**
 * Marks `result` as the delivery of the event at `cursor`: its frame gets an `id:` line, which an
 * EventSource (or any client that keeps it) sends back as `Last-Event-ID` when it reconnects.
 */
export function setEventId(result: ExecutionResult, cursor: string): void {
  eventIds.set(result, cursor);
}

function frameOf(result: ExecutionResult & { stringify?: (result: ExecutionResult) => string }): Buffer {
  let frame = frames.get(result);
  if (!frame) {
    const id = eventIds.get(result);
    frame = Buffer.from(`${id ? `id: ${id}\n` : ''}event: next\ndata: ${serialise(result)}\n\n`);
    frames.set(result, frame);
  }
  return frame;
}

/** The result as yoga sends it: without the `http` extension and internal error extensions. */
function serialise(result: ExecutionResult & { stringify?: (result: ExecutionResult) => string }): string {
  const { errors, extensions } = result;
  if (!errors?.length && !extensions?.http) return result.stringify ? result.stringify(result) : JSON.stringify(result);
  const { http: _http, ...otherExtensions } = extensions ?? {};
  return JSON.stringify({
    ...result,
    errors: errors?.map(errorJson),
    extensions: Object.keys(otherExtensions).length > 0 ? otherExtensions : undefined,
  });
}

function errorJson(error: GraphQLError) {
  const json = error.toJSON();
  const { http: _http, unexpected: _unexpected, ...kept } = json.extensions ?? {};
  return { ...json, extensions: Object.keys(kept).length > 0 ? kept : undefined };
}

/**
 * Streams `results` to `response` as server-sent events, with the head yoga answered (`headers`).
 * Honours backpressure (a slow client is not read ahead of), and releases the subscription when the
 * client goes away; the stream ends with `event: complete` when the results do (e.g. on shutdown).
 *
 * With `direct` (the same results, pushed), the results it pushes are written as they come, in one
 * synchronous loop over the subscribers of an event rather than a chain of promises per subscriber;
 * `results` then brings only the rest (results with errors, masked; a revoked credential's last
 * result; the end or failure), each in its place in the order. A client that stops reading pauses
 * the push, which then falls behind and fails like an unread stream.
 */
export function streamEvents(
  results: AsyncIterator<ExecutionResult>,
  headers: Headers,
  response: ServerResponse,
  direct?: PushStream<ExecutionResult>,
): void {
  response.writeHead(200, Object.fromEntries(headers));
  // Some clients wait for a first byte before they report the stream open.
  response.write(':\n\n');
  let gone = false;
  let wake = () => {};
  response.once('close', () => {
    gone = true;
    untrack(response);
    wake();
    void results.return?.();
  });
  track(response);
  if (direct) {
    let paused = false;
    const resume = () => {
      paused = false;
      direct.resume();
    };
    // A throw here (a failed write) fails this stream through the read below: the pushed stream
    // catches it and answers the pending `next()` with it.
    direct.push((result) => {
      if (gone || response.writableEnded) return;
      if (response.write(frameOf(result)) || paused) return;
      paused = true;
      direct.pause();
      response.once('drain', resume);
    });
  }
  void (async () => {
    try {
      for (;;) {
        const step = await results.next();
        if (gone || response.writableEnded) return;
        if (step.done) break;
        if (!response.write(frameOf(step.value))) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            response.once('drain', resolve);
          });
          response.removeListener('drain', wake);
          if (gone) return;
        }
      }
      if (!response.writableEnded) response.end(COMPLETE);
    } catch (error) {
      // Errors arrive masked (maskError); one it did not reveal is ours to log.
      const code = error instanceof GraphQLError ? error.extensions.code : undefined;
      if (!code || code === 'INTERNAL_SERVER_ERROR') log.error({ err: error }, 'event stream failed');
      const shown = error instanceof GraphQLError ? errorJson(error) : { message: 'Unexpected error.' };
      if (!gone && !response.writableEnded) response.end(`event: next\ndata: ${JSON.stringify({ errors: [shown] })}\n\n${COMPLETE}`);
    }
  })();
}

/**
 * Ends an open event stream because the gateway is going away: with a `retry:` hint and without
 * `event: complete`, so that clients take it for a dropped connection and reconnect (an EventSource
 * by itself, sending `Last-Event-ID`; graphql-sse's client retries a stream that ends without
 * `complete`), instead of for a finished subscription. False when `response` is no open event stream.
 */
export function endForReconnect(response: ServerResponse): boolean {
  if (!open.has(response) || response.writableEnded) return false;
  response.end(`retry: ${RECONNECT_RETRY_MS}\n\n`);
  return true;
}
