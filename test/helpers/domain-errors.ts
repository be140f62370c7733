import { expect } from 'vitest';
import { DomainError } from '../../src/domain/errors.ts';

/** Awaits `promise`, expecting a DomainError with `code` (and a message for `field` when given). */
export async function expectDomainError(promise: Promise<unknown>, code: string, field?: string): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe(code);
  if (field) expect(Object.keys((error as DomainError).fields)).toContain(field);
  return error as DomainError;
}
