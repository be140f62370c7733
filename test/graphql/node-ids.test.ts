import fc from 'fast-check';
import { type GraphQLFieldResolver, type GraphQLResolveInfo, isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { systemActor } from '../../src/domain/context.ts';
import { builder } from '../../src/graphql/builder.ts';
import { NODE_TYPES } from '../../src/graphql/global-ids.ts';
import { schema } from '../../src/graphql/schema.ts';

// The relay plugin's own `id` resolvers, from a second build of the same builder, untouched.
const plugin = builder.toSchema({ sortSchema: true });
const resolverOf = (from: typeof schema, type: string) => {
  const named = from.getType(type);
  if (!isObjectType(named)) throw new Error(`${type} is not an object type`);
  return named.getFields().id!.resolve as GraphQLFieldResolver<unknown, unknown>;
};
const info = (type: string) => ({ parentType: schema.getType(type), schema }) as unknown as GraphQLResolveInfo;

describe('node ids', () => {
  it('every Node type is one global-ids.ts lists, and every listed type is a Node', () => {
    const nodes = Object.values(schema.getTypeMap())
      .filter((type) => isObjectType(type) && type.getInterfaces().some((iface) => iface.name === 'Node'))
      .map((type) => type.name)
      .sort();
    expect(nodes).toEqual([...NODE_TYPES].sort());
  });

  it("answers every node's id synchronously, with the text the relay plugin's resolver gives", async () => {
    // The system may read every type (some ids are behind a read policy, which is not what is tested).
    const ctx = { actor: systemActor(1) };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...NODE_TYPES), fc.integer({ min: 1, max: 2_147_483_647 }), async (type, id) => {
        const row = { id };
        const ours = resolverOf(schema, type)(row, {}, ctx, info(type));
        const theirs = resolverOf(plugin, type)(row, {}, ctx, info(type));
        expect(ours).not.toBeInstanceOf(Promise);
        expect(ours).toBe(await theirs);
      }),
      { numRuns: 300 },
    );
  });
});
