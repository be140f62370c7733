import type { MiddlewareHandler } from 'hono';
import { setHeader } from './cors.ts';

/**
 * Headers that keep browsers from misusing the gateway's answers: JSON is never sniffed as HTML, no
 * answer is framed, and API answers may load nothing at all. A page that needs more (an HTML page
 * with its own scripts) sets its own Content-Security-Policy, which is then left alone.
 */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * For an HTML answer that sets no policy of its own: GraphiQL, which yoga renders as one page with its
 * script and styles inline. Everything else still comes from this origin only.
 */
export const INLINE_PAGE_CSP =
  "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** The security headers of an answer with `contentType`, given whether it is served over HTTPS. */
export function securityHeaders(contentType: string | null, https: boolean): Record<string, string> {
  return {
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Content-Security-Policy': contentType?.startsWith('text/html') ? INLINE_PAGE_CSP : API_CSP,
    // Browsers ignore it over plain HTTP; behind TLS it keeps them from ever downgrading.
    ...(https ? { 'Strict-Transport-Security': 'max-age=31536000' } : {}),
  };
}

/** Adds the security headers to every answer that does not set them itself. */
export function secureHeaders({ https }: { https: boolean }): MiddlewareHandler {
  return async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(securityHeaders(c.res.headers.get('content-type'), https))) {
      if (!c.res.headers.has(name)) setHeader(c, name, value);
    }
  };
}
