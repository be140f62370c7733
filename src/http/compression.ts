import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import compression from 'compression';

type NodeMiddleware = (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void;

/** Answers that must reach the client as they are written: a compressor would hold events back. */
function isStream(response: ServerResponse): boolean {
  return String(response.getHeader('content-type') ?? '').toLowerCase().startsWith('text/event-stream');
}

/**
 * Compresses answers (brotli, gzip or deflate, whichever the client prefers among those it accepts)
 * at the Node level, under the whole app, so REST, GraphQL, the wallet and the pages are alike. It is
 * the `compression` package rather than Hono's `compress`, which has no brotli (CompressionStream on
 * Node 20 has none). Server-sent events are left alone, unbuffered; answers under 1 KiB and those
 * that arrive encoded already (GraphiQL, compressed once, see graphql/graphiql.ts) pass as they are.
 */
export function withCompression(listener: RequestListener): RequestListener {
  const compress = compression({
    filter: (request, response) => !isStream(response as unknown as ServerResponse) && compression.filter(request, response),
  }) as unknown as NodeMiddleware;
  return (request, response) => compress(request, response, () => listener(request, response));
}
