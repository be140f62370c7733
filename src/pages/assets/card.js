// The customer page: server-rendered with the card as it was, kept live by a stampsChanged
// subscription for this one card. The page's capability is the card's uuid, sent as
// `Authorization: CustomerCard <uuid>`; it can read this card and nothing else.
import { request, subscribe } from './graphql.js';

const FIELDS = `stampsCount stampsRemaining progressPercentage status availableRewards { id } nextReward { name stampsRequired }`;
// The card now, and the cursor of its newest event, where the live stream starts.
const CATCH_UP = `query CardPage { viewerCustomerCard { ${FIELDS} events(last: 1) { edges { cursor } } } }`;
const WATCH = `subscription CardPageLive($id: ID!, $after: String) {
  stampsChanged(customerCardId: $id, after: $after) { cursor kind delta ledgerEntry { balanceAfter redemption { rewardName } } customerCard { ${FIELDS} } }
}`;

const STATE_TEXT = {
  connecting: 'Connecting…',
  live: 'Live: new stamps show up here as they are given',
  retrying: 'Connection lost; reconnecting…',
  refused: 'Live updates are not available; reload the page to try again',
};

const main = document.querySelector('main[data-uuid]');
if (main) start(main);

function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

function start(main) {
  const authorization = `CustomerCard ${main.dataset.uuid}`;
  const required = Number(main.dataset.stampsRequired);
  const field = (name) => main.querySelector(`[data-field="${name}"]`);
  const stamps = [...main.querySelectorAll('.stamp')];
  const rewards = [...main.querySelectorAll('.reward')];

  function outlook(card) {
    if (card.nextReward) {
      return `${plural(card.nextReward.stampsRequired - card.stampsCount, 'more stamp', 'more stamps')} for ${card.nextReward.name}`;
    }
    if (rewards.length > 0) return 'Every reward is ready to redeem';
    return card.stampsRemaining === 0 ? 'Card complete' : `${plural(card.stampsRemaining, 'more stamp', 'more stamps')} to complete the card`;
  }

  function show(card) {
    const before = Number(field('stamps-count').textContent);
    field('stamps-count').textContent = String(card.stampsCount);
    const extra = Math.max(0, card.stampsCount - required);
    field('extra').hidden = extra === 0;
    field('extra').textContent = `+${extra} extra`;
    stamps.forEach((stamp, i) => {
      const filled = i < card.stampsCount;
      stamp.classList.toggle('stamp--new', filled && i >= before);
      stamp.classList.toggle('stamp--filled', filled);
    });
    field('progress').value = card.progressPercentage;
    field('outlook').textContent = outlook(card);
    const ready = new Set(card.availableRewards.map((reward) => reward.id));
    for (const reward of rewards) reward.classList.toggle('reward--ready', ready.has(reward.dataset.rewardId));
  }

  function announce(event) {
    const count = `${event.ledgerEntry.balanceAfter} of ${required} stamps`;
    const redemption = event.ledgerEntry.redemption;
    field('announce').textContent = redemption
      ? `${redemption.rewardName} redeemed. You have ${count}.`
      : event.delta < 0
        ? `${plural(-event.delta, 'stamp', 'stamps')} corrected. You have ${count}.`
        : `${plural(event.delta, 'stamp', 'stamps')} added. You have ${count}.`;
  }

  // An event that arrives while the catch-up query is out is newer than the query's answer.
  let events = 0;
  // The last event shown: every (re)subscription resumes after it, so what happened while the stream
  // was down arrives first, in order.
  let cursor;
  async function catchUp() {
    const seen = events;
    try {
      const card = (await request(authorization, CATCH_UP)).viewerCustomerCard;
      if (card && events === seen) {
        show(card);
        cursor = card.events.edges[0]?.cursor ?? cursor;
      }
    } catch {
      // The next event brings the card anyway.
    }
  }
  subscribe(authorization, WATCH, () => ({ id: main.dataset.customerCardId, ...(cursor ? { after: cursor } : {}) }), {
    onState(state) {
      field('live-state').dataset.state = state;
      field('live-text').textContent = STATE_TEXT[state];
    },
    // Before the first event: whatever changed since the page was rendered shows at once.
    async onOpen() {
      if (!cursor) await catchUp();
    },
    onData(data) {
      events += 1;
      cursor = data.stampsChanged.cursor;
      show(data.stampsChanged.customerCard);
      announce(data.stampsChanged);
    },
    // Away for longer than the gateway keeps events: the card as it is now, and live from there.
    async onExpired() {
      cursor = undefined;
      await catchUp();
    },
  });
}
