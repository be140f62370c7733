import type { MiddlewareHandler } from 'hono';
import { every } from 'hono/combine';
import { etag } from 'hono/etag';
import { setHeader } from './cors.ts';

const JSON_TYPE = /^application\/([\w.+-]+\+)?json\b/i;

/**
 * Cache headers of the API's answers (REST and GraphQL), unless a route set its own. A successful
 * GET answer may be kept by the client's own cache but is revalidated every time (`private, no-cache`),
 * never by a shared cache: it belongs to one API token. With its weak ETag (Hono's, a hash of the
 * body, weak because the bytes differ once compressed) a client sending `If-None-Match` gets a bodiless
 * 304 when nothing changed. Everything else (writes, errors) is `no-store`.
 */
function cacheControl(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    // The response of an SSE stream written straight to the socket is a shared marker, not an answer.
    if (c.res.headers.has('x-hono-already-sent') || c.res.headers.has('cache-control')) return;
    const readable = (c.req.method === 'GET' || c.req.method === 'HEAD') && c.res.ok && JSON_TYPE.test(c.res.headers.get('content-type') ?? '');
    if (readable) {
      // The ETag reads the body through a clone, which @hono/node-server's lightweight Response builds
      // from its original init: headers set since (RateLimit-*) would be lost. Settle them first.
      const headers = new Headers(c.res.headers);
      const status = c.res.status;
      c.res = new Response(await c.res.arrayBuffer(), { status, headers });
    }
    setHeader(c, 'Cache-Control', readable ? 'private, no-cache' : 'no-store');
  };
}

/** Validators and cache headers for the API's routes (see `cacheControl`). */
export function apiCaching(): MiddlewareHandler {
  return every(etag({ weak: true }), cacheControl());
}
