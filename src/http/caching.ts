import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { setHeader } from './cors.ts';

const JSON_TYPE = /^application\/([\w.+-]+\+)?json\b/i;

/** Headers a 304 keeps from the answer it stands for (RFC 9110 §15.4.5). */
const KEPT_ON_304 = ['cache-control', 'content-location', 'date', 'etag', 'expires', 'vary'];

function notModified(from: Headers): Response {
  const headers = new Headers();
  for (const [name, value] of from) if (KEPT_ON_304.includes(name)) headers.set(name, value);
  return new Response(null, { status: 304, headers });
}

/** A whole JSON answer to a GET is the client's own, revalidated each time (see `apiCaching`). */
const REVALIDATED = 'private, no-cache';

/** The weak ETag of an answer's bytes (a string counts as its UTF-8 bytes, as it is sent). */
export function weakETag(body: string | Uint8Array): string {
  return `W/"${createHash('sha1').update(body).digest('hex')}"`;
}

/**
 * The headers `apiCaching` would give a successful JSON answer to a GET, for a caller that has the
 * text at hand (the REST layer): hashing it there spares reading the answer back through a second
 * Response. `apiCaching` still answers a matching `If-None-Match` with 304.
 */
export function readJsonHeaders(text: string): Record<string, string> {
  return { 'Content-Type': 'application/json', ETag: weakETag(text), 'Cache-Control': REVALIDATED };
}

function matches(etag: string, ifNoneMatch: string | undefined): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const bare = etag.replace(/^W\//, '');
  return ifNoneMatch.match(/"[^"]*"/g)?.some((tag) => tag === bare) ?? false;
}

/**
 * Validators and cache headers of the API's answers (REST and GraphQL), unless a route set its own.
 * A successful JSON answer to a GET may be kept by the client's own cache but is revalidated every
 * time (`private, no-cache`), never by a shared cache: it belongs to one API token. Its weak ETag (a
 * hash of the body, weak because the bytes differ once compressed) lets a client sending
 * `If-None-Match` get a bodiless 304 when nothing changed. Only whole JSON answers are hashed: a
 * streamed one (a subscription, over GET too) is passed on as it is, never read to its end here.
 * Everything else (writes, errors, streams) is `no-store`.
 */
export function apiCaching(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    // The response of an SSE stream written straight to the socket is a shared marker, not an answer.
    if (c.res.headers.has('x-hono-already-sent')) return;
    // A route that set its own validator (GraphiQL's page, the REST reads) is revalidated here too.
    const own = c.res.headers.get('etag');
    if (own && (c.req.method === 'GET' || c.req.method === 'HEAD') && c.res.ok && matches(own, c.req.header('if-none-match'))) {
      c.res = notModified(c.res.headers);
      return;
    }
    if (c.res.headers.has('cache-control')) return;
    const readable = (c.req.method === 'GET' || c.req.method === 'HEAD') && c.res.ok && JSON_TYPE.test(c.res.headers.get('content-type') ?? '');
    if (!readable) {
      setHeader(c, 'Cache-Control', 'no-store');
      return;
    }
    // Read through the response itself: @hono/node-server's lightweight Response rebuilds a clone from
    // its original init, which would lose the headers set since (RateLimit-*).
    const headers = new Headers(c.res.headers);
    const body = Buffer.from(await c.res.arrayBuffer());
    const etag = weakETag(body);
    headers.set('ETag', etag);
    headers.set('Cache-Control', REVALIDATED);
    if (matches(etag, c.req.header('if-none-match'))) {
      c.res = notModified(headers);
      return;
    }
    c.res = new Response(body, { status: c.res.status, headers });
  };
}
