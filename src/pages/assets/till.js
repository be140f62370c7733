// The till: sign in with the store's API token (kept in this module's memory only, never stored),
// find customers, stamp and redeem with one click each, and follow every stamp of the store live.
import { GraphQLRequestError, idempotencyKey, request, subscribe } from './graphql.js';

const CARD_FIELDS = `id stampsCount stampsRemaining status cardName pageUrl availableRewards { id }
  card { stampsRequired cardColor rewards(first: 8) { edges { node { id name stampsRequired active } } } }`;

const STORE = `query TillStore { store { id displayStoreName } }`;
const SEARCH = `query TillSearch($search: String) {
  store { customers(first: 10, search: $search) { totalCount edges { node {
    id firstName lastName email phone customerCards(first: 5) { edges { node { ${CARD_FIELDS} } } }
  } } } }
}`;
const ADD_STAMP = `mutation TillStamp($input: AddStampsInput!) {
  addStamps(input: $input) { customerCard { ${CARD_FIELDS} } userErrors { code message } }
}`;
const REDEEM = `mutation TillRedeem($input: RedeemRewardInput!) {
  redeemReward(input: $input) { customerCard { ${CARD_FIELDS} } redemption { rewardName stampsSpent } userErrors { code message } }
}`;
const EVENT_FIELDS = `cursor kind delta occurredAt
    ledgerEntry { balanceAfter source redemption { rewardName } }
    customerCard { ${CARD_FIELDS} customer { firstName lastName } }`;
const FEED = `subscription TillFeed($storeId: ID!, $after: String) {
  stampsChanged(storeId: $storeId, after: $after) { ${EVENT_FIELDS} }
}`;
const FEED_LIMIT = 50;
// The recent feed, oldest first, from the store's event log: shown after sign-in (so a reloaded till
// shows what happened while it was gone), and its last cursor is where the live stream starts.
const RECENT = `query TillRecent { store { events(last: ${FEED_LIMIT}) { nodes { ${EVENT_FIELDS} } } } }`;
const STATE_TEXT = {
  connecting: 'Connecting…',
  live: 'Live',
  retrying: 'Connection lost; reconnecting…',
  refused: 'Live feed refused; sign in again',
};

/** The signed-in state: the Authorization value and the store, in memory for as long as the tab lives. */
let signedIn;
let stopFeed;

const $ = (selector) => document.querySelector(selector);
const field = (name) => $(`[data-field="${name}"]`);

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children.filter((child) => child !== undefined && child !== null));
  return node;
}

function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

function fullName(customer) {
  return [customer.firstName, customer.lastName].filter(Boolean).join(' ');
}

// ---- messages -------------------------------------------------------------------------------------

function say(text) {
  field('alert').textContent = '';
  field('message').textContent = text;
}

function refuse(text) {
  field('message').textContent = '';
  field('alert').textContent = text;
}

/** A refusal in words a person at the till can act on; the gateway's codes are in docs/domain.md. */
function refusalText(error, context) {
  switch (error.code) {
    case 'NOT_ENOUGH_STAMPS':
      return `Not enough stamps: ${context.reward.name} costs ${plural(context.reward.stampsRequired, 'stamp', 'stamps')} and ${context.name} has ${context.card.stampsCount}. Nothing was redeemed.`;
    case 'REWARD_INACTIVE':
      return `${context.reward.name} is switched off for now and cannot be redeemed. Nothing was changed.`;
    case 'CARD_ARCHIVED':
      return `The ${context.card.cardName} card is archived and takes no more stamps. Nothing was changed.`;
    case 'REWARD_NOT_ON_CARD':
      return `That reward belongs to another card. Nothing was changed.`;
    case 'NOT_FOUND':
      return 'That card no longer exists for this store. Search again.';
    default:
      return `Refused: ${error.message}. Nothing was changed.`;
  }
}

// ---- sign in and out ------------------------------------------------------------------------------

$('[data-form="sign-in"]').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = $('#api-token');
  const token = input.value.trim();
  const error = field('sign-in-error');
  error.textContent = '';
  if (!token) {
    error.textContent = "Enter the store's API token.";
    input.focus();
    return;
  }
  const authorization = `Bearer ${token}`;
  let store;
  try {
    store = (await request(authorization, STORE)).store;
  } catch (failure) {
    error.textContent =
      failure instanceof GraphQLRequestError && failure.status === 401
        ? 'That token was not accepted. Check it and try again.'
        : failure.message;
    input.focus();
    return;
  }
  input.value = '';
  signedIn = { authorization, storeId: store.id, storeName: store.displayStoreName };
  field('store-name').textContent = store.displayStoreName;
  $('[data-view="sign-in"]').hidden = true;
  $('[data-view="workspace"]').hidden = false;
  $('[data-action="sign-out"]').hidden = false;
  startFeed();
  $('#search').focus();
});

