import { resolveNodes } from '@pothos/plugin-relay';
import { GraphQLError } from 'graphql';
import { builder, MAX_PAGE_SIZE } from '../builder.ts';
import { customerCardFromDetail } from '../customer-card-node.ts';
import { parseGlobalId } from '../global-ids.ts';

// Malformed ids, ids of types that are not nodes, and ids of other stores all resolve to null: the
// caller cannot tell "elsewhere" from "nowhere". Each node type's findUnique adds the store scope.
function relayId(parsed: ReturnType<typeof parseGlobalId>): { typename: string; id: string } | null {
  return parsed ? { typename: parsed.typename, id: String(parsed.id) } : null;
}

builder.queryFields((t) => ({
  node: t.field({
    type: builder.nodeInterfaceRef(),
    nullable: true,
    description: "Any object of the caller's store by its global id; null when the id names nothing the store has.",
    args: { id: t.arg.id({ required: true, description: 'A global id, as returned in `id` fields.' }) },
    resolve: async (_root, { id }, ctx, info) => {
      const parsed = parseGlobalId(String(id));
      if (parsed?.typename === 'CustomerCard') {
        const customerCard = await customerCardFromDetail(ctx, info, parsed.id);
        if (customerCard !== undefined) return customerCard;
      }
      const [node] = await resolveNodes(builder, ctx, info, [relayId(parsed)]);
      return (await node) ?? null;
    },
  }),
  nodes: t.field({
    type: [builder.nodeInterfaceRef()],
    nullable: { list: true, items: true },
    description: `Several objects by global id, in the order asked (at most ${MAX_PAGE_SIZE}, or the list is null with a BAD_USER_INPUT error); null for each id that names nothing the store has.`,
    args: { ids: t.arg.idList({ required: true, description: 'Global ids, as returned in `id` fields.' }) },
    resolve: async (_root, { ids }, ctx, info) => {
      if (ids.length > MAX_PAGE_SIZE) {
        throw new GraphQLError(`At most ${MAX_PAGE_SIZE} ids at once`, { extensions: { code: 'BAD_USER_INPUT' } });
      }
      const nodes = await resolveNodes(builder, ctx, info, ids.map((id) => relayId(parseGlobalId(String(id)))));
      return Promise.all(nodes.map(async (node) => (await node) ?? null));
    },
  }),
}));
