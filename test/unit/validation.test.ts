import { describe, expect, it } from 'vitest';
import { DomainError, ErrorCode, FieldErrorCollector, invalid, notFound } from '../../src/domain/errors.ts';
import {
  checkColor,
  checkIdInput,
  checkInteger,
  checkOneOf,
  checkText,
  inspectJson,
  MAX_JSON_DEPTH,
  definedOnly,
  HEX_COLOR,
  isDatabaseId,
  MAX_DATABASE_ID,
  pickKnown,
  SLUG,
} from '../../src/domain/validation.ts';

function run(check: (errors: FieldErrorCollector) => boolean): { ok: boolean; fields: Record<string, string[]> } {
  const errors = new FieldErrorCollector();
  const ok = check(errors);
  return { ok, fields: errors.fields };
}

describe('checkInteger', () => {
  it.each([1, 5, 18])('accepts %s within 1..18', (value) => {
    expect(run((e) => checkInteger(e, 'n', value, 1, 18))).toEqual({ ok: true, fields: {} });
  });

  it.each([
    [0, 'must be greater than or equal to 1'],
    [-3, 'must be greater than or equal to 1'],
    [19, 'must be less than or equal to 18'],
    [1.5, 'must be an integer'],
    [Number.NaN, 'must be an integer'],
    [Number.POSITIVE_INFINITY, 'must be an integer'],
    ['3', 'must be an integer'],
    [null, 'must be an integer'],
    [undefined, 'must be an integer'],
  ])('refuses %s: %s', (value, message) => {
    expect(run((e) => checkInteger(e, 'n', value, 1, 18))).toEqual({ ok: false, fields: { n: [message] } });
  });
});

describe('checkText', () => {
  it('accepts a missing optional value and refuses a missing required one', () => {
    expect(run((e) => checkText(e, 'f', undefined))).toEqual({ ok: true, fields: {} });
    expect(run((e) => checkText(e, 'f', null))).toEqual({ ok: true, fields: {} });
    expect(run((e) => checkText(e, 'f', undefined, { required: true }))).toEqual({ ok: false, fields: { f: ["can't be blank"] } });
    expect(run((e) => checkText(e, 'f', null, { required: true }))).toEqual({ ok: false, fields: { f: ["can't be blank"] } });
  });

  it('treats whitespace as blank only when required', () => {
    expect(run((e) => checkText(e, 'f', '   ', { required: true })).fields).toEqual({ f: ["can't be blank"] });
    expect(run((e) => checkText(e, 'f', '   ')).ok).toBe(true);
  });

  it('refuses non-strings and values over the maximum length', () => {
    expect(run((e) => checkText(e, 'f', 42)).fields).toEqual({ f: ['must be a string'] });
    expect(run((e) => checkText(e, 'f', 'x'.repeat(5), { max: 5 })).ok).toBe(true);
    expect(run((e) => checkText(e, 'f', 'x'.repeat(6), { max: 5 })).fields).toEqual({
      f: ['is too long (maximum is 5 characters)'],
    });
    expect(run((e) => checkText(e, 'f', 'x'.repeat(256))).fields.f).toEqual(['is too long (maximum is 255 characters)']);
  });
});

describe('checkColor', () => {
  it.each(['#6B4226', '#ffffff', '#000000', '#aBcDeF'])('accepts %s', (value) => {
    expect(run((e) => checkColor(e, 'c', value)).ok).toBe(true);
    expect(HEX_COLOR.test(value)).toBe(true);
  });

  it.each(['6B4226', '#6B422', '#6B42260', '#GGGGGG', '#fff', 'red', ' #6B4226', '#6B4226 ', 6, ''])('refuses %s', (value) => {
    expect(run((e) => checkColor(e, 'c', value))).toEqual({ ok: false, fields: { c: ['must be a hex colour like #6B4226'] } });
  });

  it('lets an optional colour be missing but not a required one', () => {
    expect(run((e) => checkColor(e, 'c', null)).ok).toBe(true);
    expect(run((e) => checkColor(e, 'c', undefined)).ok).toBe(true);
    expect(run((e) => checkColor(e, 'c', null, { required: true }))).toEqual({ ok: false, fields: { c: ["can't be blank"] } });
  });
});

describe('checkOneOf', () => {
  const allowed = ['color', 'image', 'preset'] as const;
  it('accepts a listed value and names the allowed ones otherwise', () => {
    expect(run((e) => checkOneOf(e, 's', 'image', allowed)).ok).toBe(true);
    for (const value of ['Color', 'gradient', '', null, 1]) {
      expect(run((e) => checkOneOf(e, 's', value, allowed)).fields).toEqual({ s: ['must be one of: color, image, preset'] });
    }
  });
});

