import {
  createSourceEventStream,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  execute,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { isPushStream, type PushStream } from '../live/push-stream.ts';
import { mapStream, type PromiseOrValue, pushMapped } from './result-streams.ts';
import type { GraphQLContext } from './context.ts';

/** Yoga serialises a result with its own `stringify` when it has one (SSE). */
type SharedResult = ExecutionResult & { stringify?: (result: ExecutionResult) => string };

/**
 * Executes a subscription's selection once per event for every subscriber that asked for the same
 * thing, instead of once per subscriber: a till screen's card may have thousands of watchers, and
 * each execution reads the database. Subscribers share a result when the event object, the document,
 * the operation name, the variables and `scopeOf(context)` are the same; so this is only right while
 * nothing a subscription resolves depends on its subscriber beyond that scope (here the store, which
 * every subscriber of an event shares since events travel on per-store topics, and what the policy's
 * read answers depend on: `readPolicyKeyOf`).
 *
 * The results of an event are kept in a WeakMap keyed by the event object, which the pub/sub hands
 * to every subscriber: they go when the event does. The JSON of a shared result is built once too.
 *
 * Each event runs with `contextFor(context, event)`: a subscription's context lives as long as it
 * does, and whatever is cached on it (DataLoaders, Pothos's per-context caches) would otherwise be
 * served to every later event, however stale. (The event lets events read together, such as a
 * replayed page, share what they read.)
 */
export function useSharedSubscriptionResults(options: {
  scopeOf: (context: GraphQLContext) => string;
  contextFor: (context: GraphQLContext, event: unknown) => GraphQLContext;
  /** Called with every result and the event it was executed for (e.g. to give it an SSE `id:`). */
  onResult?: (result: ExecutionResult, event: object, context: GraphQLContext) => void;
  /**
   * Called with each subscription's results as a push stream, when its events come as one (the
   * feed's and a resume's do): a transport may take them from there (event-stream.ts) instead
   * of through the stream the plugins after this one wrap around it. Only results without errors
   * are pushed; one with errors travels the ordinary way, so error masking still applies to it.
   */
  onPushStream?: (stream: PushStream<ExecutionResult>, context: GraphQLContext) => void;
}): Plugin<GraphQLContext> {
  const { scopeOf, contextFor, onResult, onPushStream } = options;
  const documentIds = new WeakMap<DocumentNode, number>();
  let lastDocumentId = 0;
  const resultsByEvent = new WeakMap<object, Map<string, PromiseOrValue<SharedResult>>>();

  // Yoga caches parsed documents by their text, so identical queries arrive as the same object.
  const documentId = (document: DocumentNode) => {
    let id = documentIds.get(document);
    if (id === undefined) documentIds.set(document, (id = ++lastDocumentId));
    return id;
  };

  const subscribe = async (args: ExecutionArgs) => {
    const stream = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in stream)) return stream;
    const key = [
      documentId(args.document),
      args.operationName ?? '',
      JSON.stringify(args.variableValues ?? {}),
      scopeOf(args.contextValue as GraphQLContext),
    ].join('\n');
    const run = (event: unknown) =>
      execute({ ...args, rootValue: event, contextValue: contextFor(args.contextValue as GraphQLContext, event) });
    const map = (event: unknown): PromiseOrValue<SharedResult> => {
      if (typeof event !== 'object' || event === null) return run(event);
      const results = resultsByEvent.get(event) ?? new Map<string, PromiseOrValue<SharedResult>>();
      if (results.size === 0) resultsByEvent.set(event, results);
      let result = results.get(key);
      if (!result) {
        const executed = run(event);
        const finish = (done: ExecutionResult) => {
          onResult?.(done, event, args.contextValue as GraphQLContext);
          return withCachedJson(done);
        };
        if (executed instanceof Promise) {
          // Once executed, later readers take the result itself, not another step on a promise.
          result = executed.then((done) => {
            const shared = finish(done);
            results.set(key, shared);
            return shared;
          });
        } else {
          result = finish(executed);
        }
        results.set(key, result);
      }
      return result;
    };
    const source = stream[Symbol.asyncIterator]();
    if (!isPushStream(source)) return mapStream(source, map);
    const mapped = pushMapped(source, map);
    onPushStream?.(mapped, args.contextValue as GraphQLContext);
    return mapped;
  };

  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(subscribe);
    },
  };
}

function withCachedJson(result: ExecutionResult): SharedResult {
  let json: string | undefined;
  Object.defineProperty(result, 'stringify', {
    // Yoga passes a copy when it had to strip internals from errors; only the result itself is cached.
    value: (value: ExecutionResult) => (value === result ? (json ??= JSON.stringify(value)) : JSON.stringify(value)),
  });
  return result;
}
