import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { estimateCost } from '../../src/graphql/cost.ts';
import { schema } from '../../src/graphql/schema.ts';

const cost = (query: string, variables: Record<string, unknown> = {}) => estimateCost(schema, parse(query), undefined, variables);

describe('estimateCost', () => {
  it("follows graphql-armor's formula for literal queries", () => {
    // store: object 2 + 1.5 × name 1 = 3.5, rounded up
    expect(cost('{ store { name } }')).toBe(4);
    // node 2 + 1.5 × 1 = 3.5; edges 2 + 1.5 × 3.5 = 7.25; cards (2 + 1.5 × 7.25) × 10 = 128.75; store 2 + 1.5 × 128.75
    expect(cost('{ store { cards(first: 10) { edges { node { name } } } } }')).toBe(Math.ceil(2 + 1.5 * 128.75));
  });

  it('counts page sizes given as variables with their values', () => {
    const query = 'query($n: Int) { store { cards(first: $n) { edges { node { name } } } } }';
    expect(cost(query, { n: 10 })).toBe(cost('{ store { cards(first: 10) { edges { node { name } } } } }'));
    expect(cost(query, { n: 100 })).toBeGreaterThan(cost(query, { n: 10 }));
  });

  it('counts a connection without first or last at the default page size', () => {
    expect(cost('{ store { cards { edges { node { name } } } } }')).toBe(cost('{ store { cards(first: 20) { edges { node { name } } } } }'));
  });

  it('counts nodes(ids:) as a page of that many ids', () => {
    const ids = Array.from({ length: 30 }, (_, i) => `id${i}`);
    const query = 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }';
    expect(cost(query, { ids })).toBe(cost(`{ nodes(ids: ${JSON.stringify(ids)}) { id } }`));
    expect(cost(query, { ids })).toBeGreaterThan(cost(query, { ids: ids.slice(0, 1) }));
  });

  it('counts fragments and ignores introspection', () => {
    expect(cost('{ store { ...S } } fragment S on Store { name }')).toBeGreaterThan(cost('{ store { name } }'));
    expect(cost('{ __schema { types { name fields { name } } } }')).toBe(0);
  });
});
