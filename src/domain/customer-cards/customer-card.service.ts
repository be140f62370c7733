import { assertPerformAction } from '../../auth/policy.ts';
import type { Prisma } from '../../generated/sqlite/client.ts';
import type { Actor, Deps } from '../context.ts';
import { DomainError, ErrorCode, FieldErrorCollector, invalid, notFound } from '../errors.ts';
import { checkIdempotencyKey, type IdempotencyRequest, idempotent, isForeignKeyViolation, recordKey } from '../idempotency.ts';
import { announce, type EarnStamps, type LedgerEntryRow, postLedgerEntry, type RedemptionRow, type RemoveStamps } from '../ledger/ledger.ts';
import { checkIdInput, isDatabaseId } from '../validation.ts';
import { type CustomerCardDetail, getCustomerCardDetail, isAddressable } from './customer-card.queries.ts';
import { cardExpired, isExpired } from '../cards/card.rules.ts';

export type CustomerCardWithCard = Prisma.CustomerCardGetPayload<{ include: { card: true } }>;

export interface StampResult {
  /** The customer card after the change, with its card's rewards (as read with the card, before the change). */
  customerCard: CustomerCardDetail;
  ledgerEntry: LedgerEntryRow;
  /** True when an idempotency key matched an earlier call and nothing was written. */
  replayed: boolean;
}

export interface RedeemResult extends Omit<StampResult, 'customerCard'> {
  customerCard: CustomerCardWithCard;
  redemption: RedemptionRow;
}

/** How a customer card is addressed: REST nests it under its customer, GraphQL by id alone. */
export interface CustomerCardRef {
  customerCardId: number;
  customerId?: number;
}

export interface AddStampsInput extends CustomerCardRef {
  stamps: unknown;
  skipNotifications?: boolean;
  idempotencyKey?: string | null;
}

export interface RedeemRewardInput extends CustomerCardRef {
  rewardId: number;
  idempotencyKey?: string | null;
}

// Concurrent stamps on one card queue on its row lock; give them room before Prisma gives up.
const TX_OPTIONS = { maxWait: 15_000, timeout: 15_000 } as const;

export async function getCustomerCard(deps: Deps, actor: Actor, ref: CustomerCardRef): Promise<CustomerCardWithCard> {
  assertPerformAction(actor, 'customer.read', { customerCardId: ref.customerCardId });
  const found = isAddressable(ref)
    ? await deps.db.customerCard.findFirst({
        where: { id: ref.customerCardId, storeId: actor.storeId, ...(ref.customerId === undefined ? {} : { customerId: ref.customerId }) },
        include: { card: true },
      })
    : null;
  if (!found) throw notFound('Customer card');
  return found;
}

/**
 * Adds stamps to a customer card.
 * Rules: `stamps` is an integer from 1 to the card's stamps required; an archived or expired card takes none;
 * stamps beyond the card's requirement are kept. The balance and its ledger entry are written in one
 * transaction, so concurrent calls never lose or double a stamp. With an idempotency key a retry
 * returns the first result and writes nothing.
 */
export async function addStamps(deps: Deps, actor: Actor, input: AddStampsInput): Promise<StampResult> {
  assertPerformAction(actor, 'ledger.addStamps', { customerCardId: input.customerCardId });
  const key = checkIdempotencyKey(input.idempotencyKey);
  // Read with the rewards, so the ledger need not read them in the transaction, nor the caller after it.
  const current = await getCustomerCardDetail(deps, actor, input);
  const stamps = input.stamps;
  const max = current.card.stampsRequired;
  if (typeof stamps !== 'number' || !Number.isInteger(stamps) || stamps < 1 || stamps > max) {
    throw invalid({ stamps: [`must be an integer from 1 to ${max}`] });
  }
  const request = key
    ? {
        key,
        operation: 'addStamps',
        // Options are part of the request: the same key with skipNotifications added is another request.
        // Left out when false, so keys recorded before options were fingerprinted still replay.
        params: { customerCardId: current.id, stamps, ...(input.skipNotifications ? { skipNotifications: true } : {}) },
      }
    : undefined;
  const change = {
    kind: 'STAMP',
    customerCardId: current.id,
    card: current.card,
    rewards: current.card.rewards,
    stamps,
    notify: !input.skipNotifications,
    idempotencyKey: key ?? null,
  } as const;
  return postKeyedChange(deps, actor, request, input, change, () => {
    if (current.card.archivedAt) {
      throw new DomainError(ErrorCode.CARD_ARCHIVED, 'The card is archived and takes no stamps', {
        stamps: ['cannot be added to an archived card'],
      });
    }
    if (isExpired(current.card)) throw cardExpired(current.card.expiresAt!, 'stamps', 'stamps');
  });
}

