import { describe, expect, it } from 'vitest';
import {
  type CustomerDetails,
  isPlainObject,
  isValidDate,
  MAX_EXTERNAL_REFERENCES,
  normalizeEmail,
  normalizePhone,
  searchTextOf,
  validateDetails,
  validateExternalReferences,
  validateMetadata,
} from '../../src/domain/customers/customer.rules.ts';
import { FieldErrorCollector } from '../../src/domain/errors.ts';

const ada: CustomerDetails = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', phone: null, birthday: null };
const EVERYTHING = new Set(['firstName', 'lastName', 'email', 'phone', 'birthday']);

function detailErrors(changes: Partial<Record<keyof CustomerDetails, unknown>>, touched: Iterable<string> = EVERYTHING) {
  const errors = new FieldErrorCollector();
  validateDetails({ ...ada, ...changes } as CustomerDetails, errors, new Set(touched));
  return errors.fields;
}

describe('normalisation', () => {
  it('compares emails case-insensitively and without surrounding spaces', () => {
    expect(normalizeEmail('Ada@Example.com')).toBe('ada@example.com');
    expect(normalizeEmail('  ADA@EXAMPLE.COM ')).toBe('ada@example.com');
    expect(normalizeEmail('Ada@Example.com')).toBe(normalizeEmail('ada@example.com'));
  });

  it('compares phones by their digits and leading +', () => {
    expect(normalizePhone('+44 20 7946 0000')).toBe('+442079460000');
    expect(normalizePhone('+44 (20) 7946-0000')).toBe('+442079460000');
    expect(normalizePhone(' 020.7946.0000 ')).toBe('02079460000');
    expect(normalizePhone('+44 20 7946 0000')).toBe(normalizePhone('+442079460000'));
  });

  it('builds lower-cased search text from name, email and phone', () => {
    expect(searchTextOf({ ...ada, phone: '+442079460000' })).toBe('ada lovelace ada@example.com +442079460000');
    expect(searchTextOf({ firstName: 'ÉMILE', lastName: null, email: null, phone: '123456', birthday: '1990-01-01' })).toBe('émile 123456');
  });
});

describe('isValidDate', () => {
  it.each(['1990-01-31', '2000-02-29', '2024-02-29', '1815-12-10'])('accepts %s', (date) => expect(isValidDate(date)).toBe(true));
  it.each(['1990-02-30', '1900-02-29', '2023-02-29', '1990-13-01', '1990-00-10', '1990-1-1', '01-01-1990', '1990/01/01', '', '1990-01-01T00:00:00Z'])(
    'refuses %s',
    (date) => expect(isValidDate(date)).toBe(false),
  );
});

describe('validateDetails', () => {
  it('accepts a complete, valid customer', () => {
    expect(detailErrors({ phone: '+442079460000', birthday: '1815-12-10' })).toEqual({});
  });

  it('requires a first name', () => {
    expect(detailErrors({ firstName: '' })).toEqual({ firstName: ["can't be blank"] });
    expect(detailErrors({ firstName: '  ' })).toEqual({ firstName: ["can't be blank"] });
    expect(detailErrors({ firstName: null })).toEqual({ firstName: ["can't be blank"] });
    expect(detailErrors({ firstName: 'x'.repeat(101) })).toEqual({ firstName: ['is too long (maximum is 100 characters)'] });
    expect(detailErrors({ lastName: 'x'.repeat(101) })).toEqual({ lastName: ['is too long (maximum is 100 characters)'] });
  });

  it('requires an email or a phone, on base', () => {
    expect(detailErrors({ email: null, phone: null })).toEqual({ base: ['an email or a phone is required'] });
    expect(detailErrors({ email: null, phone: '+442079460000' })).toEqual({});
    // An update that touches neither keeps whatever the customer has.
    expect(detailErrors({ email: null, phone: null }, ['firstName'])).toEqual({});
  });

  it.each(['ada', 'ada@', '@example.com', 'ada@example', 'a da@example.com', `${'a'.repeat(250)}@example.com`, 42, ['ada@example.com']])(
    'refuses the email %j',
    (email) => {
      expect(detailErrors({ email })).toEqual({ email: ['is not a valid email address'] });
    },
  );

  it.each(['12345', '+1234567890123456', 'phone', '+44 20 7946 0000', '44-20', 442079460000, ['+442079460000']])(
    'refuses the phone %j (checked after normalisation)',
    (phone) => {
      expect(detailErrors({ email: null, phone })).toEqual({ phone: ['is not a valid phone number, such as +44 20 7946 0000'] });
    },
  );

  it.each(['123456', '+442079460000', '442079460000', '+123456789012345'])('accepts the phone %s', (phone) => {
    expect(detailErrors({ phone })).toEqual({});
  });

  it('accepts a past birthday and refuses an invalid or future one', () => {
    expect(detailErrors({ birthday: '2000-02-29' })).toEqual({});
    expect(detailErrors({ birthday: '2001-02-29' })).toEqual({ birthday: ['must be a date in YYYY-MM-DD format'] });
    expect(detailErrors({ birthday: '10/12/1815' })).toEqual({ birthday: ['must be a date in YYYY-MM-DD format'] });
    expect(detailErrors({ birthday: 19901231 })).toEqual({ birthday: ['must be a date in YYYY-MM-DD format'] });
    expect(detailErrors({ birthday: '2999-01-01' })).toEqual({ birthday: ['cannot be in the future'] });
  });

  it('checks only the touched fields', () => {
    expect(detailErrors({ email: 'broken', birthday: 'never' }, ['firstName'])).toEqual({});
  });
});

