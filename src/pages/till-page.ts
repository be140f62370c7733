import { html } from './html.ts';
import { renderPage } from './layout.ts';

/**
 * The till: staff sign in with the store's API token, find a customer, stamp and redeem, and watch
 * every stamp of the store arrive. The page is the same for every store; `till.js` does the rest
 * through the GraphQL API, holding the token in memory only. The forms post to /till, which ignores
 * what they send: submitted before the script has loaded, they never put the token (or a customer's
 * name) into a URL, where history, logs and referrers would keep it.
 */
export function renderTillPage(): string {
  const body = html`<header class="till-bar">
  <h1 class="till-bar__title"><span class="logo" aria-hidden="true"></span>Stampline till</h1>
  <p class="till-bar__store" data-field="store-name"></p>
  <button type="button" class="button button--quiet" data-action="sign-out" hidden>Sign out</button>
</header>
<main class="till">
  <section class="panel sign-in" data-view="sign-in" aria-labelledby="sign-in-title">
    <h2 id="sign-in-title">Sign in</h2>
    <form data-form="sign-in" method="post" action="/till" novalidate>
      <label for="api-token">Store API token</label>
      <input id="api-token" name="token" type="password" autocomplete="off" spellcheck="false" required aria-describedby="token-hint sign-in-error">
      <p id="token-hint" class="hint">The token stays in this tab's memory only: reload the page or sign out to forget it.</p>
      <p id="sign-in-error" class="message message--error" role="alert" data-field="sign-in-error"></p>
      <button type="submit" class="button button--primary">Sign in</button>
    </form>
  </section>

  <div class="workspace" data-view="workspace" hidden>
    <section class="panel search-panel" aria-labelledby="search-title">
      <h2 id="search-title">Customers</h2>
      <form data-form="search" method="post" action="/till" role="search">
        <label for="search">Find a customer</label>
        <div class="search-row">
          <input id="search" name="search" type="search" autocomplete="off" placeholder="Name, email, phone or card code">
          <button type="submit" class="button button--primary">Search</button>
        </div>
      </form>
      <div class="message message--ok" role="status" data-field="message"></div>
      <div class="message message--error" role="alert" data-field="alert"></div>
      <div class="results" data-field="results" aria-live="off"></div>
    </section>

    <aside class="panel feed-panel" aria-labelledby="feed-title">
      <h2 id="feed-title">Live stamps</h2>
      <p class="live-state" data-field="live-state" data-state="connecting"><span class="dot" aria-hidden="true"></span><span data-field="live-text">Connecting…</span></p>
      <ol class="feed" data-field="feed" aria-live="polite" aria-relevant="additions"></ol>
      <p class="hint" data-field="feed-empty">Stamps and redemptions of the whole store appear here as they happen, from this till or any other.</p>
    </aside>
  </div>
</main>`;
  return renderPage({ title: 'Till: Stampline', script: 'till.js', bodyClass: 'till-page', body });
}
