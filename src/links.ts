import type { Config } from './config.ts';

/**
 * Every public URL the gateway hands out (in API responses, on passes, in event data), built from
 * `PUBLIC_URL` in one place so that a transport never imports another one for a link.
 */

type Base = Pick<Config, 'publicUrl'>;

/** Paths of the public pages and files the links point at; the routes mount themselves on them. */
export const PUBLIC_PATHS = {
  cardPage: '/cards',
  till: '/till',
  assets: '/assets',
  appleWallet: '/wallet/apple',
  googleWallet: '/wallet/google',
  poster: '/p',
} as const;

/** The public page of a customer card; its uuid is the page's capability (see docs/pages.md). */
export function cardPageUrl(base: Base, uuid: string): string {
  return `${base.publicUrl}${PUBLIC_PATHS.cardPage}/${uuid}`;
}

/** The wallet links of a customer card, as the REST layer and GraphQL hand them out. */
export function walletUrls(base: Base, uuid: string): { apple: string; google: string } {
  return {
    apple: `${base.publicUrl}${PUBLIC_PATHS.appleWallet}/${uuid}.pkpass`,
    google: `${base.publicUrl}${PUBLIC_PATHS.googleWallet}/${uuid}`,
  };
}

/** `$PUBLIC_URL/wallet/apple`: the Apple pass's webServiceURL. */
export function appleWebServiceUrl(base: Base): string {
  return `${base.publicUrl}${PUBLIC_PATHS.appleWallet}`;
}

/** The poster's pages as paths on this gateway (the pages link each other with these). */
export function posterPaths(slug: string): { signup: string; qrCode: string; display: string; theme: string } {
  const path = `${PUBLIC_PATHS.poster}/${encodeURIComponent(slug)}`;
  return { signup: path, qrCode: `${path}/qr`, display: `${path}/display`, theme: `${path}/theme.css` };
}

/**
 * The public links of a poster, built from its slug so they never need storing. The pages behind
 * them (sign-up form, QR image, on-screen poster) are served by the poster pages, not by the APIs.
 */
export function posterUrls(base: Base, slug: string): { signup: string; qrCode: string; display: string } {
  const paths = posterPaths(slug);
  return { signup: base.publicUrl + paths.signup, qrCode: base.publicUrl + paths.qrCode, display: base.publicUrl + paths.display };
}

/**
 * The images a Google Wallet object shows. The stamp count in the hero's query makes Google fetch it
 * again when the stamps change.
 */
export function googlePassImageUrls(base: Base, uuid: string, stampsCount: number): { logo: string; hero: string } {
  const url = `${base.publicUrl}${PUBLIC_PATHS.googleWallet}/${uuid}`;
  return { logo: `${url}/logo.png`, hero: `${url}/hero.png?stamps=${stampsCount}` };
}

/** The API documents a client is pointed to (REST status). */
export function apiUrls(base: Base): { openapi: string; graphql: string } {
  return { openapi: `${base.publicUrl}/api/v1/openapi.json`, graphql: `${base.publicUrl}/graphql` };
}