describe('validateMetadata', () => {
  function metadataErrors(metadata: unknown) {
    const errors = new FieldErrorCollector();
    validateMetadata(metadata, errors);
    return errors.fields;
  }

  it('accepts a missing value or any JSON object', () => {
    expect(metadataErrors(undefined)).toEqual({});
    expect(metadataErrors({})).toEqual({});
    expect(metadataErrors({ tier: 'gold', visits: 3, nested: { a: [1, 2] }, none: null })).toEqual({});
  });

  it.each([null, [], ['a'], 'gold', 3, true])('refuses %j', (metadata) => {
    expect(metadataErrors(metadata)).toEqual({ metadata: ['must be an object'] });
  });

  it('refuses more than 16 KiB', () => {
    expect(metadataErrors({ blob: 'x'.repeat(16_000) })).toEqual({});
    expect(metadataErrors({ blob: 'x'.repeat(17_000) })).toEqual({ metadata: ['is too large (maximum is 16384 bytes)'] });
  });

  it('isPlainObject excludes arrays and null', () => {
    expect(isPlainObject({})).toBe(true);
    expect(isPlainObject([])).toBe(false);
    expect(isPlainObject(null)).toBe(false);
  });
});

describe('validateExternalReferences', () => {
  function referenceErrors(refs: unknown) {
    const errors = new FieldErrorCollector();
    const ok = validateExternalReferences(refs, errors);
    return { ok, fields: errors.fields };
  }

  it('accepts none, an empty list, and well-formed items', () => {
    expect(referenceErrors(undefined)).toEqual({ ok: true, fields: {} });
    expect(referenceErrors([])).toEqual({ ok: true, fields: {} });
    expect(
      referenceErrors([
        { source: 'square', externalId: 'CUST-1' },
        { source: 'my_pos', externalId: '42', metadata: { till: 3 } },
      ]),
    ).toEqual({ ok: true, fields: {} });
  });

  it('refuses a value that is not a list, and too many items', () => {
    expect(referenceErrors({ source: 'square', externalId: '1' })).toEqual({ ok: false, fields: { externalReferences: ['must be a list'] } });
    const many = Array.from({ length: MAX_EXTERNAL_REFERENCES + 1 }, (_, i) => ({ source: 'square', externalId: String(i) }));
    expect(referenceErrors(many)).toEqual({ ok: false, fields: { externalReferences: ['has too many items (maximum is 20)'] } });
  });

  it('names the item and what is wrong with it', () => {
    expect(
      referenceErrors([
        { source: 'square', externalId: 'ok' },
        'square:1',
        { source: 'Square', externalId: '' },
        { source: 'shopify', externalId: 'x'.repeat(256), metadata: [] },
        { externalId: 'no-source' },
      ]),
    ).toEqual({
      ok: false,
      fields: {
        externalReferences: [
          'item 2 must be an object',
          'item 3: source must be a lowercase slug such as "square"',
          'item 3: external id must be 1 to 255 characters',
          'item 4: external id must be 1 to 255 characters',
          'item 4: metadata must be an object',
          'item 5: source must be a lowercase slug such as "square"',
        ],
      },
    });
  });
});