$('[data-action="sign-out"]').addEventListener('click', () => {
  signedIn = undefined;
  stopFeed?.();
  stopFeed = undefined;
  field('store-name').textContent = '';
  $('#search').value = '';
  field('results').replaceChildren();
  field('feed').replaceChildren();
  field('feed-empty').hidden = false;
  say('');
  $('[data-view="workspace"]').hidden = true;
  $('[data-view="sign-in"]').hidden = false;
  $('[data-action="sign-out"]').hidden = true;
  $('#api-token').focus();
});

// ---- search and customer cards --------------------------------------------------------------------

$('[data-form="search"]').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!signedIn) return;
  const search = $('#search').value.trim();
  say('Searching…');
  let customers;
  try {
    customers = (await request(signedIn.authorization, SEARCH, { search: search || null })).store.customers;
  } catch (failure) {
    refuse(failure.message);
    return;
  }
  const found = customers.edges.map((edge) => edge.node);
  field('results').replaceChildren(...found.map(renderCustomer));
  const shown = found.length < customers.totalCount ? ` (showing the first ${found.length}; narrow the search)` : '';
  say(found.length === 0 ? `No customer matches "${search}".` : `${plural(customers.totalCount, 'customer', 'customers')} found${shown}.`);
});

function renderCustomer(customer) {
  const name = fullName(customer);
  const cards = customer.customerCards.edges.map((edge) => edge.node);
  return element(
    'article',
    { class: 'customer' },
    element('h3', { class: 'customer__name', text: name }),
    element('p', { class: 'customer__contact', text: [customer.email, customer.phone].filter(Boolean).join(' · ') }),
    cards.length === 0
      ? element('p', { class: 'hint', text: 'No cards yet.' })
      : element('ul', { class: 'till-cards' }, ...cards.map((card) => renderCard(card, name))),
  );
}

function renderCard(card, name) {
  const item = element('li', { class: 'till-card', 'data-customer-card-id': card.id, 'data-customer-name': name });
  // The card's own colour marks it; text stays on the page's colours, so contrast never depends on it.
  item.style.setProperty('--accent', card.card.cardColor);
  fillCard(item, card);
  return item;
}

function fillCard(item, card) {
  const name = item.dataset.customerName;
  const ready = new Set(card.availableRewards.map((reward) => reward.id));
  const rewards = card.card.rewards.edges.map((edge) => edge.node);
  const stampButton = element('button', {
    type: 'button',
    class: 'button button--stamp',
    'aria-label': `Add 1 stamp to ${name}'s ${card.cardName}`,
    text: '+1 stamp',
  });
  stampButton.addEventListener('click', () => stamp(item, card, stampButton));
  item.replaceChildren(
    element(
      'div',
      { class: 'till-card__head' },
      element('h4', { class: 'till-card__name', text: card.cardName }),
      element(
        'span',
        { class: 'till-card__dots', 'aria-hidden': 'true' },
        ...Array.from({ length: card.card.stampsRequired }, (_, i) =>
          element('span', { class: i < card.stampsCount ? 'dot-stamp dot-stamp--on' : 'dot-stamp' }),
        ),
      ),
      element(
        'p',
        { class: 'till-card__count' },
        element('strong', { 'data-field': 'count', text: String(card.stampsCount) }),
        ` / ${card.card.stampsRequired} stamps`,
        card.status === 'ARCHIVED' ? element('span', { class: 'tag', text: 'archived' }) : undefined,
        card.status === 'COMPLETED' ? element('span', { class: 'tag tag--done', text: 'complete' }) : undefined,
      ),
      stampButton,
    ),
    element(
      'p',
      { class: 'till-card__link' },
      element('a', { href: card.pageUrl, target: '_blank', rel: 'noopener noreferrer', text: `Customer page of this card` }),
    ),
    rewards.length === 0
      ? element('p', { class: 'hint', text: 'This card has no rewards.' })
      : element(
          'ul',
          { class: 'till-rewards', 'aria-label': `Rewards of ${name}'s ${card.cardName}` },
          ...rewards.map((reward) => {
            const state = !reward.active ? 'inactive' : ready.has(reward.id) ? 'ready' : 'short';
            const note = { inactive: 'switched off', ready: 'ready', short: `needs ${reward.stampsRequired - card.stampsCount} more` }[state];
            const button = element(
              'button',
              { type: 'button', class: `button reward-button reward-button--${state}`, 'aria-label': `Redeem ${reward.name} (${plural(reward.stampsRequired, 'stamp', 'stamps')}, ${note}) for ${name}` },
              element('span', { class: 'reward-button__name', text: `Redeem ${reward.name}` }),
              element('span', { class: 'reward-button__cost', text: `${plural(reward.stampsRequired, 'stamp', 'stamps')} · ${note}` }),
            );
            button.addEventListener('click', () => redeem(item, card, reward, button));
            return element('li', {}, button);
          }),
        ),
  );
}

/** Redraws every shown copy of a customer card, keeping the focus on the button that had it. */
function updateCard(card) {
  for (const item of document.querySelectorAll(`.till-card[data-customer-card-id="${CSS.escape(card.id)}"]`)) {
    const focused = [...item.querySelectorAll('button')].indexOf(document.activeElement);
    fillCard(item, card);
    if (focused >= 0) item.querySelectorAll('button')[focused]?.focus();
  }
}