/**
 * One change to a customer card's balance under an idempotency key (stamps and corrections): the
 * ledger entry and the key in one transaction, announced after commit; a retry with the key answers
 * with the entry it names and writes nothing. `check` runs only on the first run, so a retry is
 * never refused by a rule that the first call passed. The card was read just before; it is not read
 * again inside the transaction.
 */
export function postKeyedChange(
  deps: Deps,
  actor: Actor,
  request: IdempotencyRequest | undefined,
  ref: CustomerCardRef,
  change: EarnStamps | RemoveStamps,
  check?: () => void,
): Promise<StampResult> {
  return idempotent(
    deps.db,
    actor.storeId,
    request,
    async (): Promise<StampResult> => {
      check?.();
      const posting = await deps.db.$transaction(async (tx) => {
        const posted = await postLedgerEntry(tx, deps, actor, change);
        if (request) await recordKey(tx, actor.storeId, request, posted.ledgerEntry.id);
        return posted;
      }, TX_OPTIONS);
      announce(deps, posting);
      return { customerCard: posting.customerCard, ledgerEntry: posting.ledgerEntry, replayed: false };
    },
    async (ledgerEntryId) => {
      const ledgerEntry = await deps.db.ledgerEntry.findUniqueOrThrow({ where: { id: ledgerEntryId } });
      return { customerCard: await getCustomerCardDetail(deps, actor, ref), ledgerEntry, replayed: true };
    },
  );
}

/**
 * Redeems a reward of the customer card's card, spending the reward's stamps.
 * Rules: the reward must be of this store (else not found), of this card, and active; the balance must
 * cover its cost; an expired card redeems nothing. The check and the deduction are one conditional update, so two racing redemptions
 * can never spend the same stamps. Redeeming on an archived card is allowed: the stamps were earned.
 */
export async function redeemReward(deps: Deps, actor: Actor, input: RedeemRewardInput): Promise<RedeemResult> {
  assertPerformAction(actor, 'ledger.redeem', { customerCardId: input.customerCardId });
  const key = checkIdempotencyKey(input.idempotencyKey);
  const current = await getCustomerCard(deps, actor, input);
  const errors = new FieldErrorCollector();
  checkIdInput(errors, 'rewardId', input.rewardId);
  errors.throwIfAny();
  const reward = isDatabaseId(input.rewardId)
    ? await deps.db.reward.findFirst({ where: { id: input.rewardId, storeId: actor.storeId } })
    : null;
  if (!reward) throw notFound('Reward');
  const request = key
    ? { key, operation: 'redeemReward', params: { customerCardId: current.id, rewardId: reward.id } }
    : undefined;
  return idempotent(
    deps.db,
    actor.storeId,
    request,
    async (): Promise<RedeemResult> => {
      if (reward.cardId !== current.cardId) {
        throw new DomainError(ErrorCode.REWARD_NOT_ON_CARD, 'The reward belongs to another card', {
          rewardId: ['belongs to another card'],
        });
      }
      if (!reward.active) {
        throw new DomainError(ErrorCode.REWARD_INACTIVE, 'The reward is inactive', { rewardId: ['is inactive'] });
      }
      // Unlike archiving, expiry ends the programme: rewards are for redeeming before the date.
      if (isExpired(current.card)) throw cardExpired(current.card.expiresAt!, 'rewardId', 'redemptions');
      let posting;
      try {
        posting = await deps.db.$transaction(async (tx) => {
          const posted = await postLedgerEntry(tx, deps, actor, {
            kind: 'REDEEM',
            customerCardId: current.id,
            card: current.card,
            reward,
            notEnough: () => notEnoughStamps(reward.stampsRequired),
            idempotencyKey: key ?? null,
          });
          if (request) await recordKey(tx, actor.storeId, request, posted.ledgerEntry.id);
          return posted;
        }, TX_OPTIONS);
      } catch (error) {
        // The reward was deleted while this redemption ran.
        throw isForeignKeyViolation(error) ? notFound('Reward') : error;
      }
      announce(deps, posting);
      const { customerCard, ledgerEntry, redemption } = posting;
      return { customerCard, ledgerEntry, redemption: redemption!, replayed: false };
    },
    async (ledgerEntryId) => {
      const ledgerEntry = await deps.db.ledgerEntry.findUniqueOrThrow({
        where: { id: ledgerEntryId },
        include: { redemption: true },
      });
      const { redemption, ...entry } = ledgerEntry;
      if (!redemption) throw new Error(`ledger entry ${ledgerEntryId} has no redemption`);
      return { customerCard: await getCustomerCard(deps, actor, input), ledgerEntry: entry, redemption, replayed: true };
    },
  );
}

function notEnoughStamps(cost: number): DomainError {
  return new DomainError(ErrorCode.NOT_ENOUGH_STAMPS, 'Not enough stamps', {
    rewardId: [`needs ${cost} stamps, more than the card holds`],
  });
}
