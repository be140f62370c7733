import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { shouldRenderGraphiQL } from 'graphql-yoga';
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { corsHeaders } from '../http/cors.ts';
import { MAX_BODY_BYTES } from '../http/limits.ts';
import { limiterOf, rateLimitHeaders, rateLimitKey } from '../http/rate-limit.ts';
import { securityHeaders } from '../http/security-headers.ts';
import { unavailableAnswer } from '../http/unavailable.ts';
import type { Runtime } from '../runtime.ts';
import { type EventStreamSink, streamEvents } from './event-stream.ts';
import { authenticateViewer, type Viewer } from './viewer.ts';
import { GraphiQLPage } from './graphiql.ts';
import { createIntrospectionServer } from './introspection.ts';
import { armor, GRAPHQL_PATH, type GraphQLServer } from './yoga.ts';

// One page for the process: loaded, rendered and compressed once, on first use.
let graphiql: Promise<GraphiQLPage> | undefined;

/** A refusal before GraphQL runs, in GraphQL's error shape. */
function refuse(c: Context, status: ContentfulStatusCode, message: string, code: string, headers: Record<string, string> = {}) {
  return c.json({ errors: [{ message, extensions: { code } }] }, status, headers);
}

/** Yoga's answer with `headers` added (its own headers are immutable). */
function withHeaders(response: Response, headers: Record<string, string>): Response {
  const answer = new Response(response.body, response);
  for (const [name, value] of Object.entries(headers)) answer.headers.set(name, value);
  return answer;
}

/**
 * Serves GraphQL (and GraphiQL for browsers) at /graphql; subscriptions over SSE come through here too.
 * The caller is authenticated here, once, so that its requests count against the same per-token rate
 * limit as REST; yoga receives the viewer with the request and does not look it up again. A request
 * without a valid token may only introspect (introspection.ts).
 */
export function mountGraphQL(app: Hono, yoga: GraphQLServer, runtime: Runtime): void {
  const cors = { origins: runtime.config.corsOrigins };
  const https = runtime.config.publicUrl.startsWith('https:');
  const limiter = limiterOf(runtime);
  app.use(
    GRAPHQL_PATH,
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      // The unread rest of the body would be parsed as the next request: close the connection.
      onError: (c) =>
        refuse(c, 413, `Request body too large (at most ${MAX_BODY_BYTES} bytes)`, 'PAYLOAD_TOO_LARGE', { Connection: 'close' }),
    }),
  );
  const introspection = createIntrospectionServer(GRAPHQL_PATH, armor());
  app.on(['GET', 'POST', 'OPTIONS'], GRAPHQL_PATH, async (c) => {
    if (c.req.method === 'GET' && shouldRenderGraphiQL(c.req.raw)) return (await (graphiql ??= GraphiQLPage.load())).respond(c);
    const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing;
    let viewer: Viewer | undefined;
    try {
      viewer = await authenticateViewer(runtime, c.req.header('authorization'));
    } catch (error) {
      const fault = unavailableAnswer('GraphQL', error);
      if (!fault) throw error;
      return refuse(c, 503, fault.message, 'SERVICE_UNAVAILABLE', { 'Retry-After': String(fault.retryAfterSeconds) });
    }
    // A token spends its own budget, a customer page its card's; anonymous calls their address's.
    const decision = await limiter.hit(rateLimitKey(c, runtime, viewer?.credential));
    const limitHeaders = rateLimitHeaders(limiter, decision);
    if (!decision.allowed) {
      return refuse(c, 429, 'Rate limit exceeded', 'RATE_LIMITED', { ...limitHeaders, 'Retry-After': String(decision.resetSeconds) });
    }
    if (!viewer) return withHeaders(await introspection.fetch(c.req.raw, {}), limitHeaders);
    const sse: EventStreamSink = {};
    const context = { viewer };
    const response = await yoga.fetch(c.req.raw, outgoing ? { sse, ...context } : context);
    if (!sse.results || !outgoing) {
      const answer = new Response(response.body, response);
      for (const [name, value] of Object.entries(limitHeaders)) answer.headers.set(name, value);
      return answer;
    }
    // The stream bypasses Hono's response, and with it the middleware that adds these headers.
    const headers = new Headers(response.headers);
    const extra = {
      ...securityHeaders(headers.get('content-type'), https),
      ...corsHeaders(cors, c.req.header('origin')),
      ...limitHeaders,
    };
    for (const [name, value] of Object.entries(extra)) if (!headers.has(name)) headers.set(name, value);
    streamEvents(sse.results, headers, outgoing, sse.direct);
    return RESPONSE_ALREADY_SENT;
  });
}
