import type { ObjectRef } from '@pothos/core';
import { builder, type Types } from './builder.ts';

builder.globalConnectionField('totalCount', (t) =>
  t.int({
    description: 'Number of items in the whole list (with the same filters), not just this page.',
    resolve: async ({ totalCount }) => (typeof totalCount === 'function' ? totalCount() : (totalCount ?? 0)),
  }),
);

/**
 * One connection type per node type (`CardConnection`, `CardEdge`), shared by every field that lists
 * it, so clients can reuse fragments across lists.
 */
export function connectionOf<Shape>(node: ObjectRef<Types, Shape>, name: string, plural: string) {
  return builder.connectionObject(
    { type: node, name: `${name}Connection`, description: `A page of ${plural}.` },
    { name: `${name}Edge`, description: `One of the ${plural} in a page, with its cursor.` },
  );
}