async function run(button, mutation, input, resultOf, context) {
  // Busy rather than disabled: a disabled button would drop the keyboard focus mid-click.
  if (button.getAttribute('aria-busy') === 'true') return undefined;
  button.setAttribute('aria-busy', 'true');
  try {
    const data = await request(signedIn.authorization, mutation, { input });
    const payload = resultOf(data);
    if (payload.userErrors.length > 0) {
      refuse(payload.userErrors.map((error) => refusalText(error, context)).join(' '));
      return undefined;
    }
    updateCard(payload.customerCard);
    return payload;
  } catch (failure) {
    refuse(failure.message);
    return undefined;
  } finally {
    button.removeAttribute('aria-busy');
  }
}

async function stamp(item, card, button) {
  const name = item.dataset.customerName;
  // One key per click: a retried request never stamps twice, a second click stamps again.
  const input = { customerCardId: card.id, stamps: 1, idempotencyKey: idempotencyKey('till') };
  const payload = await run(button, ADD_STAMP, input, (data) => data.addStamps, { name, card });
  if (payload) {
    const after = payload.customerCard;
    say(`Stamped: ${name} now has ${after.stampsCount} of ${after.card.stampsRequired} stamps on ${after.cardName}.`);
  }
}

async function redeem(item, card, reward, button) {
  const name = item.dataset.customerName;
  const input = { customerCardId: card.id, rewardId: reward.id, idempotencyKey: idempotencyKey('till') };
  const payload = await run(button, REDEEM, input, (data) => data.redeemReward, { name, card, reward });
  if (payload) {
    say(`Redeemed ${payload.redemption.rewardName} for ${name}: ${plural(payload.redemption.stampsSpent, 'stamp', 'stamps')} spent, ${payload.customerCard.stampsCount} left.`);
  }
}

// ---- live feed ------------------------------------------------------------------------------------

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

function feedItem(event) {
  const card = event.customerCard;
  const name = fullName(card.customer);
  const redemption = event.ledgerEntry.redemption;
  const what = redemption
    ? `${name} redeemed ${redemption.rewardName}`
    : event.kind === 'WELCOME'
      ? `${name} joined ${card.cardName} with ${plural(event.delta, 'welcome stamp', 'welcome stamps')}`
      : event.kind === 'CORRECTION'
        ? `${plural(-event.delta, 'stamp', 'stamps')} taken off ${name}'s ${card.cardName}`
        : `${name} got ${plural(event.delta, 'stamp', 'stamps')} on ${card.cardName}`;
  return element(
    'li',
    { class: `feed-item feed-item--${event.kind.toLowerCase()}` },
    element('span', { class: 'feed-item__delta', 'aria-hidden': 'true', text: event.delta > 0 ? `+${event.delta}` : `−${Math.abs(event.delta)}` }),
    element('span', { class: 'feed-item__what', text: what }),
    element('span', { class: 'feed-item__after', text: `${event.ledgerEntry.balanceAfter} / ${card.card.stampsRequired}` }),
    element('time', { class: 'feed-item__time', datetime: event.occurredAt, text: timeFormat.format(new Date(event.occurredAt)) }),
  );
}

/** Adds an event at the top of the feed and remembers its cursor, where a reconnect resumes. */
function showEvent(current, event) {
  current.cursor = event.cursor;
  const feed = field('feed');
  feed.prepend(feedItem(event));
  while (feed.children.length > FEED_LIMIT) feed.lastElementChild.remove();
  field('feed-empty').hidden = true;
}

/** Fills the feed with the store's recent events; undefined cursor when it has none yet. */
async function loadRecent(current) {
  const events = (await request(current.authorization, RECENT)).store.events.nodes;
  if (signedIn !== current) return;
  field('feed').replaceChildren();
  field('feed-empty').hidden = events.length > 0;
  current.cursor = undefined;
  for (const event of events) showEvent(current, event);
}

async function startFeed() {
  const current = signedIn;
  try {
    await loadRecent(current);
  } catch (failure) {
    refuse(failure.message);
  }
  if (signedIn !== current) return;
  // Every (re)subscription resumes after the last event shown: nothing is lost while it reconnects.
  const variables = () => ({ storeId: current.storeId, ...(current.cursor ? { after: current.cursor } : {}) });
  stopFeed = subscribe(current.authorization, FEED, variables, {
    onState(state) {
      field('live-state').dataset.state = state;
      field('live-text').textContent = STATE_TEXT[state];
    },
    onData(data) {
      if (signedIn !== current) return;
      showEvent(current, data.stampsChanged);
      updateCard(data.stampsChanged.customerCard);
    },
    // Away for longer than the gateway keeps events: start again from the recent feed.
    async onExpired() {
      await loadRecent(current).catch(() => (current.cursor = undefined));
    },
  });
}