describe('SLUG', () => {
  it.each(['coffee', 'star', 'my_pos', 'hair-cut', '9lives', 'a'])('accepts %s', (value) => expect(SLUG.test(value)).toBe(true));
  it.each(['Coffee', '', '_x', '-x', 'with space', 'x'.repeat(33), 'café'])('refuses %s', (value) => expect(SLUG.test(value)).toBe(false));
});

describe('ids', () => {
  it('isDatabaseId accepts positive 4-byte integers only', () => {
    for (const value of [1, 42, MAX_DATABASE_ID]) expect(isDatabaseId(value)).toBe(true);
    for (const value of [0, -1, 1.5, Number.NaN, MAX_DATABASE_ID + 1, '7', null, undefined]) expect(isDatabaseId(value)).toBe(false);
  });

  it('checkIdInput reports a missing or non-integer id on its field', () => {
    expect(run((e) => checkIdInput(e, 'cardId', 7)).ok).toBe(true);
    expect(run((e) => checkIdInput(e, 'cardId', undefined)).fields).toEqual({ cardId: ["can't be blank"] });
    expect(run((e) => checkIdInput(e, 'cardId', null)).fields).toEqual({ cardId: ["can't be blank"] });
    expect(run((e) => checkIdInput(e, 'cardId', '7')).fields).toEqual({ cardId: ['must be an integer'] });
    expect(run((e) => checkIdInput(e, 'cardId', 1.5)).fields).toEqual({ cardId: ['must be an integer'] });
  });
});

describe('object helpers', () => {
  it('definedOnly drops undefined but keeps null, false, 0 and ""', () => {
    expect(definedOnly({ a: undefined, b: null, c: false, d: 0, e: '' })).toEqual({ b: null, c: false, d: 0, e: '' });
  });

  it('pickKnown keeps only the listed own keys', () => {
    const input = { name: 'x', storeId: 99, id: 1 } as { name: string; storeId?: number; id?: number };
    expect(pickKnown(input, ['name'])).toEqual({ name: 'x' });
    expect(pickKnown({} as { name?: string }, ['name'])).toEqual({});
  });
});

describe('errors', () => {
  it('collects several messages per field and throws them as one INVALID error', () => {
    const errors = new FieldErrorCollector();
    expect(errors.empty).toBe(true);
    expect(() => errors.throwIfAny()).not.toThrow();
    errors.add('name', "can't be blank");
    errors.add('name', 'is too short');
    errors.add('stamps', 'must be an integer');
    let thrown: unknown;
    try {
      errors.throwIfAny();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect(thrown).toMatchObject({
      code: ErrorCode.INVALID,
      fields: { name: ["can't be blank", 'is too short'], stamps: ['must be an integer'] },
    });
  });

  it('gives every error a stable code, and NOT_FOUND says what was not found', () => {
    const missing = notFound('Card');
    expect(missing).toMatchObject({ code: 'NOT_FOUND', message: 'Card not found', fields: {}, isNotFound: true });
    expect(missing).toBeInstanceOf(Error);
    expect(invalid({ x: ['bad'] })).toMatchObject({ code: 'INVALID', isNotFound: false, fields: { x: ['bad'] } });
    expect(Object.values(ErrorCode).every((code) => /^[A-Z_]+$/.test(code))).toBe(true);
  });
});

describe('NUL characters', () => {
  it('checkText refuses text with NUL, which PostgreSQL cannot store', () => {
    expect(run((e) => checkText(e, 'name', 'a\u0000b'))).toEqual({ ok: false, fields: { name: ['must not contain NUL characters'] } });
  });

  it.each([
    [{ k: 'v' }, 'ok'],
    [{ 'k\u0000': 'v' }, 'nul'],
    [{ k: ['a', { deep: 'x\u0000' }] }, 'nul'],
    ['plain', 'ok'],
    [42, 'ok'],
  ])('inspectJson(%j) is %s', (value, expected) => {
    expect(inspectJson(value)).toBe(expected);
  });
});

/** `{"a": {"a": … {}}}`, `levels` objects deep, built without recursion. */
function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

describe('inspectJson depth', () => {
  it('accepts MAX_JSON_DEPTH levels and refuses one more', () => {
    expect(inspectJson(nested(MAX_JSON_DEPTH))).toBe('ok');
    expect(inspectJson(nested(MAX_JSON_DEPTH + 1))).toBe('deep');
  });

  it('walks a value nested a million levels deep without overflowing the stack', () => {
    expect(inspectJson(nested(1_000_000))).toBe('deep');
  });

  it('stops at an absurd number of members', () => {
    expect(inspectJson(Array.from({ length: 200_000 }, () => 1))).toBe('large');
  });
});
