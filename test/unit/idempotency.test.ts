import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.ts';
import {
  canonicalJson,
  checkIdempotencyKey,
  fingerprint,
  isUniqueViolation,
  MAX_IDEMPOTENCY_KEY_LENGTH,
} from '../../src/domain/idempotency.ts';

describe('fingerprint', () => {
  it('is the same for the same parameters in any key order, at any depth', () => {
    const a = { cardId: 3, input: { firstName: 'Ada', email: 'ada@example.com', metadata: { b: 1, a: 2 } } };
    const b = { input: { metadata: { a: 2, b: 1 }, email: 'ada@example.com', firstName: 'Ada' }, cardId: 3 };
    expect(fingerprint(a)).toBe(fingerprint(b));
    expect(canonicalJson(b)).toBe('{"cardId":3,"input":{"email":"ada@example.com","firstName":"Ada","metadata":{"a":2,"b":1}}}');
  });

  it('differs when a value, a key or the order of a list differs', () => {
    const base = fingerprint({ stamps: 1, customerCardId: 7 });
    expect(fingerprint({ stamps: 2, customerCardId: 7 })).not.toBe(base);
    expect(fingerprint({ stamps: 1, customerCardId: 8 })).not.toBe(base);
    expect(fingerprint({ stamps: 1, customerCardId: 7, extra: true })).not.toBe(base);
    expect(fingerprint({ stamps: '1', customerCardId: 7 })).not.toBe(base);
    expect(fingerprint([1, 2])).not.toBe(fingerprint([2, 1]));
    expect(fingerprint({ email: null })).not.toBe(fingerprint({}));
  });

  it('ignores undefined members, as a JSON body would', () => {
    expect(fingerprint({ a: 1, b: undefined })).toBe(fingerprint({ a: 1 }));
  });

  it('is a SHA-256 hex digest', () => {
    expect(fingerprint({})).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprint(undefined)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('checkIdempotencyKey', () => {
  it('passes a missing key through as undefined', () => {
    expect(checkIdempotencyKey(undefined)).toBeUndefined();
    expect(checkIdempotencyKey(null)).toBeUndefined();
  });

  it('accepts 1 to 255 characters', () => {
    expect(checkIdempotencyKey('k')).toBe('k');
    expect(checkIdempotencyKey('k'.repeat(MAX_IDEMPOTENCY_KEY_LENGTH))).toHaveLength(255);
  });

  it.each(['', 'k'.repeat(256), 42 as unknown as string])('refuses %j on idempotencyKey', (key) => {
    let thrown: unknown;
    try {
      checkIdempotencyKey(key);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect(thrown).toMatchObject({ code: 'INVALID', fields: { idempotencyKey: ['must be 1 to 255 characters'] } });
  });
});

describe('isUniqueViolation', () => {
  it('recognises Prisma P2002 only', () => {
    expect(isUniqueViolation({ code: 'P2002' })).toBe(true);
    expect(isUniqueViolation({ code: 'P2003' })).toBe(false);
    expect(isUniqueViolation(new Error('P2002'))).toBe(false);
    expect(isUniqueViolation(null)).toBe(false);
    expect(isUniqueViolation('P2002')).toBe(false);
  });
});
