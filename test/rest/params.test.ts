import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RestError } from '../../src/rest/http.ts';
import { parseNestedParams, splitKey } from '../../src/rest/params.ts';
import { formEncode } from '../helpers/rest.ts';

const parse = (query: string) => parseNestedParams(new URLSearchParams(query));

describe('parseNestedParams', () => {
  it('reads Rails-style nesting, lists by [] and by index', () => {
    expect(splitKey('a[b][]')).toEqual(['a', 'b', '']);
    expect(parse('card[name]=x&card[stamps_required]=3')).toEqual({ card: { name: 'x', stamps_required: '3' } });
    expect(parse('a[]=1&a[]=2')).toEqual({ a: ['1', '2'] });
    expect(parse('c[r][][source]=sq&c[r][][id]=1&c[r][][source]=sh')).toEqual({ c: { r: [{ source: 'sq', id: '1' }, { source: 'sh' }] } });
    expect(parse('c[r][1][source]=b&c[r][0][source]=a')).toEqual({ c: { r: [{ source: 'a' }, { source: 'b' }] } });
    expect(parse('stamps=1&stamps=2')).toEqual({ stamps: '2' });
    expect(parse('x[=1')).toEqual({ 'x[': '1' });
  });

  it('keeps "__proto__" as a plain key', () => {
    const parsed = parse('m[__proto__][polluted]=yes&__proto__[polluted]=yes') as Record<string, unknown>;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.keys(parsed).sort()).toEqual(['__proto__', 'm']);
  });

  it.each(['a=1&a[b]=2', 'a[b]=2&a=1', 'a[]=1&a[b]=2', 'a[1000]=1', 'a[][][]=1', `${'a'}${'[b]'.repeat(8)}=1`])(
    'refuses %s as a 400',
    (query) => {
      let error: unknown;
      try {
        parse(query);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(RestError);
      expect((error as RestError).status).toBe(400);
    },
  );

  it('reads back whatever the Rails-style encoder writes', () => {
    const key = fc.stringMatching(/^[a-z_]{1,6}$/);
    const text = fc.string({ maxLength: 12 });
    const leaf = fc.dictionary(key, text, { minKeys: 1, maxKeys: 3 });
    const value = fc.oneof(
      text,
      leaf,
      fc.array(text, { minLength: 1, maxLength: 3 }),
      fc.array(leaf, { minLength: 1, maxLength: 3 }),
    );
    fc.assert(
      fc.property(fc.dictionary(key, value, { minKeys: 1, maxKeys: 4 }), (params) => {
        expect(parse(formEncode(params))).toEqual(params);
      }),
      { numRuns: 300 },
    );
  });
});
