/**
 * The one family of errors the domain throws. Each carries a stable code, and validation errors name
 * the fields they concern, so GraphQL (`userErrors`) and REST (`{"error", "errors"}`) map them alike.
 */
export const ErrorCode = {
  /** Input breaks a rule; `fields` says which. */
  INVALID: 'INVALID',
  /** The record does not exist for this store (whether it exists elsewhere or not at all). */
  NOT_FOUND: 'NOT_FOUND',
  /** A unique value (email, phone, external reference) is already used in the store. */
  TAKEN: 'TAKEN',
  NOT_ENOUGH_STAMPS: 'NOT_ENOUGH_STAMPS',
  REWARD_INACTIVE: 'REWARD_INACTIVE',
  /** The reward belongs to another card of the same store. */
  REWARD_NOT_ON_CARD: 'REWARD_NOT_ON_CARD',
  CARD_ARCHIVED: 'CARD_ARCHIVED',
  /** The card's `expiresAt` has passed: no stamps, redemptions or new customers. */
  CARD_EXPIRED: 'CARD_EXPIRED',
  ALREADY_ENROLLED: 'ALREADY_ENROLLED',
  /** An idempotency key was used before for another operation or other parameters. */
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  /** The record is still referenced and cannot be deleted. */
  IN_USE: 'IN_USE',
  /** The card's stamp cooldown has not passed since the customer card's last stamp; see `retryAt`. */
  TOO_SOON: 'TOO_SOON',
  /** The stamps would pass the card's most stamps per store-local day; see `retryAt`. */
  DAILY_LIMIT: 'DAILY_LIMIT',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Messages keyed by field name (camelCase, as in domain inputs). */
export type FieldErrors = Record<string, string[]>;

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly fields: FieldErrors;
  /** For a refusal that time lifts (a stamp limit): from when the same request would be taken. */
  readonly retryAt: Date | null;

  constructor(code: ErrorCode, message: string, fields: FieldErrors = {}, retryAt: Date | null = null) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.fields = fields;
    this.retryAt = retryAt;
  }

  /** True when the error means "no such record" rather than "the request breaks a rule". */
  get isNotFound(): boolean {
    return this.code === ErrorCode.NOT_FOUND;
  }
}

export function notFound(what: string): DomainError {
  return new DomainError(ErrorCode.NOT_FOUND, `${what} not found`);
}

export function invalid(fields: FieldErrors, message = 'Validation failed'): DomainError {
  return new DomainError(ErrorCode.INVALID, message, fields);
}

/** Collects field messages while a rule set runs, then throws them all at once. */
export class FieldErrorCollector {
  readonly fields: FieldErrors = {};

  add(field: string, message: string): void {
    (this.fields[field] ??= []).push(message);
  }

  get empty(): boolean {
    return Object.keys(this.fields).length === 0;
  }

  throwIfAny(): void {
    if (!this.empty) throw invalid(this.fields);
  }
}
