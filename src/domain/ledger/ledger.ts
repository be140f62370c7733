import { actorRecord } from '../../auth/principal.ts';
import type { Tx } from '../../db/client.ts';
import { traced } from '../../observability/tracing.ts';
import type { Prisma } from '../../generated/sqlite/client.ts';
import type { Actor, Deps } from '../context.ts';
import { detailInclude, type CustomerCardDetail, type RewardOfCard } from '../customer-cards/customer-card.queries.ts';
import { DomainError, ErrorCode, notFound } from '../errors.ts';
import type { StampsChangedEvent } from '../events.ts';
import { presentCustomerCard } from '../presenters/customer-card.ts';
import { presentLedgerEntry, presentRedemption } from '../presenters/ledger-entry.ts';
import { presentReward } from '../presenters/reward.ts';
import { hasStampLimits, stampRefusal, startOfLocalDay } from '../customer-cards/stamp-limits.rules.ts';
import { type AppendedEvents, announceLogged, appendEvents, type LoggedEvent, type NewEvent } from './event-log.ts';
import { EventType } from './event-types.ts';
import { addToBalance, insertLedgerEntry, type LedgerEntryRow } from './ledger-statements.ts';

/**
 * The ledger: the only code that changes a stamp balance. Each change is one ledger entry, the cached
 * balance (`customer_cards.stamps_count`) moved by the same amount, the events it causes in the event
 * log and the outbox rows of their reactions, all in the caller's transaction.
 */

type CardRow = Prisma.CardGetPayload<object>;
type CustomerCardRow = Prisma.CustomerCardGetPayload<object>;
export type { LedgerEntryRow };
export type RedemptionRow = Prisma.RedemptionGetPayload<object>;
type RewardRow = Prisma.RewardGetPayload<object>;

interface ChangeBase {
  customerCardId: number;
  /** The customer card's card, as read before the transaction (its terms do not change with a stamp). */
  card: CardRow;
  /** The card's rewards in display order, when already at hand; read otherwise. */
  rewards?: RewardOfCard[];
  idempotencyKey?: string | null;
}

/**
 * Stamps given (at the till, through an API, or a card's initial stamps on enrolment). `STAMP`s are
 * held to the card's limits (cooldown, most per day); `WELCOME` stamps are not.
 */
export interface EarnStamps extends ChangeBase {
  kind: 'STAMP' | 'WELCOME';
  stamps: number;
  /** False for `skip_notifications`: the wallet pass changes without alerting the device. */
  notify?: boolean;
}

/** Stamps taken off by a correction, refused when the balance does not hold them (never below zero). */
export interface RemoveStamps extends ChangeBase {
  kind: 'CORRECTION';
  stamps: number;
  /** Why; kept on the ledger entry and in the event. */
  reason: string;
  /** The error to throw when the balance is below `stamps`. */
  notEnough: () => DomainError;
  /**
   * Asked once the transaction holds the customer card (after the deduction, before the entry is
   * written): a rule that depends on the card's latest entry reads it here, where no other write can
   * slip in between. A throw rolls the deduction back.
   */
  authorize?: (tx: Tx) => Promise<void>;
}

/** A reward redeemed: its cost taken off the balance, refused when the balance does not cover it. */
export interface SpendOnReward extends ChangeBase {
  kind: 'REDEEM';
  reward: RewardRow;
  /** The error to throw when the balance is below the reward's cost. */
  notEnough: () => DomainError;
}

export type LedgerChange = EarnStamps | SpendOnReward | RemoveStamps;

export interface LedgerPosting {
  /** The customer card as updated, with its card and the card's rewards (as given, or read). */
  customerCard: CustomerCardDetail;
  ledgerEntry: LedgerEntryRow;
  redemption?: RedemptionRow;
  /** The events written; hand the posting to `announce` once the transaction has committed. */
  appended: AppendedEvents;
  stampsChanged: StampsChangedEvent;
}

const rewardOrder = detailInclude.card.include.rewards.orderBy;

/** Writes one change to a customer card's balance; see the module comment. Call it inside a transaction. */
export function postLedgerEntry(tx: Tx, deps: Deps, actor: Actor, change: LedgerChange): Promise<LedgerPosting> {
  const attributes = { 'stampline.ledger.kind': change.kind, 'stampline.customer_card.id': change.customerCardId, 'stampline.card.id': change.card.id };
  return traced('ledger.post', attributes, () => post(tx, deps, actor, change));
}

