import type { MiddlewareHandler } from 'hono';

/**
 * Cross-origin access for browser apps, closed unless CORS_ORIGINS lists origins. Every API call
 * authenticates with a bearer token, never a cookie, so CORS protects no credential of the browser;
 * it is closed by default so that only the web apps a shop names can call the API from a page.
 */
export interface CorsPolicy {
  /** Exact origins (`https://till.example.com`), or `*` for any. Empty: closed. */
  origins: readonly string[];
}

const ALLOW_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE';
const ALLOW_HEADERS = 'Authorization, Content-Type, Accept, Idempotency-Key';
const EXPOSE_HEADERS = 'Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Location, X-Request-Id';
const MAX_AGE_SECONDS = '600';

/** The `Access-Control-Allow-Origin` value for `origin`, or undefined when it is not allowed. */
export function allowedOrigin(policy: CorsPolicy, origin: string | null | undefined): string | undefined {
  if (!origin) return undefined;
  if (policy.origins.includes('*')) return '*';
  return policy.origins.includes(origin) ? origin : undefined;
}

/** The CORS headers of an actual (not preflight) response to a request from `origin`. */
export function corsHeaders(policy: CorsPolicy, origin: string | null | undefined): Record<string, string> {
  const allowed = allowedOrigin(policy, origin);
  const vary: Record<string, string> = policy.origins.length > 0 && !policy.origins.includes('*') ? { Vary: 'Origin' } : {};
  if (!allowed) return vary;
  return { ...vary, 'Access-Control-Allow-Origin': allowed, 'Access-Control-Expose-Headers': EXPOSE_HEADERS };
}

/**
 * Answers preflight requests itself (204; allow headers only for a listed origin) and adds the CORS
 * headers to every other answer. It runs before the routes, so GraphQL, REST and wallet agree.
 */
export function cors(policy: CorsPolicy): MiddlewareHandler {
  return async (c, next) => {
    const origin = c.req.header('origin');
    if (c.req.method === 'OPTIONS' && origin && c.req.header('access-control-request-method')) {
      const allowed = allowedOrigin(policy, origin);
      const headers: Record<string, string> = { ...corsHeaders(policy, origin) };
      if (allowed) {
        headers['Access-Control-Allow-Methods'] = ALLOW_METHODS;
        headers['Access-Control-Allow-Headers'] = ALLOW_HEADERS;
        headers['Access-Control-Max-Age'] = MAX_AGE_SECONDS;
      }
      delete headers['Access-Control-Expose-Headers'];
      return c.body(null, 204, headers);
    }
    await next();
    for (const [name, value] of Object.entries(corsHeaders(policy, origin))) {
      const existing = name === 'Vary' ? c.res.headers.get('vary') : null;
      setHeader(c, name, existing ? `${existing}, ${value}` : value);
    }
  };
}

/** Sets a header on the answer, copying it first when it came from elsewhere with immutable headers. */
export function setHeader(c: { res: Response }, name: string, value: string): void {
  try {
    c.res.headers.set(name, value);
  } catch {
    c.res = new Response(c.res.body, c.res);
    c.res.headers.set(name, value);
  }
}
