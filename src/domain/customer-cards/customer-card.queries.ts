import { assertPerformAction } from '../../auth/policy.ts';
import type { Prisma } from '../../generated/sqlite/client.ts';
import type { Actor, Deps } from '../context.ts';
import { notFound } from '../errors.ts';
import { isDatabaseId } from '../validation.ts';
import { ownedBy } from '../visibility.ts';
import { readCustomerCardDetail } from './customer-card-detail.sql.ts';
import type { CustomerCardRef, CustomerCardWithCard } from './customer-card.service.ts';
import {
  availableRewards,
  type CustomerCardStatus,
  progressPercentage,
  stampsRemaining,
  statusOf,
} from './progress.rules.ts';

export const detailInclude = {
  card: { include: { rewards: { orderBy: [{ position: 'asc' }, { id: 'asc' }] } } },
} satisfies Prisma.CustomerCardInclude;

/** A customer card with its card and the card's rewards: everything its progress depends on. */
export type CustomerCardDetail = Prisma.CustomerCardGetPayload<{ include: typeof detailInclude }>;
export type RewardOfCard = CustomerCardDetail['card']['rewards'][number];

export interface CustomerCardProgress {
  status: CustomerCardStatus;
  stampsRemaining: number;
  progressPercentage: number;
  availableRewards: RewardOfCard[];
}

/** The progress figures both APIs show for a customer card, from the rules in progress.rules.ts. */
export function progressOf(detail: CustomerCardDetail): CustomerCardProgress {
  const { stampsCount, card } = detail;
  return {
    status: statusOf(stampsCount, card),
    stampsRemaining: stampsRemaining(stampsCount, card),
    progressPercentage: progressPercentage(stampsCount, card, card.rewards),
    availableRewards: availableRewards(stampsCount, card.rewards),
  };
}

/**
 * A customer card of the actor's store (of `ref.customerId` when given), with everything its progress
 * depends on: what REST show answers and a change to its balance reports.
 */
export async function getCustomerCardDetail(deps: Deps, actor: Actor, ref: CustomerCardRef): Promise<CustomerCardDetail> {
  assertPerformAction(actor, 'customer.read', { customerCardId: ref.customerCardId });
  // The hot read of REST show and of a stamp: one hand-written statement instead of Prisma's `include` of `detailInclude`.
  const found = isAddressable(ref)
    ? await readCustomerCardDetail(deps.db, { id: ref.customerCardId, ...ownedBy(actor), customerId: ref.customerId })
    : null;
  if (!found) throw notFound('Customer card');
  return found;
}

/** Whether the ref's ids can name a row at all; anything else is not found without a query. */
export function isAddressable(ref: CustomerCardRef): boolean {
  return isDatabaseId(ref.customerCardId) && (ref.customerId === undefined || isDatabaseId(ref.customerId));
}

/** The cards of several customers of the store, oldest enrolment first, keyed by customer id. */
export async function customerCardsByCustomer(
  deps: Deps,
  actor: Actor,
  customerIds: readonly number[],
): Promise<Map<number, CustomerCardDetail[]>> {
  const ids = [...new Set(customerIds)];
  const byCustomer = new Map<number, CustomerCardDetail[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return byCustomer;
  const rows = await deps.db.customerCard.findMany({
    where: { storeId: actor.storeId, customerId: { in: ids } },
    include: detailInclude,
    orderBy: { id: 'asc' },
  });
  for (const row of rows) byCustomer.get(row.customerId)!.push(row);
  return byCustomer;
}

/** The cards of one customer of the store; an unknown customer is not found. */
export async function listCustomerCardsOf(deps: Deps, actor: Actor, customerId: number): Promise<CustomerCardDetail[]> {
  assertPerformAction(actor, 'customer.read');
  const customer = await deps.db.customer.findFirst({ where: { id: customerId, storeId: actor.storeId }, select: { id: true } });
  if (!customer) throw notFound('Customer');
  return (await customerCardsByCustomer(deps, actor, [customerId])).get(customerId) ?? [];
}
