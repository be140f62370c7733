import { expiryDateText, isExpired } from '../domain/cards/card.rules.ts';
import type { CardPageData } from '../domain/customer-cards/card-page.queries.ts';
import {
  availableRewards,
  CustomerCardStatus,
  nextReward,
  progressPercentage,
  stampsRemaining,
  statusOf,
} from '../domain/customer-cards/progress.rules.ts';
import { displayStoreName } from '../domain/stores/store.service.ts';
import { globalIdOf } from '../graphql/global-ids.ts';
import { assetUrl } from './assets.ts';
import { readableOn } from './contrast.ts';
import { html } from './html.ts';
import { renderPage } from './layout.ts';
import { PUBLIC_PATHS } from '../links.ts';

/** Stamp icons the sprite draws; any other `stamp_icon` is drawn as a star (docs/domain.md). */
const ICONS = new Set(['coffee', 'heart', 'star', 'gift']);

export function stampIconOf(name: string): string {
  return ICONS.has(name) ? name : 'star';
}

export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** What the progress line says: a reward ready, the next one and how far, or the card complete. */
export function outlookText(stampsCount: number, data: Pick<CardPageData['card'], 'stampsRequired' | 'rewards'>): string {
  const next = nextReward(stampsCount, data.rewards);
  if (next) return `${plural(next.stampsRequired - stampsCount, 'more stamp', 'more stamps')} for ${next.name}`;
  if (data.rewards.length > 0) return 'Every reward is ready to redeem';
  const left = stampsRemaining(stampsCount, { stampsRequired: data.stampsRequired, archivedAt: null });
  return left === 0 ? 'Card complete' : `${plural(left, 'more stamp', 'more stamps')} to complete the card`;
}

/** The card's colours as CSS custom properties, served as a stylesheet (no inline styles under the CSP). */
export function cardThemeCss(card: Pick<CardPageData['card'], 'cardColor' | 'textColor' | 'stampColor'>): string {
  const text = readableOn(card.cardColor, card.textColor);
  // Icons are graphics: 3:1 against the stamp they sit on is enough (WCAG 1.4.11).
  const icon = readableOn(card.stampColor, card.cardColor, 3);
  return `:root {\n  --card-bg: ${card.cardColor};\n  --card-fg: ${text};\n  --stamp-bg: ${card.stampColor};\n  --stamp-fg: ${icon};\n}\n`;
}

export interface WalletLinks {
  apple: string | undefined;
  google: string | undefined;
}

/** The public page of one customer card: its stamps, progress and rewards; `card.js` keeps it live. */
export function renderCardPage(data: CardPageData, wallet: WalletLinks): string {
  const { card } = data;
  const storeName = displayStoreName(data.store);
  const count = data.stampsCount;
  const status = statusOf(count, card);
  const ready = new Set(availableRewards(count, card.rewards).map((r) => r.id));
  const extra = Math.max(0, count - card.stampsRequired);
  const icon = stampIconOf(card.stampIcon);
  const body = html`<main class="card-page" data-uuid="${data.uuid}" data-customer-card-id="${globalIdOf('CustomerCard', data.id)}" data-stamps-required="${card.stampsRequired}">
  <article class="loyalty-card" aria-labelledby="card-title">
    <header class="loyalty-card__head">
      <p class="loyalty-card__store">${storeName}</p>
      <h1 id="card-title" class="loyalty-card__title">${card.name}</h1>
      ${card.headerText ? html`<p class="loyalty-card__about">${card.headerText}</p>` : ''}
    </header>
    <p class="loyalty-card__count"><span class="big" data-field="stamps-count">${count}</span> <span>of ${card.stampsRequired} stamps</span><span class="extra" data-field="extra"${extra ? '' : html` hidden`}>+${extra} extra</span></p>
    <ol class="stamp-grid" aria-hidden="true" data-stamps="${card.stampsRequired}">
${Array.from({ length: card.stampsRequired }, (_, i) => html`      <li class="stamp${i < count ? ' stamp--filled' : ''}"><svg class="stamp__icon" viewBox="0 0 24 24" focusable="false"><use href="${assetUrl('icons.svg')}#${icon}"></use></svg></li>
`)}    </ol>
    <div class="loyalty-card__progress">
      <label for="progress" class="progress-label" data-field="outlook">${outlookText(count, card)}</label>
      <progress id="progress" max="100" value="${progressPercentage(count, card, card.rewards)}" data-field="progress"></progress>
    </div>
    ${status === CustomerCardStatus.ARCHIVED ? html`<p class="loyalty-card__note">This card no longer takes stamps; rewards you earned can still be redeemed.</p>` : ''}
    ${card.expiresAt && isExpired(card) ? html`<p class="loyalty-card__note">This card ended on ${expiryDateText(card.expiresAt)}: it takes no more stamps or redemptions.</p>` : card.expiresAt ? html`<p class="loyalty-card__note">Valid until ${expiryDateText(card.expiresAt)}.</p>` : ''}
  </article>

  <section class="panel" aria-labelledby="rewards-title">
    <h2 id="rewards-title">Rewards</h2>
    ${card.rewards.length === 0 ? html`<p>This card has no rewards yet.</p>` : ''}
    <ul class="reward-list">
${card.rewards.map((reward) => html`      <li class="reward${ready.has(reward.id) ? ' reward--ready' : ''}" data-reward-id="${globalIdOf('Reward', reward.id)}">
        <span class="reward__name">${reward.name}</span>
        <span class="reward__cost">${plural(reward.stampsRequired, 'stamp', 'stamps')}</span>
        <span class="reward__badge">Ready to redeem</span>
      </li>
`)}    </ul>
  </section>

  ${wallet.apple || wallet.google ? html`<section class="panel wallet-links" aria-label="Add to your phone's wallet">
    ${wallet.apple ? html`<a class="button" href="${wallet.apple}">Add to Apple Wallet</a>` : ''}
    ${wallet.google ? html`<a class="button" href="${wallet.google}">Save to Google Wallet</a>` : ''}
  </section>` : ''}

  <p class="live-state" data-field="live-state" data-state="connecting"><span class="dot" aria-hidden="true"></span><span data-field="live-text">Connecting…</span></p>
  <div class="visually-hidden" role="status" aria-live="polite" data-field="announce"></div>
</main>`;
  return renderPage({
    title: `${card.name}: ${storeName}`,
    stylesheets: [`${PUBLIC_PATHS.cardPage}/${data.uuid}/theme.css?v=${card.updatedAt.getTime()}`],
    script: 'card.js',
    bodyClass: 'themed',
    body,
  });
}

export function renderCardNotFound(): string {
  return renderPage({
    title: 'Card not found',
    script: 'card.js',
    bodyClass: 'plain',
    body: html`<main class="card-page"><section class="panel"><h1>Card not found</h1><p>This link does not name a stamp card. Check the link on your wallet pass.</p></section></main>`,
  });
}
