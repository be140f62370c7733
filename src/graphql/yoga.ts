import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { Runtime } from '../runtime.ts';
import { readPolicyKeyOf } from '../auth/policy.ts';
import type { StampFeed } from '../live/stamp-feed.ts';
import { useCardHolderScope } from './card-holder-scope.ts';
import type { GraphQLContext } from './context.ts';
import { COST_WEIGHTS, useQueryCost } from './cost.ts';
import type { CursorSeal } from './cursors.ts';
import { coded, graphqlLogger, maskError, unauthenticated, useRequestErrorCodes } from './errors.ts';
import { type EventStreamSink, setEventId, useEventStream } from './event-stream.ts';
import { useLiveStreams } from './live-streams.ts';
import { createLoaders } from './loaders.ts';
import { eventCursor, isStampEvent } from './modules/stamp-events.ts';
import { schema } from './schema.ts';
import { replayPageOf } from './replay-pages.ts';
import { useSharedSubscriptionResults } from './shared-results.ts';
import { authenticateViewer, type Viewer } from './viewer.ts';

export const GRAPHQL_PATH = '/graphql';

/** Limits on hostile queries, checked before any resolver runs (documented in docs/graphql.md). */
export const LIMITS = {
  maxDepth: 12,
  maxAliases: 15,
  maxTokens: 2000,
  maxDirectives: 20,
  maxCost: 300_000,
} as const;

/** graphql-armor with the limits above: depth, aliases, tokens, directives, cost; no field suggestions. */
export function armor(): Plugin {
  return EnvelopArmorPlugin({
    maxDepth: { n: LIMITS.maxDepth, onReject: [coded('DEPTH_LIMIT_EXCEEDED')] },
    maxAliases: { n: LIMITS.maxAliases, onReject: [coded('ALIAS_LIMIT_EXCEEDED')] },
    maxTokens: { n: LIMITS.maxTokens, onReject: [coded('TOKEN_LIMIT_EXCEEDED')] },
    maxDirectives: { n: LIMITS.maxDirectives, onReject: [coded('DIRECTIVE_LIMIT_EXCEEDED')] },
    costLimit: { maxCost: LIMITS.maxCost, ...COST_WEIGHTS, onReject: [coded('COST_LIMIT_EXCEEDED')] },
    blockFieldSuggestion: { enabled: true },
  });
}

/**
 * What the transport hands yoga besides the request. The HTTP route and a WebSocket connection (once,
 * at `connection_init`) authenticate before yoga runs and pass the result: `null` means looked up and
 * found nobody, so the lookup is not repeated; absent, yoga authenticates the request itself.
 */
export interface GraphQLServerContext {
  viewer?: Viewer | null;
  /** Set by the HTTP route: subscription results it streams itself (see event-stream.ts). */
  sse?: EventStreamSink;
  /** Set for graphql-ws operations: the socket, not each subscription, holds a live slot (live-streams.ts). */
  websocket?: boolean;
}

export type GraphQLServer = YogaServerInstance<GraphQLServerContext, GraphQLContext>;

/** The GraphQL endpoint of one runtime: yoga over the process-wide schema, subscriptions drawing on `feed`. */
export function createGraphQLServer(runtime: Runtime, feed: StampFeed, cursors: CursorSeal): GraphQLServer {
  return createYoga<GraphQLServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    landingPage: false,
    // CORS is the app's (CORS_ORIGINS, closed by default); yoga's own would allow every origin.
    cors: false,
    // Authenticates once per operation; no token, no data (HTTP 401, code UNAUTHENTICATED).
    context: async ({ request, viewer: given, websocket }) => {
      const lastEventId = websocket ? undefined : request?.headers?.get('last-event-id');
      const viewer = given !== undefined ? given : await authenticateViewer(runtime, request.headers.get('authorization'));
      if (!viewer) throw unauthenticated();
      return {
        runtime,
        actor: viewer.actor,
        ...(viewer.cardHolder ? { cardHolder: viewer.cardHolder } : {}),
        credential: viewer.credential,
        deps: runtime.deps,
        loaders: createLoaders(runtime.deps),
        cursors,
        feed,
        signal: request?.signal,
        ...(lastEventId ? { lastEventId } : {}),
      };
    },
    maskedErrors: { maskError },
    logging: graphqlLogger(),
    // The route serves GraphiQL itself, compressed once (graphiql.ts).
    graphiql: false,
    plugins: [
      armor(),
      useQueryCost(LIMITS.maxCost),
      useRequestErrorCodes(),
      useCardHolderScope(),
      useSharedSubscriptionResults({
        // Shared only between subscribers the policy answers alike: a till's results never reach an
        // admin token or a card holder, a card holder's never another card's.
        scopeOf: (context) => `${context.actor.storeId}/${readPolicyKeyOf(context.actor.principal)}`,
        // A replayed page's events share loaders that read for the whole page (replay-pages.ts).
        contextFor: (context, event) => ({ ...context, loaders: replayPageOf(event)?.loaders ?? createLoaders(context.deps) }),
        // Results of logged events carry the event's cursor as their SSE `id:` (Last-Event-ID).
        onResult: (result, event, context) => {
          if (isStampEvent(event)) setEventId(result, eventCursor(context.cursors, event));
        },
        // The route writes an SSE subscription's plain results straight from here (event-stream.ts).
        onPushStream: (stream, context) => {
          const sink = (context as GraphQLContext & GraphQLServerContext).sse;
          if (sink) sink.direct = stream;
        },
      }),
      useLiveStreams(runtime),
      useEventStream(),
    ],
  });
}
