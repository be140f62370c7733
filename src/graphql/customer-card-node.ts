import { brandWithType } from '@pothos/core';
import { getModel, queryFromInfo } from '@pothos/plugin-prisma';
import type { GraphQLResolveInfo } from 'graphql';
import { readCustomerCardDetail } from '../domain/customer-cards/customer-card-detail.sql.ts';
import type { CustomerCardDetail } from '../domain/customer-cards/customer-card.queries.ts';
import { ownedBy } from '../domain/visibility.ts';
import { builder } from './builder.ts';
import type { GraphQLContext } from './context.ts';
import { CustomerCardNode } from './modules/customer-cards.ts';

// Card columns the detail read returns; its `rewards` are all of them in display order, which no
// Prisma selection of the relation asks for, so a selection naming it is not answered here.
const CARD_COLUMNS = new Set(getModel('Card', builder).fields.filter((field) => field.kind === 'scalar').map((field) => field.name));

type Query = Record<string, unknown>;

/** Whether the Prisma query the selection plans reads nothing but the customer card and its card's columns. */
function coveredByDetail(query: Query): boolean {
  for (const [key, value] of Object.entries(query)) {
    if (key !== 'include') return false;
    for (const [relation, nested] of Object.entries(value as Query)) {
      if (relation !== 'card' || !cardColumnsOnly(nested)) return false;
    }
  }
  return true;
}

function cardColumnsOnly(nested: unknown): boolean {
  if (nested === true) return true;
  if (typeof nested !== 'object' || nested === null) return false;
  for (const [key, value] of Object.entries(nested as Query)) {
    if (key !== 'select') return false;
    for (const [column, selected] of Object.entries(value as Query)) {
      if (selected !== true || !CARD_COLUMNS.has(column)) return false;
    }
  }
  return true;
}

/**
 * `node(id:)` of a customer card through the hand-written detail read REST show uses: the customer
 * card, its card and the card's rewards in one statement, where the Prisma plugin's read is two on
 * SQLite (no relation joins) and the active rewards loader one more. Taken only when the selection
 * plans no relation beyond the card's own columns; undefined otherwise, and the caller resolves the
 * node as any other. The tenancy is the node's own (`ownedBy`), and the card's active rewards prime
 * the request's loader, so progress and rewards are computed from the rows the card was read with.
 */
export async function customerCardFromDetail(
  ctx: GraphQLContext,
  info: GraphQLResolveInfo,
  id: number,
): Promise<CustomerCardDetail | null | undefined> {
  const query = await queryFromInfo({ context: ctx, info, typeName: 'CustomerCard', awaitSelections: true });
  if (!coveredByDetail(query as Query)) return undefined;
  const detail = await readCustomerCardDetail(ctx.deps.db, { id, ...ownedBy(ctx.actor) });
  if (!detail) return null;
  ctx.loaders.activeRewardsByCard.prime(detail.cardId, detail.card.rewards.filter((reward) => reward.active));
  // As the plugin's own node read brands its rows: the Node interface resolves its type from it.
  brandWithType(detail, CustomerCardNode);
  return detail;
}
