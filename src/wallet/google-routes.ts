import type { Hono } from 'hono';
import { findPassCard, markGoogleIssued } from '../domain/wallet/pass-card.service.ts';
import { toLoyaltyClass, toLoyaltyObject } from './google-object.ts';
import { guarded, jsonError } from './http.ts';
import { GOOGLE_HERO_SIZE, GOOGLE_LOGO_SIZE, iconPng, stripPng } from './images.ts';
import { passArtwork } from './pass-model.ts';
import { passSourceOf } from './pass-source.ts';
import type { Wallet } from './wallet.ts';

/**
 * `google_wallet_url`: a redirect to Google's save link, signed when it is requested so it carries the
 * current stamps. Plus the two images Google fetches by URL for the loyalty class and object.
 */
export function mountGoogleRoutes(app: Hono, wallet: Wallet): void {
  const db = wallet.runtime.deps.db;
  const { publicUrl } = wallet.runtime.config;

  app.get(
    '/wallet/google/:uuid',
    guarded(async (c) => {
      const card = await findPassCard(db, c.req.param('uuid') ?? '');
      if (!card) return jsonError(c, 404, 'Pass not found');
      const google = await wallet.google();
      if (!google.on) return jsonError(c, 503, google.reason);
      const ids = { issuerId: google.value.issuerId, classPrefix: wallet.runtime.config.wallet.google.classPrefix, publicUrl };
      const source = passSourceOf(card);
      const url = await google.value.saveUrl(toLoyaltyClass(source, ids), toLoyaltyObject(source, ids));
      await markGoogleIssued(db, card.id);
      c.header('cache-control', 'no-store');
      return c.redirect(url, 302);
    }),
  );

  app.get(
    '/wallet/google/:uuid/logo.png',
    guarded(async (c) => {
      const card = await findPassCard(db, c.req.param('uuid') ?? '');
      if (!card) return jsonError(c, 404, 'Pass not found');
      const png = iconPng(passArtwork(passSourceOf(card)), GOOGLE_LOGO_SIZE);
      return c.body(new Uint8Array(png), 200, { 'content-type': 'image/png', 'cache-control': 'public, max-age=3600' });
    }),
  );

  app.get(
    '/wallet/google/:uuid/hero.png',
    guarded(async (c) => {
      const card = await findPassCard(db, c.req.param('uuid') ?? '');
      if (!card) return jsonError(c, 404, 'Pass not found');
      const png = stripPng(passArtwork(passSourceOf(card)), GOOGLE_HERO_SIZE.width, GOOGLE_HERO_SIZE.height);
      return c.body(new Uint8Array(png), 200, { 'content-type': 'image/png', 'cache-control': 'public, max-age=300' });
    }),
  );
}
