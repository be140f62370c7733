import type { Context, Hono } from 'hono';
import { getCardPageData } from '../domain/customer-cards/card-page.queries.ts';
import type { Runtime } from '../runtime.ts';
import { Wallet } from '../wallet/wallet.ts';
import { mountAssets } from './assets.ts';
import { cardThemeCss, renderCardNotFound, renderCardPage } from './card-page.ts';
import { mountPosterPages } from './posters/routes.ts';
import { renderTillPage } from './till-page.ts';
import { PAGE_PATHS } from './urls.ts';

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
  app.get(PAGE_PATHS.till, (c) => pageResponse(c, renderTillPage()));
  app.get(`${PAGE_PATHS.card}/:uuid`, async (c) => {
    const data = await getCardPageData(runtime.deps.db, c.req.param('uuid'));
    if (!data) return pageResponse(c, renderCardNotFound(), 404);
    const wallet = Wallet.of(runtime);
    const [apple, google] = await Promise.all([wallet.apple(), wallet.google()]);
    return pageResponse(
      c,
      renderCardPage(data, {
        apple: apple.on ? `/wallet/apple/${data.uuid}.pkpass` : undefined,
        google: google.on ? `/wallet/google/${data.uuid}` : undefined,
      }),
    );
  });
  app.get(`${PAGE_PATHS.card}/:uuid/theme.css`, async (c) => {
    const data = await getCardPageData(runtime.deps.db, c.req.param('uuid'));
    if (!data) return c.text('Not found', 404);
    return c.body(cardThemeCss(data.card), 200, {
      'content-type': 'text/css; charset=utf-8',
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
  });
}
