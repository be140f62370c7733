import type { Config } from '../../config.ts';

/**
 * The public links of a poster, built from its slug so they never need storing. The pages behind
 * them (sign-up form, QR image, on-screen poster) are served by the poster pages, not by the APIs.
 */
export function posterUrls(
  config: Pick<Config, 'publicUrl'>,
  slug: string,
): { signup: string; qrCode: string; display: string } {
  const base = `${config.publicUrl}/p/${encodeURIComponent(slug)}`;
  return { signup: base, qrCode: `${base}/qr`, display: `${base}/display` };
}