async function post(tx: Tx, deps: Deps, actor: Actor, change: LedgerChange): Promise<LedgerPosting> {
  const { customerCardId, card } = change;
  let updated: CustomerCardRow;
  let redemption: RedemptionRow | undefined;
  let delta: number;
  // The entry's time. A stamp reads it again once its transaction holds the card, so the limits and
  // the entry they admit agree on it.
  let now = new Date();
  if (change.kind === 'REDEEM') {
    const cost = change.reward.stampsRequired;
    delta = -cost;
    // The check and the deduction are one conditional update, so two racing redemptions can never
    // spend the same stamps.
    const spent = await addToBalance(tx, deps.provider, customerCardId, delta, now, cost);
    if (!spent) throw change.notEnough();
    updated = spent;
    redemption = await tx.redemption.create({
      data: {
        storeId: actor.storeId,
        customerCardId,
        rewardId: change.reward.id,
        rewardName: change.reward.name,
        stampsSpent: cost,
        stampsRemaining: updated.stampsCount,
      },
    });
  } else if (change.kind === 'CORRECTION') {
    delta = -change.stamps;
    // As for a redemption: check and deduction in one conditional update, so the balance never goes below zero.
    const removed = await addToBalance(tx, deps.provider, customerCardId, delta, now, change.stamps);
    if (!removed) throw change.notEnough();
    await change.authorize?.(tx);
    updated = removed;
  } else {
    delta = change.stamps;
    // The increment takes the customer card's row lock (PostgreSQL; SQLite runs one write transaction
    // at a time) before the limits are read, so concurrent stamps on one card check one after another
    // and each sees the stamps of those before it. A refusal rolls the increment back.
    const added = await addToBalance(tx, deps.provider, customerCardId, delta, now);
    // Erased (with its customer) after the caller read it: the same answer as arriving a moment later.
    if (!added) throw notFound('Customer card');
    updated = added;
    now = new Date();
    if (change.kind === 'STAMP' && hasStampLimits(card)) await enforceStampLimits(tx, card, customerCardId, change.stamps, now);
  }
  const ledgerEntry = await insertLedgerEntry(tx, deps.provider, {
    storeId: actor.storeId,
    customerCardId,
    kind: change.kind,
    delta,
    balanceAfter: updated.stampsCount,
    source: actor.source,
    // Who made it, whichever transport it came through (src/auth/principal.ts).
    ...actorRecord(actor.principal),
    idempotencyKey: change.idempotencyKey ?? null,
    redemptionId: redemption?.id ?? null,
    reason: change.kind === 'CORRECTION' ? change.reason : null,
    createdAt: now,
  });
  const rewards = change.rewards ?? (await tx.reward.findMany({ where: { cardId: card.id }, orderBy: rewardOrder }));
  const detail: CustomerCardDetail = { ...updated, card: { ...card, rewards } };
  const events = eventsOf(deps, change, detail, ledgerEntry, redemption);
  const appended = await appendEvents(tx, deps, actor.storeId, events);
  return {
    customerCard: detail,
    ledgerEntry,
    ...(redemption ? { redemption } : {}),
    appended,
    // The balance event is always the first one appended.
    stampsChanged: stampsChanged(updated, ledgerEntry, appended.events[0]!),
  };
}

