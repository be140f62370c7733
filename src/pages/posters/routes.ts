import type { Context, Hono } from 'hono';
import { DomainError } from '../../domain/errors.ts';
import { findPublicPoster, type PublicPoster, PosterState, posterState, signUpThroughPoster } from '../../domain/posters/poster-signup.service.ts';
import { posterPaths, posterUrls, PUBLIC_PATHS } from '../../links.ts';
import type { Runtime } from '../../runtime.ts';
import { html } from '../html.ts';
import { PAGE_CSP } from '../mount.ts';
import { renderDisplayPage } from './display-page.ts';
import { parseQrSize, qrPng, qrSvg } from './qr.ts';
import { checkCsrfToken, countSubmission, CSRF_FIELD, HONEYPOT_FIELD, issueCsrfToken } from './signup-guard.ts';
import { type FormValues, formErrors, posterThemeCss, renderNotice, renderSignupPage } from './signup-page.ts';

type Status = 200 | 400 | 403 | 404 | 410 | 413 | 422 | 429;

function page(c: Context, body: string, status: Status = 200, headers: Record<string, string> = {}): Response {
  return c.html(body, status, {
    'content-security-policy': PAGE_CSP,
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    ...headers,
  });
}

const CLOSED: Record<Exclude<PosterState, 'open'>, string> = {
  inactive: 'This poster is not taking sign-ups at the moment.',
  card_archived: 'This stamp card is no longer offered.',
  card_expired: 'This stamp card has ended.',
};

/** 404 for no such poster; 410 (gone) for one that no longer takes sign-ups, in words. */
function closedPage(c: Context, poster: PublicPoster | undefined, state?: PosterState): Response | undefined {
  if (!poster) {
    return page(c, renderNotice('Poster not found', html`<p>This link does not lead to a sign-up form. Check the address, or ask in the shop.</p>`), 404);
  }
  if (!state || state === PosterState.OPEN) return undefined;
  return page(c, renderNotice('Sign-ups are closed', html`<p>${CLOSED[state]} Ask in the shop if you have questions.</p>`, poster), 410);
}

const FORM_FIELDS = ['first_name', 'last_name', 'email', 'phone', 'birthday'] as const;
// A sign-up form is a few short fields; anything larger is not one.
const MAX_FORM_BYTES = 8 * 1024;

/** The sign-up form, its QR code, the printable poster and the poster's colours, at /p/<slug>. */
export function mountPosterPages(app: Hono, runtime: Runtime): void {
  const https = runtime.config.publicUrl.startsWith('https:');
  const { deps } = runtime;

  app.get(`${PUBLIC_PATHS.poster}/:slug`, async (c) => {
    const poster = await findPublicPoster(deps, c.req.param('slug'));
    const closed = closedPage(c, poster, poster && posterState(poster));
    if (closed || !poster) return closed!;
    const token = issueCsrfToken(c, posterPaths(poster.slug).signup, https);
    return page(c, renderSignupPage(poster, token));
  });

  app.post(`${PUBLIC_PATHS.poster}/:slug`, async (c) => {
    const slug = c.req.param('slug');
    const limit = await countSubmission(c, runtime, slug);
    if (!limit.allowed) {
      return page(c, renderNotice('Too many sign-ups', html`<p>Too many sign-ups have come from here or through this poster in the last hour. Please try again later, or ask in the shop.</p>`), 429, {
        'retry-after': String(limit.resetSeconds),
      });
    }
    if (Number(c.req.header('content-length') ?? 0) > MAX_FORM_BYTES) {
      return page(c, renderNotice('Form too large', html`<p>That was more than a sign-up form holds.</p>`), 413);
    }
    const poster = await findPublicPoster(deps, slug);
    const closed = closedPage(c, poster, poster && posterState(poster));
    if (closed || !poster) return closed!;
    const form = await c.req.parseBody();
    const submission = checkCsrfToken(c, form[CSRF_FIELD]);
    if (!submission) {
      return page(c, renderNotice('Please try again', html`<p>This form has expired or was sent from another site. <a href="${posterPaths(slug).signup}">Open the form again</a> and send it from there.</p>`, poster), 403);
    }
    if (typeof form[HONEYPOT_FIELD] !== 'string' || form[HONEYPOT_FIELD] !== '') {
      return page(c, renderNotice('Sign-up not accepted', html`<p>We could not accept this sign-up. If you are a person, <a href="${posterPaths(slug).signup}">open the form again</a>.</p>`, poster), 400);
    }
    const values: FormValues = {};
    for (const name of FORM_FIELDS) {
      const value = form[name];
      if (typeof value === 'string') values[name] = value.slice(0, 300);
    }
    try {
      const result = await signUpThroughPoster(
        deps,
        slug,
        { firstName: values.first_name, lastName: values.last_name, email: values.email, phone: values.phone, birthday: values.birthday },
        submission,
      );
      if (result.kind === 'enrolled') return c.redirect(`${PUBLIC_PATHS.cardPage}/${result.customerCardUuid}`, 303);
      return page(
        c,
        renderNotice(
          'You are already registered',
          html`<p>This email address or phone number is already registered with the shop, so no new card was made and nothing was changed.</p>
<p>Open your card from your phone's wallet or from the link you kept when you joined. Lost it? Ask at the counter: the staff can find your card.</p>
<p><a href="${posterPaths(slug).signup}">Sign up someone else</a></p>`,
          poster,
        ),
      );
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      if (error.isNotFound) return closedPage(c, undefined)!;
      const fields = Object.keys(error.fields).length ? error.fields : { base: [error.message] };
      const state = posterState(poster);
      if (state !== PosterState.OPEN) return closedPage(c, poster, state)!;
      return page(c, renderSignupPage(poster, submission, values, formErrors(fields)), 422);
    }
  });

  app.get(`${PUBLIC_PATHS.poster}/:slug/qr`, async (c) => {
    const poster = await findPublicPoster(deps, c.req.param('slug'));
    if (!poster) return c.text('Poster not found', 404);
    const url = posterUrls(runtime.config, poster.slug).signup;
    const format = c.req.query('format') ?? 'svg';
    const headers = { 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' };
    if (format === 'svg') return c.body(await qrSvg(url), 200, { ...headers, 'content-type': 'image/svg+xml' });
    if (format !== 'png') return c.json({ error: 'format must be svg or png' }, 400);
    const size = parseQrSize(c.req.query('size'));
    if (size === undefined) return c.json({ error: 'size must be a whole number of pixels from 64 to 2048' }, 400);
    const png = await qrPng(url, size);
    return c.body(new Uint8Array(png), 200, { ...headers, 'content-type': 'image/png' });
  });

  app.get(`${PUBLIC_PATHS.poster}/:slug/display`, async (c) => {
    const poster = await findPublicPoster(deps, c.req.param('slug'));
    if (!poster) return closedPage(c, undefined)!;
    return page(c, renderDisplayPage(poster, posterUrls(runtime.config, poster.slug).signup));
  });

  app.get(`${PUBLIC_PATHS.poster}/:slug/theme.css`, async (c) => {
    const poster = await findPublicPoster(deps, c.req.param('slug'));
    if (!poster) return c.text('Not found', 404);
    return c.body(posterThemeCss(poster), 200, {
      'content-type': 'text/css; charset=utf-8',
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
  });
}
