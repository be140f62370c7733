import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Hono } from 'hono';
import { type CorsPolicy, corsHeaders } from '../http/cors.ts';
import { securityHeaders } from '../http/security-headers.ts';
import { type EventStreamSink, streamEvents } from './event-stream.ts';
import { GRAPHQL_PATH, type GraphQLServer } from './yoga.ts';

/** Serves GraphQL (and GraphiQL for browsers) at /graphql; subscriptions over SSE come through here too. */
export function mountGraphQL(app: Hono, yoga: GraphQLServer, cors: CorsPolicy, https: boolean): void {
  app.on(['GET', 'POST', 'OPTIONS'], GRAPHQL_PATH, async (c) => {
    const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing;
    const sse: EventStreamSink = {};
    const response = await yoga.fetch(c.req.raw, outgoing ? { sse } : {});
    if (!sse.results || !outgoing) return response;
    // The stream bypasses Hono's response, and with it the middleware that adds these headers.
    const headers = new Headers(response.headers);
    const extra = { ...securityHeaders(headers.get('content-type'), https), ...corsHeaders(cors, c.req.header('origin')) };
    for (const [name, value] of Object.entries(extra)) if (!headers.has(name)) headers.set(name, value);
    streamEvents(sse.results, headers, outgoing);
    return RESPONSE_ALREADY_SENT;
  });
}
