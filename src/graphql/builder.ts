import SchemaBuilder from '@pothos/core';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import type PrismaTypes from '../generated/sqlite/pothos-types.ts';
import { getDatamodel } from '../generated/sqlite/pothos-types.ts';
import type { GraphQLContext } from './context.ts';
import PageArgumentsPlugin, { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './page-arguments.ts';

export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE };

export type Scalars = {
  ID: { Input: string; Output: string | number };
  DateTime: { Input: Date; Output: Date };
  HexColorCode: { Input: string; Output: string };
  PositiveInt: { Input: number; Output: number };
  NonNegativeInt: { Input: number; Output: number };
  LocalDate: { Input: string; Output: string };
  JSONObject: { Input: Record<string, unknown>; Output: unknown };
};

/**
 * The schema builder: configuration only. Types live in `modules/`, one file per aggregate. Plugin
 * order follows the Prisma plugin's documentation (Prisma, then Relay).
 */
export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  PrismaTypes: PrismaTypes;
  Scalars: Scalars;
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  // Prisma connections with `totalCount: true` put it on the connection (a number or a thunk).
  Connection: { totalCount?: number | (() => number | Promise<number>) };
}>({
  // Page arguments first: its resolver wrapper must run before the Prisma plugin's (page-arguments.ts).
  plugins: [PageArgumentsPlugin, PrismaPlugin, RelayPlugin],
  // Fields are non-null unless they say otherwise: clients can rely on what the types promise.
  defaultFieldNullability: false,
  prisma: {
    // The client is chosen at runtime (SQLite or PostgreSQL), so each request brings its own.
    client: (ctx) => ctx.deps.db,
    // Prisma 7 clients no longer carry the DMMF; the generated Pothos types do.
    dmmf: getDatamodel(),
    onUnusedQuery: process.env.NODE_ENV === 'production' ? null : 'warn',
    maxConnectionSize: MAX_PAGE_SIZE,
    defaultConnectionSize: DEFAULT_PAGE_SIZE,
    filterConnectionTotalCount: true,
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    edgesFieldOptions: { nullable: false, description: 'The items of this page, each with its cursor.' },
    nodeFieldOptions: { nullable: false, description: 'The item.' },
    nodeTypeOptions: { description: 'An object with a global id, fetchable with `Query.node`.' },
    pageInfoTypeOptions: { description: 'Where a page of a connection sits in the whole list.' },
    idFieldOptions: { description: 'Global id of the object, for `Query.node` and mutation inputs.' },
    firstArgOptions: { description: `Returns the first n items: 0 to ${MAX_PAGE_SIZE} (more is refused); default ${DEFAULT_PAGE_SIZE}.` },
    afterArgOptions: { description: 'Returns the items after this cursor (an `endCursor` or edge `cursor`).' },
    lastArgOptions: { description: `Returns the last n items: 0 to ${MAX_PAGE_SIZE} (more is refused).` },
    beforeArgOptions: { description: 'Returns the items before this cursor.' },
    cursorFieldOptions: { description: 'Opaque cursor of this edge, for `after`/`before` of the same list.' },
    pageInfoFieldOptions: { description: 'Where this page sits in the whole list.' },
    hasNextPageFieldOptions: { description: 'True when more items follow this page.' },
    hasPreviousPageFieldOptions: { description: 'True when items precede this page.' },
    startCursorFieldOptions: { description: 'Cursor of the first item of this page.' },
    endCursorFieldOptions: { description: 'Cursor of the last item of this page; pass it as `after` for the next page.' },
    // `node`/`nodes` are defined in modules/node.ts so that a malformed or foreign id is null, not an error.
    nodesOnConnection: { description: 'The items of this page, without their cursors.' },
    nodeQueryOptions: false,
    nodesQueryOptions: false,
  },
});

/** The schema types of `builder`, for helpers that take a field builder. */
export type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;
export type InputFieldBuilder = PothosSchemaTypes.InputFieldBuilder<Types, 'InputObject'>;
