import type { PublicPoster } from '../../domain/posters/poster-signup.service.ts';
import { posterPaths } from '../../links.ts';
import { displayStoreName } from '../../domain/stores/store.service.ts';
import { assetUrl } from '../assets.ts';
import { plural } from '../card-page.ts';
import { html } from '../html.ts';
import { renderPage } from '../layout.ts';

/**
 * The printable poster: title, card and rewards, the QR code and one line saying what to do, laid
 * out for the poster's paper (`@page` size in its theme stylesheet), so printing gives one page.
 */
export function renderDisplayPage(poster: PublicPoster, signupUrl: string): string {
  const storeName = displayStoreName(poster.store);
  const paths = posterPaths(poster.slug);
  const rewards = poster.card.rewards.slice(0, 3);
  const body = html`<main class="poster-sheet poster-sheet--${poster.paperSize}">
  <p class="poster-sheet__store">${storeName}</p>
  <h1 class="poster-sheet__title">${poster.title ?? `Join ${poster.card.name}`}</h1>
  <p class="poster-sheet__card">${poster.card.name}: ${plural(poster.card.stampsRequired, 'stamp', 'stamps')}</p>
  ${rewards.length ? html`<ul class="poster-sheet__rewards">${rewards.map((r) => html`<li>${r.name} <span>${plural(r.stampsRequired, 'stamp', 'stamps')}</span></li>`)}</ul>` : ''}
  <img class="poster-sheet__qr" src="${paths.qrCode}" alt="QR code that opens ${signupUrl}">
  <p class="poster-sheet__do">Scan with your phone's camera to get your stamp card.</p>
  <p class="poster-sheet__url">${signupUrl}</p>
</main>`;
  return renderPage({
    title: `Poster: ${poster.title ?? poster.card.name}`,
    stylesheets: [assetUrl('posters.css'), `${paths.theme}?v=${poster.updatedAt.getTime()}`],
    bodyClass: 'poster-print',
    body,
  });
}
