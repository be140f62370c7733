import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { type CorsPolicy, corsHeaders } from '../http/cors.ts';
import { MAX_BODY_BYTES } from '../http/limits.ts';
import { type LiveConnections, liveConnectionKey, TOO_MANY_CONNECTIONS } from '../http/live-connections.ts';
import { securityHeaders } from '../http/security-headers.ts';
import { type EventStreamSink, streamEvents } from './event-stream.ts';
import { GRAPHQL_PATH, type GraphQLServer } from './yoga.ts';

/** Serves GraphQL (and GraphiQL for browsers) at /graphql; subscriptions over SSE come through here too. */
export function mountGraphQL(app: Hono, yoga: GraphQLServer, cors: CorsPolicy, https: boolean, live: LiveConnections): void {
  app.use(
    GRAPHQL_PATH,
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      // The unread rest of the body would be parsed as the next request: close the connection.
      onError: (c) =>
        c.json(
          { errors: [{ message: `Request body too large (at most ${MAX_BODY_BYTES} bytes)`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] },
          413,
          { Connection: 'close' },
        ),
    }),
  );
  app.on(['GET', 'POST', 'OPTIONS'], GRAPHQL_PATH, async (c) => {
    const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing;
    const sse: EventStreamSink = {};
    const response = await yoga.fetch(c.req.raw, outgoing ? { sse } : {});
    if (!sse.results || !outgoing) return response;
    const key = liveConnectionKey(c.req.header('authorization'));
    if (!live.acquire(key)) {
      await sse.results.return?.();
      return c.json(
        {
          errors: [
            { message: `Too many live connections for this API token (at most ${live.limit})`, extensions: { code: TOO_MANY_CONNECTIONS } },
          ],
        },
        429,
        { 'Retry-After': '5' },
      );
    }
    outgoing.once('close', () => live.release(key));
    // The stream bypasses Hono's response, and with it the middleware that adds these headers.
    const headers = new Headers(response.headers);
    const extra = { ...securityHeaders(headers.get('content-type'), https), ...corsHeaders(cors, c.req.header('origin')) };
    for (const [name, value] of Object.entries(extra)) if (!headers.has(name)) headers.set(name, value);
    streamEvents(sse.results, headers, outgoing);
    return RESPONSE_ALREADY_SENT;
  });
}
