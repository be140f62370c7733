import type { FieldErrors } from '../../domain/errors.ts';
import { signupForm } from '../../domain/posters/poster-signup.rules.ts';
import type { PublicPoster } from '../../domain/posters/poster-signup.service.ts';
import { posterPaths } from '../../links.ts';
import { displayStoreName } from '../../domain/stores/store.service.ts';
import { assetUrl } from '../assets.ts';
import { readableOn } from '../contrast.ts';
import { type Html, html } from '../html.ts';
import { renderPage } from '../layout.ts';
import { plural } from '../card-page.ts';
import { CSRF_FIELD, HONEYPOT_FIELD } from './signup-guard.ts';

/** The answers as typed, keyed by form field name, so a refused form comes back filled in. */
export type FormValues = Partial<Record<'first_name' | 'last_name' | 'email' | 'phone' | 'birthday', string>>;

// Service field names (camelCase) to form field names.
const FORM_FIELD: Record<string, keyof FormValues> = {
  firstName: 'first_name',
  lastName: 'last_name',
  email: 'email',
  phone: 'phone',
  birthday: 'birthday',
};

/** The customer rules speak to API clients ("is not a valid email address"); the form speaks to people. */
function sentence(field: string, message: string): string {
  if (/^[A-Z]/.test(message)) return message;
  const names: Record<string, string> = { firstName: 'First name', lastName: 'Last name', email: 'Email', phone: 'Phone', birthday: 'Date of birth' };
  if (field === 'base') return `Please enter ${message.replace(/^an email or a phone is required$/, 'an email address or a phone number')}.`;
  return `${names[field] ?? field} ${message}.`;
}

/** Field errors keyed by form field name, in words; a message without a form field goes to `base`. */
export function formErrors(fields: FieldErrors): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [field, messages] of Object.entries(fields)) {
    const name = FORM_FIELD[field] ?? 'base';
    (out[name] ??= []).push(...messages.map((m) => sentence(field, m)));
  }
  return out;
}

/** The poster's colours as CSS custom properties, and the paper it prints on (display page). */
export function posterThemeCss(poster: Pick<PublicPoster, 'primaryColor' | 'secondaryColor' | 'textColor' | 'paperSize'>): string {
  const text = readableOn(poster.primaryColor, poster.textColor);
  const accentText = readableOn(poster.secondaryColor, '#000000');
  // In lengths rather than names: browsers know `A5` and `letter` but not every one of them (A6).
  const paper: Record<string, string> = { a4: '210mm 297mm', a5: '148mm 210mm', a6: '105mm 148mm', letter: '8.5in 11in' };
  return `:root {\n  --poster-bg: ${poster.primaryColor};\n  --poster-fg: ${text};\n  --poster-accent: ${poster.secondaryColor};\n  --poster-accent-fg: ${accentText};\n}\n@page {\n  size: ${paper[poster.paperSize] ?? paper.a4};\n  margin: 0;\n}\n`;
}

function posterTitle(poster: PublicPoster): string {
  return poster.title ?? `Join ${poster.card.name}`;
}

function rewardsLine(poster: PublicPoster): Html {
  const rewards = poster.card.rewards.slice(0, 3);
  if (rewards.length === 0) return html`<p class="signup__about">Collect ${plural(poster.card.stampsRequired, 'stamp', 'stamps')} to complete the card.</p>`;
  return html`<ul class="signup__rewards">${rewards.map((r) => html`<li>${r.name}: ${plural(r.stampsRequired, 'stamp', 'stamps')}</li>`)}</ul>`;
}

interface FieldSpec {
  name: keyof FormValues;
  label: string;
  type: string;
  autocomplete: string;
  required: boolean;
  hint?: string;
  inputmode?: string;
}

