import {
  type DocumentNode,
  type ExecutionArgs,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  GraphQLError,
  getNamedType,
  getOperationAST,
  isInterfaceType,
  isObjectType,
  Kind,
  type SelectionNode,
  type ValueNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { DEFAULT_PAGE_SIZE } from './builder.ts';

/** Weights of the cost formula; armor's cost limit is configured with the same ones. */
export const COST_WEIGHTS = { objectCost: 2, scalarCost: 1, depthCostFactor: 1.5 } as const;

/**
 * The cost of the operation about to run, by graphql-armor's formula (an object costs 2, a scalar 1,
 * each level 1.5 times its children, a list field times its `first`/`last`), with three additions:
 * `first`/`last` given as variables count with their values, a connection without either counts at
 * its default page size, and `nodes(ids:)` counts as a page of that many ids. Armor sees only the
 * document at validation, where a variable counts as 1.
 */
export function estimateCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown>,
): number {
  const operation = getOperationAST(document, operationName);
  if (!operation) return 0;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const { objectCost, scalarCost, depthCostFactor } = COST_WEIGHTS;

  const pageSize = (value: ValueNode | undefined): number | undefined => {
    if (!value) return undefined;
    if (value.kind === Kind.INT) return Number.parseInt(value.value, 10);
    if (value.kind === Kind.VARIABLE) {
      const given = variables[value.name.value];
      return typeof given === 'number' && Number.isInteger(given) ? given : undefined;
    }
    return undefined;
  };

  // `nodes(ids:)` returns one object per id, like a page of that size.
  const listLength = (value: ValueNode | undefined): number | undefined => {
    if (value?.kind === Kind.LIST) return value.values.length;
    if (value?.kind === Kind.VARIABLE) {
      const given = variables[value.name.value];
      return Array.isArray(given) ? given.length : undefined;
    }
    return undefined;
  };

  const selectionCost = (node: SelectionNode, parent: GraphQLNamedType | undefined): number => {
    if (node.kind === Kind.FRAGMENT_SPREAD) {
      const fragment = fragments.get(node.name.value);
      if (!fragment) return scalarCost;
      const type = schema.getType(fragment.typeCondition.name.value) ?? undefined;
      return scalarCost + depthCostFactor * setCost(fragment.selectionSet.selections, type);
    }
    if (node.kind === Kind.INLINE_FRAGMENT) {
      const type = node.typeCondition ? (schema.getType(node.typeCondition.name.value) ?? undefined) : parent;
      return setCost(node.selectionSet.selections, type);
    }
    if (node.name.value === '__schema') return 0;
    if (!node.selectionSet) return scalarCost;
    const definition =
      parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[node.name.value] : undefined;
    const argument = (name: string) => node.arguments?.find((arg) => arg.name.value === name)?.value;
    const requested = pageSize(argument('first')) ?? pageSize(argument('last')) ?? listLength(argument('ids'));
    const paginated = definition?.args.some((arg) => arg.name === 'first') ?? false;
    const multiplier = Math.max(requested ?? (paginated ? DEFAULT_PAGE_SIZE : 1), 1);
    const type = definition ? getNamedType(definition.type) : undefined;
    return setCost(node.selectionSet.selections, type) * multiplier;
  };

  const setCost = (selections: readonly SelectionNode[], parent: GraphQLNamedType | undefined): number =>
    selections.reduce<number>((sum, child) => sum + depthCostFactor * selectionCost(child, parent), objectCost);

  const root =
    operation.operation === 'mutation'
      ? schema.getMutationType()
      : operation.operation === 'subscription'
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  const total = operation.selectionSet.selections.reduce(
    (sum, child) => sum + selectionCost(child, root ?? undefined),
    0,
  );
  return Math.ceil(total);
}

/**
 * Refuses an operation whose cost exceeds `limit` before any resolver runs, and reports the cost of
 * every executed operation in `extensions.cost` of the response. A subscription is checked once, when
 * it starts: each event then runs the same selection.
 */
export function useQueryCost(limit: number): Plugin {
  const check = (args: Pick<ExecutionArgs, 'schema' | 'document' | 'operationName' | 'variableValues'>) => {
    const requested = estimateCost(args.schema, args.document, args.operationName, args.variableValues ?? {});
    const cost = { requested, limit };
    const refusal =
      requested > limit
        ? {
            errors: [
              new GraphQLError(`Query cost ${requested} exceeds the limit of ${limit}`, {
                extensions: { code: 'COST_LIMIT_EXCEEDED' },
              }),
            ],
            extensions: { cost },
          }
        : undefined;
    return { cost, refusal };
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const { cost, refusal } = check(args);
      if (refusal) {
        setResultAndStopExecution(refusal);
        return undefined;
      }
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result) return;
          setResult({ ...result, extensions: { ...result.extensions, cost } });
        },
      };
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const { refusal } = check(args);
      if (refusal) setResultAndStopExecution(refusal);
    },
  };
}
