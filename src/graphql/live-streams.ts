import { type ExecutionResult, GraphQLError } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { LiveConnections, TOO_MANY_CONNECTIONS } from '../http/live-connections.ts';
import type { Runtime } from '../runtime.ts';
import type { GraphQLContext } from './context.ts';

/** What the HTTP route and the WebSocket add to the context (see yoga.ts). */
interface TransportContext {
  /** Set for operations of a graphql-ws socket, which holds one live slot for all its subscriptions. */
  websocket?: boolean;
}

// A live-connection refusal tells the client when to try again (SSE clients reconnect by themselves).
const RETRY_AFTER_SECONDS = 5;

function tooManyConnections(limit: number): GraphQLError {
  return new GraphQLError(`Too many live connections for this API token (at most ${limit})`, {
    extensions: { code: TOO_MANY_CONNECTIONS, http: { status: 429, headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) } } },
  });
}

/** The last result of a stream whose credential stopped working: a coded error, before the stream ends. */
export function endedResult(reason: string): ExecutionResult {
  return { errors: [new GraphQLError(reason, { extensions: { code: 'UNAUTHENTICATED' } })] };
}

/**
 * Counts every subscription served over HTTP against its credential's live-connection limit at the
 * point it is executed, whatever the request looked like (POST or GET, any Accept, server-sent events
 * or not), and releases the slot when the stream ends. The stream is registered with the process's
 * live connections, so a revoked token (or a deleted card) ends it: with a last `UNAUTHENTICATED`
 * error result, then the end of the stream. Over the limit the operation is refused with 429
 * `TOO_MANY_CONNECTIONS` and `Retry-After`, as JSON whatever the client accepts.
 *
 * graphql-ws operations are left alone: the socket holds the slot and is closed on revocation.
 */
export function useLiveStreams(runtime: Runtime): Plugin<GraphQLContext & TransportContext> {
  const live = LiveConnections.of(runtime);
  // The stream of each request, to end when yoga finds no way to send it (406: it never reads it).
  const streams = new WeakMap<Request, AsyncIterator<unknown>>();
  return {
    async onSubscribe({ args, subscribeFn, setSubscribeFn, setResultAndStopExecution }) {
      const context = args.contextValue;
      if (context.websocket) return;
      let stream: EndableStream | undefined;
      let endedWith: string | undefined;
      const release = await live.open(context.credential, (reason) => {
        endedWith = reason;
        stream?.end(reason);
      });
      if (!release) {
        setResultAndStopExecution({ errors: [tooManyConnections(live.limit)] });
        return;
      }
      // A subscribe that throws never reaches onSubscribeResult; its slot must not stay taken.
      setSubscribeFn(async (subscribeArgs) => {
        try {
          return await subscribeFn(subscribeArgs);
        } catch (error) {
          release();
          throw error;
        }
      });
      return {
        onSubscribeResult({ result, setResult }) {
          if (!isAsyncIterable(result)) return release();
          stream = endable(result as AsyncIterable<ExecutionResult>, release);
          if (endedWith !== undefined) stream.end(endedWith);
          const request = (context as { request?: Request }).request;
          if (request) streams.set(request, stream);
          setResult(stream);
        },
      };
    },
    onResultProcess({ request, result, setResultProcessor }) {
      if (isAsyncIterable(result) || Array.isArray(result) || !result.errors?.some((error) => error.extensions?.code === TOO_MANY_CONNECTIONS)) return;
      setResultProcessor(
        (refusal, fetchAPI) =>
          new fetchAPI.Response(JSON.stringify(refusal), {
            status: 429,
            headers: { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(RETRY_AFTER_SECONDS) },
          }),
        'application/json',
      );
      streams.delete(request);
    },
    onResponse({ request, response }) {
      const stream = streams.get(request);
      streams.delete(request);
      if (stream && response.status === 406) void stream.return?.();
    },
  };
}

interface EndableStream extends AsyncIterableIterator<ExecutionResult> {
  /** Ends the stream from outside: a pending or the next read gets `endedResult(reason)`, then the end. */
  end(reason: string): void;
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/** `source` with an `end` from outside; `onFinish` runs once, however the stream stops. */
function endable(source: AsyncIterable<ExecutionResult>, onFinish: () => void): EndableStream {
  const iterator = source[Symbol.asyncIterator]();
  let finished = false;
  let farewell: ExecutionResult | undefined;
  // Settles the read in progress, if any, when the stream is ended from outside. One per read, not a
  // race against a promise that lives as long as the stream: every race would leave a reaction on it.
  let interrupt: (() => void) | undefined;
  const finish = () => {
    if (finished) return;
    finished = true;
    onFinish();
  };
  const last = (): IteratorResult<ExecutionResult> => {
    const value = farewell;
    farewell = undefined;
    return value ? { done: false, value } : DONE;
  };
  const stream: EndableStream = {
    [Symbol.asyncIterator]: () => stream,
    next() {
      if (farewell !== undefined) return Promise.resolve(last());
      if (finished) return Promise.resolve(DONE);
      return new Promise((resolve, reject) => {
        interrupt = () => resolve(last());
        iterator.next().then(
          (step) => {
            interrupt = undefined;
            // An event that arrives together with the end is not delivered.
            if (farewell !== undefined) return resolve(last());
            if (step.done) finish();
            resolve(step);
          },
          (error: unknown) => {
            interrupt = undefined;
            reject(error);
          },
        );
      });
    },
    async return() {
      finish();
      await iterator.return?.();
      return DONE;
    },
    async throw(error?: unknown) {
      finish();
      await iterator.return?.();
      throw error;
    },
    end(reason) {
      if (finished) return;
      farewell = endedResult(reason);
      finish();
      interrupt?.();
      void iterator.return?.();
    },
  };
  return stream;
}
