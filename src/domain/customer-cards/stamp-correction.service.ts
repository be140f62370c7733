import { assertPerformAction } from '../../auth/policy.ts';
import type { Tx } from '../../db/client.ts';
import type { Actor, Deps } from '../context.ts';
import { DomainError, ErrorCode, FieldErrorCollector } from '../errors.ts';
import { checkIdempotencyKey } from '../idempotency.ts';
import { checkInteger, checkText } from '../validation.ts';
import { type CustomerCardRef, getCustomerCard, postKeyedChange, type StampResult } from './customer-card.service.ts';

/** A correction's reason is required and at most this long. */
export const MAX_CORRECTION_REASON_LENGTH = 200;
// No correction is larger than a balance can be; the bound keeps the number within a 4-byte integer.
const MAX_STAMPS_REMOVED = 1_000_000;

export interface RemoveStampsInput extends CustomerCardRef {
  stamps: unknown;
  reason: unknown;
  idempotencyKey?: string | null;
}

/**
 * Whether `actor` may take `stamps` off `customerCard` (the policy's `ledger.removeStamps`): an admin
 * always; a till token only to correct its own stamp, the card's latest entry, within the policy's
 * window and no more than that entry gave. Asked inside the correction's transaction, once it holds
 * the card, so concurrent corrections or stamps cannot all pass on the same latest entry.
 */
async function assertMayRemoveStamps(tx: Tx, actor: Actor, customerCardId: number, stamps: number): Promise<void> {
  const latest = await tx.ledgerEntry.findFirst({
    where: { customerCardId },
    orderBy: { id: 'desc' },
    select: { kind: true, delta: true, actorTokenId: true, createdAt: true },
  });
  // Anything but the caller's own latest stamp, large enough, is nobody's to take back but an admin's.
  const ownStamp = latest?.kind === 'STAMP' && latest.delta >= stamps;
  assertPerformAction(actor, 'ledger.removeStamps', {
    customerCardId,
    stampsToRemove: ownStamp ? { actorTokenId: latest.actorTokenId, createdAt: latest.createdAt } : { actorTokenId: null, createdAt: new Date(0) },
  });
}

/**
 * Takes stamps off a customer card: a correction of stamps given by mistake.
 * Rules: `stamps` is an integer from 1 to the stamps the card holds (never below zero); `reason` says why
 * (1 to 200 characters) and stays on the ledger entry. Archived and expired cards can be corrected: a
 * mistake stays a mistake. The entry emits `stamp.removed` (webhooks, wallet pass update, live streams);
 * the status follows the balance (a completed card that drops below its stamps required is active again).
 * With an idempotency key a retry returns the first result and writes nothing.
 */
export async function removeStamps(deps: Deps, actor: Actor, input: RemoveStampsInput): Promise<StampResult> {
  // The scope first; whose stamps these are is asked under the card's lock (assertMayRemoveStamps).
  assertPerformAction(actor, 'ledger.removeStamps');
  const key = checkIdempotencyKey(input.idempotencyKey);
  const current = await getCustomerCard(deps, actor, input);
  const errors = new FieldErrorCollector();
  checkInteger(errors, 'stamps', input.stamps, 1, MAX_STAMPS_REMOVED);
  checkText(errors, 'reason', input.reason, { required: true, max: MAX_CORRECTION_REASON_LENGTH });
  errors.throwIfAny();
  const stamps = input.stamps as number;
  const reason = (input.reason as string).trim();
  const request = key ? { key, operation: 'removeStamps', params: { customerCardId: current.id, stamps, reason } } : undefined;
  return postKeyedChange(deps, actor, request, input, {
    kind: 'CORRECTION',
    customerCardId: current.id,
    card: current.card,
    stamps,
    reason,
    notEnough: () => notEnoughToRemove(stamps),
    authorize: (locked) => assertMayRemoveStamps(locked, actor, current.id, stamps),
    idempotencyKey: key ?? null,
  });
}

function notEnoughToRemove(stamps: number): DomainError {
  return new DomainError(ErrorCode.NOT_ENOUGH_STAMPS, 'Not enough stamps', {
    stamps: [`cannot take ${stamps} off: the card holds fewer, and a balance never goes below zero`],
  });
}
