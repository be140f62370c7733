import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Hono } from 'hono';
import { type EventStreamSink, streamEvents } from './event-stream.ts';
import { GRAPHQL_PATH, type GraphQLServer } from './yoga.ts';

/** Serves GraphQL (and GraphiQL for browsers) at /graphql; subscriptions over SSE come through here too. */
export function mountGraphQL(app: Hono, yoga: GraphQLServer): void {
  app.on(['GET', 'POST', 'OPTIONS'], GRAPHQL_PATH, async (c) => {
    const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing;
    const sse: EventStreamSink = {};
    const response = await yoga.fetch(c.req.raw, outgoing ? { sse } : {});
    if (!sse.results || !outgoing) return response;
    streamEvents(sse.results, response.headers, outgoing);
    return RESPONSE_ALREADY_SENT;
  });
}
