import { type GraphQLFieldResolver, type GraphQLSchema, isObjectType } from 'graphql';
import { globalIdOf, NODE_TYPES, type NodeType } from './global-ids.ts';

/**
 * The relay plugin resolves every node's `id` through an async function: each row of a list costs a
 * promise, and its whole object then waits for the microtasks of them all (a page of 50 customer
 * cards with their cards and rewards has 250). Every node type here is keyed by its integer `id`
 * column (`id: { field: 'id' }`), so the global id is encoded synchronously from the row instead:
 * the same text (test/graphql/node-ids.test.ts). A node type this does not know fails the build.
 */
export function encodeNodeIdsSynchronously(schema: GraphQLSchema): GraphQLSchema {
  const node = schema.getType('Node');
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || !type.getInterfaces().some((iface) => iface === node)) continue;
    if (!(NODE_TYPES as readonly string[]).includes(type.name)) {
      throw new Error(`${type.name} is a Node that global-ids.ts does not list`);
    }
    const field = type.getFields().id!;
    field.resolve = idOf(type.name as NodeType);
  }
  return schema;
}

function idOf(typename: NodeType): GraphQLFieldResolver<{ id: number }, unknown> {
  return (row) => globalIdOf(typename, row.id);
}
