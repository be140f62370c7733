import type { Actor, Deps } from '../../src/domain/context.ts';
import { createPoster, type PosterInput } from '../../src/domain/posters/poster.service.ts';
import { seedCard } from './factories.ts';

/** A poster on a fresh card of the store (3 stamps required, 1 welcome stamp, one reward). */
export async function seedPoster(deps: Deps, actor: Actor, poster: PosterInput = {}, card: Parameters<typeof seedCard>[2] = {}) {
  const { card: created, rewards } = await seedCard(deps, actor, { name: 'Coffee Club', stampsRequired: 3, initialStamps: 1, ...card }, [
    { name: 'Free flat white', stampsRequired: 3 },
  ]);
  return { card: created, reward: rewards[0]!, poster: await createPoster(deps, actor, created.id, poster) };
}

export interface OpenedForm {
  status: number;
  html: string;
  cookie: string;
  token: string;
}

/** Opens a sign-up form as a browser would: its HTML, the CSRF cookie it set and the token in it. */
export async function openForm(baseUrl: string, slug: string, headers: Record<string, string> = {}): Promise<OpenedForm> {
  const response = await fetch(`${baseUrl}/p/${slug}`, { headers });
  const html = await response.text();
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const token = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1] ?? '';
  return { status: response.status, html, cookie, token };
}

/** Sends the form (as `application/x-www-form-urlencoded`) without following the redirect. */
export async function submitForm(
  baseUrl: string,
  slug: string,
  form: OpenedForm,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; location: string | null; html: string; headers: Headers }> {
  const body = new URLSearchParams({ csrf_token: form.token, website: '', ...fields });
  const response = await fetch(`${baseUrl}/p/${slug}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookie, ...headers },
    body,
  });
  return { status: response.status, location: response.headers.get('location'), html: await response.text(), headers: response.headers };
}
