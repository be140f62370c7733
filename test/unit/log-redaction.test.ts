import { describe, expect, it } from 'vitest';
import { redact } from '../../src/log-redaction.ts';

describe('redact', () => {
  it.each([
    ['Authorization: Bearer sl_abcdefghijklmnop', 'Authorization: Bearer [redacted]'],
    ['authorization: ApplePass Zm9vYmFyYmF6cXV4cXV1eA', 'authorization: ApplePass [redacted]'],
    ['token sl_Q2FyZDoxMjM0NTY3ODkw-_x leaked', 'token sl_[redacted] leaked'],
    ['secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2La+/w="', 'secret: "whsec_[redacted]"'],
    ['push to 3f2a9c1b7e6d5a4f3e2d1c0b9a8f7e6d5c4b3a291807f6e5d4c3b2a190817263', 'push to [redacted]'],
    ['where: { email: "ada.lovelace+cafe@example.co.uk" }', 'where: { email: "[email]" }'],
    ['phone +1 (555) 123-4567 and +447700900123', 'phone [phone] and [phone]'],
    ['call 555-123-4567 or 555 123 4567', 'call [phone] or [phone]'],
    ['stored 5551234567', 'stored [phone]'],
  ])('masks %j', (line, expected) => {
    expect(redact(line)).toBe(expected);
  });

  it.each([
    'Stampline listening on http://127.0.0.1:4000 (GraphQL http://127.0.0.1:4000/graphql)',
    'stamp feed stopped at 2026-11-22T06:35:00.000Z after 12 events',
    'customer card 1234 of account 42',
    'wallet: Google Wallet links are issued by wallet@shop-123.iam.gserviceaccount.com (issuer 3388000000022222228)',
  ])('leaves %j readable', (line) => {
    const kept = redact(line);
    if (line.includes('issuer')) expect(kept).toContain('wallet@shop-123.iam.gserviceaccount.com');
    else expect(kept).toBe(line);
  });
});
