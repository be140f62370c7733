import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PathId, pathIdOf } from '../../src/rest/fields.ts';

const schema = PathId();
const bySchema = (value: unknown) => {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
};

describe('pathIdOf', () => {
  it('accepts exactly what the PathId schema accepts, with the same number', () => {
    const edges = ['1', '0', '00', '01', '2147483647', '2147483648', '0002147483', '9999999999', '12345678901', '-1', '+1', '1.0', '1e3', ' 1', '1 ', '0x10', '', '١', 'abc', undefined];
    for (const value of edges) expect(pathIdOf(value), String(value)).toBe(bySchema(value));
    fc.assert(
      fc.property(fc.oneof(fc.stringMatching(/^[0-9]{0,12}$/), fc.string(), fc.integer().map(String)), (value) => {
        expect(pathIdOf(value)).toBe(bySchema(value));
      }),
    );
  });
});
