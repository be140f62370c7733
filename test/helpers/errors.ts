import { expect } from 'vitest';
import { DomainError, type FieldErrors } from '../../src/domain/errors.ts';

/** The error `run` throws (sync or async), or undefined when it does not throw. */
export async function caught(run: Promise<unknown> | (() => unknown)): Promise<unknown> {
  try {
    await (typeof run === 'function' ? run() : run);
  } catch (error) {
    return error;
  }
  return undefined;
}

/**
 * Asserts that `run` fails with a DomainError of `code` that names exactly `fields` (when given), and
 * returns it for further checks.
 */
export async function expectDomainError(
  run: Promise<unknown> | (() => unknown),
  code: string,
  fields?: string[],
): Promise<DomainError> {
  const error = await caught(run);
  expect(error, `expected a DomainError ${code}`).toBeInstanceOf(DomainError);
  const domain = error as DomainError;
  expect({ code: domain.code, fields: domain.fields }).toMatchObject({ code });
  if (fields) expect(Object.keys(domain.fields).sort()).toEqual([...fields].sort());
  return domain;
}

/** The field messages of a synchronous rule check that throws a DomainError, or {} when it passes. */
export function fieldErrorsOf(check: () => void): FieldErrors {
  try {
    check();
  } catch (error) {
    if (error instanceof DomainError) return error.fields;
    throw error;
  }
  return {};
}