function field(spec: FieldSpec, values: FormValues, errors: Record<string, string[]>): Html {
  const id = `signup-${spec.name}`;
  const messages = errors[spec.name] ?? [];
  const describedBy = [spec.hint ? `${id}-hint` : '', messages.length ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="field${messages.length ? ' field--error' : ''}">
      <label for="${id}">${spec.label}${spec.required ? '' : html` <span class="field__optional">(optional)</span>`}</label>
      ${spec.hint ? html`<p class="hint" id="${id}-hint">${spec.hint}</p>` : ''}
      ${messages.length ? html`<p class="field__error" id="${id}-error">${messages.join(' ')}</p>` : ''}
      <input id="${id}" name="${spec.name}" type="${spec.type}" autocomplete="${spec.autocomplete}"${spec.inputmode ? html` inputmode="${spec.inputmode}"` : ''}${spec.required ? html` required` : ''}${messages.length ? html` aria-invalid="true"` : ''}${describedBy ? html` aria-describedby="${describedBy}"` : ''} value="${values[spec.name] ?? ''}">
    </div>`;
}

/** The sign-up form of a poster, with the answers and refusals of a previous attempt when there were any. */
export function renderSignupPage(poster: PublicPoster, csrfToken: string, values: FormValues = {}, errors: Record<string, string[]> = {}): string {
  const form = signupForm(poster);
  const storeName = displayStoreName(poster.store);
  const paths = posterPaths(poster.slug);
  const specs: FieldSpec[] = [
    { name: 'first_name', label: 'First name', type: 'text', autocomplete: 'given-name', required: true },
    { name: 'last_name', label: 'Last name', type: 'text', autocomplete: 'family-name', required: false },
  ];
  const either = form.email.shown && form.phone.shown && !form.email.required && !form.phone.required;
  if (form.email.shown) specs.push({ name: 'email', label: 'Email', type: 'email', autocomplete: 'email', required: form.email.required, inputmode: 'email' });
  if (form.phone.shown) specs.push({ name: 'phone', label: 'Phone', type: 'tel', autocomplete: 'tel', required: form.phone.required, hint: 'With the country code, e.g. +44 20 7946 0000', inputmode: 'tel' });
  if (form.birthday.shown) {
    specs.push({
      name: 'birthday',
      label: 'Date of birth',
      type: 'date',
      autocomplete: 'bday',
      required: form.birthday.required,
      ...(form.minimumAge ? { hint: `You must be at least ${form.minimumAge} to join.` } : {}),
    });
  }
  const summary = Object.entries(errors).flatMap(([name, messages]) =>
    messages.map((message) => (name === 'base' ? html`<li>${message}</li>` : html`<li><a href="#signup-${name}">${message}</a></li>`)),
  );
  const body = html`<main class="signup">
  <header class="signup__head">
    <p class="signup__store">${storeName}</p>
    <h1 class="signup__title">${posterTitle(poster)}</h1>
    <p class="signup__card">${poster.card.name}</p>
    ${rewardsLine(poster)}
  </header>
  <section class="panel" aria-labelledby="form-title">
    <h2 id="form-title">Get your stamp card</h2>
    ${summary.length ? html`<div class="message message--error" role="alert" tabindex="-1" id="signup-errors"><p>Please check your details:</p><ul>${summary}</ul></div>` : ''}
    ${either ? html`<p class="hint">Give an email address or a phone number, or both.</p>` : ''}
    <form class="signup__form" method="post" action="${paths.signup}" novalidate>
      <input type="hidden" name="${CSRF_FIELD}" value="${csrfToken}">
      ${specs.map((spec) => field(spec, values, errors))}
      <div class="signup__trap" aria-hidden="true">
        <label for="signup-${HONEYPOT_FIELD}">Leave this empty</label>
        <input id="signup-${HONEYPOT_FIELD}" name="${HONEYPOT_FIELD}" type="text" tabindex="-1" autocomplete="off" value="">
      </div>
      <button class="button button--primary signup__submit" type="submit">Get my card</button>
    </form>
    <p class="hint">${storeName} keeps these details to run its loyalty card. Your card then opens on your phone, where you can add it to Apple Wallet or Google Wallet.</p>
  </section>
</main>`;
  return renderPage({ title: `${posterTitle(poster)}: ${storeName}`, stylesheets: [assetUrl('posters.css'), `${paths.theme}?v=${poster.updatedAt.getTime()}`], bodyClass: 'poster-themed', body });
}

/** A plain page: a heading and a few sentences, in the poster's colours when there is a poster. */
export function renderNotice(title: string, sentences: Html, poster?: PublicPoster): string {
  const stylesheets = [assetUrl('posters.css'), ...(poster ? [`${posterPaths(poster.slug).theme}?v=${poster.updatedAt.getTime()}`] : [])];
  const store = poster ? html`<p class="signup__store">${displayStoreName(poster.store)}</p>` : '';
  return renderPage({
    title,
    stylesheets,
    bodyClass: poster ? 'poster-themed' : 'plain',
    body: html`<main class="signup"><section class="panel notice">${store}<h1>${title}</h1>${sentences}</section></main>`,
  });
}
