import {
  type DocumentNode,
  type ExecutionArgs,
  GraphQLError,
  type GraphQLSchema,
  getNamedType,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GraphQLContext } from './context.ts';

/**
 * Everything a customer page may select. Reads are store-scoped for every viewer, so a card holder
 * acting within its card's store would otherwise reach the store's other cards and customers through
 * roots (`store`, `node`) and relations (`Card.customerCards`, `CustomerCard.customer`). Listing what
 * is allowed, instead of what is not, keeps fields added later out until someone decides otherwise.
 * The roots lead only to the holder's own card: `viewerCustomerCard` reads it, and `stampsChanged`
 * refuses any filter but that card.
 */
const CARD_HOLDER_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Query: ['viewerCustomerCard'],
  Subscription: ['stampsChanged'],
  StampEvent: ['id', 'cursor', 'kind', 'delta', 'occurredAt', 'customerCard', 'ledgerEntry'],
  // Its own card's events only: `CustomerCard.events` is reached through `viewerCustomerCard`.
  StampEventConnection: ['edges', 'nodes', 'pageInfo', 'totalCount'],
  StampEventEdge: ['node', 'cursor'],
  LedgerEntry: ['id', 'kind', 'delta', 'balanceAfter', 'createdAt', 'redemption'],
  Redemption: ['id', 'rewardName', 'stampsSpent', 'redeemedAt'],
  CustomerCard: [
    'id', 'uuid', 'cardName', 'card', 'stampsCount', 'stampsRemaining', 'progressPercentage', 'status',
    'availableRewards', 'nextReward', 'pageUrl', 'appleWalletUrl', 'googleWalletUrl', 'issuedAt', 'events',
  ],
  Card: ['id', 'name', 'cardColor', 'textColor', 'stampIcon', 'stampColor', 'stampsRequired', 'headerText', 'rewards'],
  RewardConnection: ['edges', 'pageInfo', 'totalCount'],
  RewardEdge: ['node', 'cursor'],
  PageInfo: ['hasNextPage', 'hasPreviousPage', 'startCursor', 'endCursor'],
  Reward: ['id', 'name', 'description', 'stampsRequired', 'position', 'active'],
  Node: ['id'],
};

/** The first field of `document` a card holder may not select, as `Type.field`; undefined when all are allowed. */
export function forbiddenForCardHolder(schema: GraphQLSchema, document: DocumentNode): string | undefined {
  const typeInfo = new TypeInfo(schema);
  let forbidden: string | undefined;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        if (forbidden || node.name.value === '__typename') return;
        const parent = typeInfo.getParentType();
        const typeName = parent ? getNamedType(parent).name : '?';
        if (!CARD_HOLDER_FIELDS[typeName]?.includes(node.name.value)) forbidden = `${typeName}.${node.name.value}`;
      },
    }),
  );
  return forbidden;
}

function refusal(field: string): GraphQLError {
  return new GraphQLError(`${field} is not available to a customer page`, { extensions: { code: 'FORBIDDEN' } });
}

/** Refuses, before anything resolves, any operation of a card holder that selects a field outside the list. */
export function useCardHolderScope(): Plugin<GraphQLContext> {
  const check = (args: ExecutionArgs): GraphQLError | undefined => {
    if (!(args.contextValue as GraphQLContext).cardHolder) return undefined;
    const field = forbiddenForCardHolder(args.schema, args.document);
    return field ? refusal(field) : undefined;
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = check(args);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = check(args);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}
