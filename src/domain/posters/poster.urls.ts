import type { Config } from '../../config.ts';

/** Where the poster pages live; a poster's slug follows. */
export const POSTER_PATH = '/p';

/** The poster's pages as paths on this gateway (the pages link each other with these). */
export function posterPaths(slug: string): { signup: string; qrCode: string; display: string; theme: string } {
  const base = `${POSTER_PATH}/${encodeURIComponent(slug)}`;
  return { signup: base, qrCode: `${base}/qr`, display: `${base}/display`, theme: `${base}/theme.css` };
}

/**
 * The public links of a poster, built from its slug so they never need storing. The pages behind
 * them (sign-up form, QR image, on-screen poster) are served by the poster pages, not by the APIs.
 */
export function posterUrls(
  config: Pick<Config, 'publicUrl'>,
  slug: string,
): { signup: string; qrCode: string; display: string } {
  const paths = posterPaths(slug);
  return { signup: config.publicUrl + paths.signup, qrCode: config.publicUrl + paths.qrCode, display: config.publicUrl + paths.display };
}
