import SchemaBuilder, { BasePlugin, completeValue, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import type { GraphQLFieldResolver } from 'graphql';
import type { GraphQLContext } from './context.ts';
import { type CursorScope, invalidPageArgument } from './cursors.ts';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

interface PageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  [other: string]: unknown;
}

type Selection = { select?: Record<string, { cursor?: Record<string, unknown> } | undefined> };
type PrismaSelect = (args: PageArgs, ctx: GraphQLContext, ...rest: unknown[]) => Selection | Promise<Selection>;

/**
 * The paging arguments as the Prisma plugin reads them: sizes checked, cursors unsealed. Throws the
 * client's mistake as a BAD_USER_INPUT error.
 */
function internalArgs(args: PageArgs, ctx: GraphQLContext, scope: CursorScope): PageArgs {
  for (const name of ['first', 'last'] as const) {
    const size = args[name];
    if (size != null && (size < 0 || size > MAX_PAGE_SIZE)) {
      throw invalidPageArgument(`Argument "${name}" must be between 0 and ${MAX_PAGE_SIZE}`);
    }
  }
  if (args.after != null && args.before != null) throw invalidPageArgument('Give "after" or "before", not both');
  if (args.before != null && args.first != null) throw invalidPageArgument('"before" pages with "last", not "first"');
  if (args.after != null && args.last != null) throw invalidPageArgument('"after" pages with "first", not "last"');
  return {
    ...args,
    ...(args.after != null ? { after: ctx.cursors.unseal(args.after, scope, 'after') } : {}),
    ...(args.before != null ? { before: ctx.cursors.unseal(args.before, scope, 'before') } : {}),
  };
}

/** What the query planner loads for arguments the field itself will refuse: an empty page, no error. */
function plannedArgs(args: PageArgs, ctx: GraphQLContext, scope: CursorScope): PageArgs {
  try {
    return internalArgs(args, ctx, scope);
  } catch {
    return { first: 0 };
  }
}

interface Connection {
  edges: Array<{ cursor: string }>;
  pageInfo: { startCursor: string | null; endCursor: string | null };
}

/**
 * The connection with the client's cursors in place of the plugin's. Each is sealed when it is read:
 * a page hands out a cursor per edge, and most queries select few or none of them (an HMAC each).
 */
function sealed(connection: Connection, ctx: GraphQLContext, scope: CursorScope): Connection {
  const sealer = new Sealer(ctx, scope);
  return {
    ...connection,
    edges: connection.edges.map((edge) => new SealedEdge(edge, sealer)),
    pageInfo: new SealedPageInfo(connection.pageInfo, sealer),
  };
}

class Sealer {
  readonly #ctx: GraphQLContext;
  readonly #scope: CursorScope;

  constructor(ctx: GraphQLContext, scope: CursorScope) {
    this.#ctx = ctx;
    this.#scope = scope;
  }

  seal(cursor: string): string;
  seal(cursor: string | null): string | null;
  seal(cursor: string | null): string | null {
    return cursor == null ? null : this.#ctx.cursors.seal(cursor, this.#scope);
  }
}

// The getters live on the prototypes, so an edge costs one object and no closures; the plugin's own
// fields (the node, the connection it belongs to) are copied as they are.
class SealedEdge {
  readonly #internal: string;
  readonly #sealer: Sealer;

  constructor({ cursor, ...fields }: { cursor: string }, sealer: Sealer) {
    Object.assign(this, fields);
    this.#internal = cursor;
    this.#sealer = sealer;
  }

  get cursor(): string {
    return this.#sealer.seal(this.#internal);
  }
}

class SealedPageInfo {
  readonly #internal: Connection['pageInfo'];
  readonly #sealer: Sealer;

  constructor({ startCursor, endCursor, ...fields }: Connection['pageInfo'], sealer: Sealer) {
    Object.assign(this, fields);
    this.#internal = { startCursor, endCursor };
    this.#sealer = sealer;
  }

  get startCursor(): string | null {
    return this.#sealer.seal(this.#internal.startCursor);
  }

  get endCursor(): string | null {
    return this.#sealer.seal(this.#internal.endCursor);
  }
}

interface RelationField {
  name: string;
  type: string;
}

function relationOf<Types extends SchemaTypes>(fieldConfig: PothosOutputFieldConfig<Types>): RelationField | undefined {
  const args = fieldConfig.args;
  if (!('first' in args && 'after' in args && 'last' in args && 'before' in args)) return undefined;
  return fieldConfig.extensions?.pothosPrismaRelationField as RelationField | undefined;
}

/**
 * Paging arguments are the client's own mistakes to make, so they error the list that got them and
 * nothing else. The Prisma plugin reads them while it plans the parent's query, where a bad one
 * would fail the parent (and every sibling with it): here the planner gets arguments it cannot fail
 * on, and the list's own resolver refuses the bad ones. The same place seals the cursors a list hands
 * out and scopes the one it is given to the caller's store (see cursors.ts), which is also why every
 * such list is nullable: its error must not spread to its parent.
 */
export class PageArgumentsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onOutputFieldConfig(fieldConfig: PothosOutputFieldConfig<Types>): PothosOutputFieldConfig<Types> {
    const relation = relationOf(fieldConfig);
    if (!relation) return fieldConfig;
    const select = fieldConfig.extensions?.pothosPrismaSelect as PrismaSelect;
    return {
      ...fieldConfig,
      type: { ...fieldConfig.type, nullable: true },
      extensions: {
        ...fieldConfig.extensions,
        pothosPrismaSelect: (args: PageArgs, ctx: GraphQLContext, ...rest: unknown[]) => {
          const scope = { storeId: ctx.actor.storeId, model: relation.type };
          return completeValue(select(plannedArgs(args, ctx, scope), ctx, ...rest), (selection) => scopedCursor(selection, relation.name, ctx));
        },
      },
    };
  }

  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    const relation = relationOf(fieldConfig);
    if (!relation) return resolver;
    return (parent, args, context, info) => {
      const ctx = context as GraphQLContext;
      const scope = { storeId: ctx.actor.storeId, model: relation.type };
      const result = resolver(parent, internalArgs(args as PageArgs, ctx, scope), context, info) as Connection | Promise<Connection>;
      return completeValue(result, (connection) => (connection ? sealed(connection, ctx, scope) : connection));
    };
  }
}

/**
 * Prisma's cursor is a record the page starts from, looked up without the list's filters: a cursor on
 * another store's record would page from there. Adding the store makes such a cursor name no record.
 */
function scopedCursor(selection: Selection, relation: string, ctx: GraphQLContext): Selection {
  const query = selection?.select?.[relation];
  if (!query?.cursor) return selection;
  return { ...selection, select: { ...selection.select, [relation]: { ...query, cursor: { ...query.cursor, storeId: ctx.actor.storeId } } } };
}

const pluginName = 'pageArguments';

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      pageArguments: PageArgumentsPlugin<Types>;
    }
  }
}

SchemaBuilder.registerPlugin(pluginName, PageArgumentsPlugin);

export default pluginName;
