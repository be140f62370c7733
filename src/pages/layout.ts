import { assetUrl } from './assets.ts';
import { type Html, html } from './html.ts';

export interface PageShell {
  title: string;
  /** Extra stylesheets after the shared one (e.g. a card's colours). */
  stylesheets?: string[];
  /** The page's browser module, from `assets/`; none for a page that works as plain HTML. */
  script?: string;
  bodyClass: string;
  body: Html;
}

/** A whole document: no inline script or style anywhere, so the pages hold under `default-src 'self'`. */
export function renderPage(shell: PageShell): string {
  return `<!doctype html>\n${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${shell.title}</title>
<link rel="stylesheet" href="${assetUrl('pages.css')}">
${(shell.stylesheets ?? []).map((href) => html`<link rel="stylesheet" href="${href}">\n`)}<link rel="icon" href="${assetUrl('favicon.svg')}" type="image/svg+xml">
${shell.script ? html`<script type="module" src="${assetUrl(shell.script)}"></script>
` : ''}</head>
<body class="${shell.bodyClass}">
${shell.body}
</body>
</html>
`}`;
}