/** What a ledger entry means for the event log: one balance event, and the rewards it unlocked. */
function eventsOf(
  deps: Deps,
  change: LedgerChange,
  detail: CustomerCardDetail,
  ledgerEntry: LedgerEntryRow,
  redemption: RedemptionRow | undefined,
): NewEvent[] {
  const subject = {
    customerId: detail.customerId,
    customerCardId: detail.id,
    cardId: detail.cardId,
    ledgerEntryId: ledgerEntry.id,
    occurredAt: ledgerEntry.createdAt,
  };
  const customerCard = presentCustomerCard(deps, detail);
  const entry = presentLedgerEntry(ledgerEntry);
  // Only stamps can be given silently (`skip_notifications`); redemptions and corrections always alert.
  const facts = { customerCard: detail, notify: change.kind === 'STAMP' || change.kind === 'WELCOME' ? change.notify !== false : true };
  if (change.kind === 'CORRECTION') {
    return [
      {
        ...subject,
        type: EventType.STAMP_REMOVED,
        data: { customer_card: customerCard, ledger_entry: entry, reason: change.reason },
        facts,
      },
    ];
  }
  if (change.kind === 'REDEEM') {
    return [
      {
        ...subject,
        type: EventType.REWARD_REDEEMED,
        rewardId: change.reward.id,
        data: {
          customer_card: customerCard,
          reward: presentReward(change.reward),
          redemption: presentRedemption(redemption!),
          ledger_entry: entry,
        },
        facts,
      },
    ];
  }
  const before = ledgerEntry.balanceAfter - ledgerEntry.delta;
  const unlocked = detail.card.rewards.filter((reward) => reward.active && crosses(before, ledgerEntry.balanceAfter, reward.stampsRequired));
  return [
    { ...subject, type: EventType.STAMP_EARNED, data: { customer_card: customerCard, ledger_entry: entry }, facts },
    ...unlocked.map((reward) => ({
      ...subject,
      type: EventType.REWARD_UNLOCKED,
      rewardId: reward.id,
      data: { customer_card: customerCard, reward: presentReward(reward), ledger_entry: entry },
      facts,
    })),
  ];
}

/**
 * Refuses a stamp over the card's limits (see stamp-limits.rules.ts). Runs after the balance update,
 * under the customer card's lock; the entries it reads are those committed before this one.
 */
async function enforceStampLimits(tx: Tx, card: CardRow, customerCardId: number, stamps: number, now: Date): Promise<void> {
  const last = card.stampCooldownSeconds > 0
    ? await tx.ledgerEntry.findFirst({ where: { customerCardId, kind: 'STAMP' }, orderBy: { id: 'desc' }, select: { createdAt: true } })
    : null;
  let timeZone = 'UTC';
  let stampsToday = 0;
  if (card.maxStampsPerDay !== null) {
    timeZone = (await tx.store.findUniqueOrThrow({ where: { id: card.storeId }, select: { timeZone: true } })).timeZone;
    const given = await tx.ledgerEntry.aggregate({
      where: { customerCardId, kind: 'STAMP', createdAt: { gte: startOfLocalDay(now, timeZone) } },
      _sum: { delta: true },
    });
    stampsToday = given._sum.delta ?? 0;
  }
  const refusal = stampRefusal(card, { lastStampAt: last?.createdAt ?? null, stampsToday }, stamps, now, timeZone);
  if (!refusal) return;
  const code = refusal.code === 'TOO_SOON' ? ErrorCode.TOO_SOON : ErrorCode.DAILY_LIMIT;
  const summary = refusal.code === 'TOO_SOON' ? 'Stamped too soon after the last stamp' : "Over the card's daily stamp limit";
  throw new DomainError(code, summary, { stamps: [refusal.message] }, refusal.retryAt);
}

/** A balance unlocks a reward when it moves from below its cost to at or above it. */
export function crosses(before: number, after: number, cost: number): boolean {
  return before < cost && cost <= after;
}

function stampsChanged(customerCard: CustomerCardRow, ledgerEntry: LedgerEntryRow, logged: LoggedEvent): StampsChangedEvent {
  return {
    type: 'stamps.changed',
    eventId: logged.id,
    storeId: customerCard.storeId,
    sequence: logged.sequence,
    cardId: customerCard.cardId,
    customerId: customerCard.customerId,
    customerCardId: customerCard.id,
    ledgerEntryId: ledgerEntry.id,
    kind: ledgerEntry.kind,
    delta: ledgerEntry.delta,
    balanceAfter: ledgerEntry.balanceAfter,
    occurredAt: ledgerEntry.createdAt.toISOString(),
  };
}

/** After commit: the stamp change to live streams and the logged events to the job worker. */
export function announce(deps: Pick<Deps, 'events' | 'logged'>, posting: Pick<LedgerPosting, 'appended' | 'stampsChanged'>): void {
  deps.events.publish(posting.stampsChanged);
  announceLogged(deps.logged, posting.appended);
}
