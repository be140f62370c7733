import type { Context, Hono } from 'hono';
import { getCardPageData } from '../domain/customer-cards/card-page.queries.ts';
import type { Runtime } from '../runtime.ts';
import { Wallet } from '../wallet/wallet.ts';
import { mountAssets } from './assets.ts';
import { cardThemeCss, renderCardNotFound, renderCardPage } from './card-page.ts';
import { mountPosterPages } from './posters/routes.ts';
import { renderTillPage } from './till-page.ts';
import { PUBLIC_PATHS } from '../links.ts';

/**
 * The pages allow only their own origin: scripts and styles come from /assets, data from /graphql.
 * The customer page's URL is its capability, so no referrer ever carries it elsewhere.
 */
export const PAGE_CSP =
  "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

function pageResponse(c: Context, body: string, status: 200 | 404 = 200): Response {
  return c.html(body, status, {
    'content-security-policy': PAGE_CSP,
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    // The customer page shows live state and the till holds a token in memory: never from a cache.
    'cache-control': 'no-store',
  });
}

/** The customer page at /cards/<uuid>, the till at /till, poster pages at /p/<slug>, and their static files at /assets. */
export function mountPages(app: Hono, runtime: Runtime): void {
  mountAssets(app);
  mountPosterPages(app, runtime);
  app.get(PUBLIC_PATHS.till, (c) => pageResponse(c, renderTillPage()));
  // Where the till's forms post when submitted before till.js has loaded: the body is never read, and
  // the browser is sent back to the page (303: with a GET), with nothing in its URL.
  app.post(PUBLIC_PATHS.till, (c) => c.body(null, 303, { location: PUBLIC_PATHS.till, 'cache-control': 'no-store' }));
  app.get(`${PUBLIC_PATHS.cardPage}/:uuid`, async (c) => {
    const data = await getCardPageData(runtime.deps.db, c.req.param('uuid'));
    if (!data) return pageResponse(c, renderCardNotFound(), 404);
    const wallet = Wallet.of(runtime);
    const [apple, google] = await Promise.all([wallet.apple(), wallet.google()]);
    return pageResponse(
      c,
      renderCardPage(data, {
        apple: apple.on ? `${PUBLIC_PATHS.appleWallet}/${data.uuid}.pkpass` : undefined,
        google: google.on ? `${PUBLIC_PATHS.googleWallet}/${data.uuid}` : undefined,
      }),
    );
  });
  app.get(`${PUBLIC_PATHS.cardPage}/:uuid/theme.css`, async (c) => {
    const data = await getCardPageData(runtime.deps.db, c.req.param('uuid'));
    if (!data) return c.text('Not found', 404);
    return c.body(cardThemeCss(data.card), 200, {
      'content-type': 'text/css; charset=utf-8',
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
  });
}
