import { actorRecord } from '../../auth/principal.ts';
import type { Tx } from '../../db/client.ts';
import type { Prisma } from '../../generated/sqlite/client.ts';
import type { Actor, Deps } from '../context.ts';
import { detailInclude, type CustomerCardDetail, type RewardOfCard } from '../customer-cards/customer-card.queries.ts';
import type { DomainError } from '../errors.ts';
import type { StampsChangedEvent } from '../events.ts';
import { presentCustomerCard } from '../presenters/customer-card.ts';
import { presentLedgerEntry, presentRedemption } from '../presenters/ledger-entry.ts';
import { presentReward } from '../presenters/reward.ts';
import { type AppendedEvents, announceLogged, appendEvents, type NewEvent } from './event-log.ts';
import { EventType } from './event-types.ts';

/**
 * The ledger: the only code that changes a stamp balance. Each change is one ledger entry, the cached
 * balance (`customer_cards.stamps_count`) moved by the same amount, the events it causes in the event
 * log and the outbox rows of their reactions, all in the caller's transaction.
 */

type CardRow = Prisma.CardGetPayload<object>;
type CustomerCardRow = Prisma.CustomerCardGetPayload<object>;
export type LedgerEntryRow = Prisma.LedgerEntryGetPayload<object>;
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

/** Stamps given (at the till, through an API, or a card's initial stamps on enrolment). */
export interface EarnStamps extends ChangeBase {
  kind: 'STAMP' | 'WELCOME';
  stamps: number;
  /** False for `skip_notifications`: the wallet pass changes without alerting the device. */
  notify?: boolean;
}

/** A reward redeemed: its cost taken off the balance, refused when the balance does not cover it. */
export interface SpendOnReward extends ChangeBase {
  kind: 'REDEEM';
  reward: RewardRow;
  /** The error to throw when the balance is below the reward's cost. */
  notEnough: () => DomainError;
}

export type LedgerChange = EarnStamps | SpendOnReward;

export interface LedgerPosting {
  customerCard: CustomerCardRow & { card: CardRow };
  ledgerEntry: LedgerEntryRow;
  redemption?: RedemptionRow;
  /** The events written; hand the posting to `announce` once the transaction has committed. */
  appended: AppendedEvents;
  stampsChanged: StampsChangedEvent;
}

const rewardOrder = detailInclude.card.include.rewards.orderBy;

/** Writes one change to a customer card's balance; see the module comment. Call it inside a transaction. */
export async function postLedgerEntry(tx: Tx, deps: Deps, actor: Actor, change: LedgerChange): Promise<LedgerPosting> {
  const { customerCardId, card } = change;
  let updated: CustomerCardRow;
  let redemption: RedemptionRow | undefined;
  let delta: number;
  if (change.kind === 'REDEEM') {
    const cost = change.reward.stampsRequired;
    delta = -cost;
    // The check and the deduction are one conditional update, so two racing redemptions can never
    // spend the same stamps.
    const spent = await tx.customerCard.updateMany({
      where: { id: customerCardId, stampsCount: { gte: cost } },
      data: { stampsCount: { decrement: cost } },
    });
    if (spent.count === 0) throw change.notEnough();
    updated = await tx.customerCard.findUniqueOrThrow({ where: { id: customerCardId } });
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
  } else {
    delta = change.stamps;
    updated = await tx.customerCard.update({ where: { id: customerCardId }, data: { stampsCount: { increment: delta } } });
  }
  const ledgerEntry = await tx.ledgerEntry.create({
    data: {
      storeId: actor.storeId,
      customerCardId,
      kind: change.kind,
      delta,
      balanceAfter: updated.stampsCount,
      source: actor.source,
      // Who made it, whichever transport it came through (src/auth/principal.ts).
      ...actorRecord(actor.principal),
      idempotencyKey: change.idempotencyKey ?? null,
      ...(redemption ? { redemptionId: redemption.id } : {}),
    },
  });
  const rewards = change.rewards ?? (await tx.reward.findMany({ where: { cardId: card.id }, orderBy: rewardOrder }));
  const detail: CustomerCardDetail = { ...updated, card: { ...card, rewards } };
  const events = eventsOf(deps, change, detail, ledgerEntry, redemption);
  const appended = await appendEvents(tx, deps, actor.storeId, events);
  return {
    customerCard: { ...updated, card },
    ledgerEntry,
    ...(redemption ? { redemption } : {}),
    appended,
    stampsChanged: stampsChanged(updated, ledgerEntry),
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
  const facts = { customerCard: detail, notify: change.kind === 'REDEEM' || change.notify !== false };
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

/** A balance unlocks a reward when it moves from below its cost to at or above it. */
export function crosses(before: number, after: number, cost: number): boolean {
  return before < cost && cost <= after;
}

function stampsChanged(customerCard: CustomerCardRow, ledgerEntry: LedgerEntryRow): StampsChangedEvent {
  return {
    type: 'stamps.changed',
    storeId: customerCard.storeId,
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
