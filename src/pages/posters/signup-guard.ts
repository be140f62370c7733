import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { clientAddress, type RateLimitDecision, type RateLimiter } from '../../http/rate-limit.ts';
import { SharedLimits } from '../../http/shared-limits.ts';
import type { Runtime } from '../../runtime.ts';

/**
 * What keeps the anonymous sign-up form from being abused: a CSRF token, a honeypot field, and
 * per-address and per-poster limits on submissions.
 */

/** The field a person never sees (hidden by the stylesheet) and a form-filling robot fills in. */
export const HONEYPOT_FIELD = 'website';
export const CSRF_FIELD = 'csrf_token';
const CSRF_COOKIE = 'stampline_signup';
const CSRF_MAX_AGE_SECONDS = 2 * 60 * 60;

/**
 * A fresh token per page view, in an HttpOnly SameSite=Strict cookie scoped to the poster's path and
 * in the form (double submit). Another site can neither read the token nor send the cookie, so it
 * cannot post the form in a visitor's name. It also names the submission, so that sending the same
 * form twice lands on the same card (see the sign-up service).
 */
export function issueCsrfToken(c: Context, path: string, https: boolean): string {
  const token = randomBytes(24).toString('base64url');
  setCookie(c, CSRF_COOKIE, token, { path, httpOnly: true, sameSite: 'Strict', secure: https, maxAge: CSRF_MAX_AGE_SECONDS });
  return token;
}

/** The token of a submitted form when it matches the cookie; undefined otherwise. */
export function checkCsrfToken(c: Context, submitted: unknown): string | undefined {
  const cookie = getCookie(c, CSRF_COOKIE);
  if (typeof submitted !== 'string' || !cookie) return undefined;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(cookie), digest(submitted)) ? submitted : undefined;
}

export interface SignupLimiters {
  perAddress: RateLimiter;
  perPoster: RateLimiter;
}

/** The sign-up counters: one budget per client address and one per poster, per hour, on every gateway. */
export function signupLimitersOf(runtime: Runtime): SignupLimiters {
  const { perAddress, perPoster } = runtime.config.signupLimits;
  const shared = SharedLimits.of(runtime);
  return {
    perAddress: shared.limiter('signup-address', { limit: perAddress, windowSeconds: 3600 }),
    perPoster: shared.limiter('signup-poster', { limit: perPoster, windowSeconds: 3600 }),
  };
}

/**
 * Counts one submission against the client's address and the poster. Every submission counts,
 * accepted or not, so that trying addresses one after another to learn who is registered runs out.
 */
export async function countSubmission(c: Context, runtime: Runtime, slug: string): Promise<RateLimitDecision> {
  const { perAddress, perPoster } = signupLimitersOf(runtime);
  const [address, poster] = await Promise.all([perAddress.hit(`signup:${clientAddress(c, runtime)}`), perPoster.hit(`signup:${slug}`)]);
  if (!address.allowed) return address;
  return poster;
}
