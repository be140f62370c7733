import { DomainError } from '../domain/errors.ts';
import { type NotFoundFields, toUserErrors, type UserErrorShape } from './errors.ts';

export type Payload<T> = Partial<T> & { userErrors: UserErrorShape[] };

/**
 * Runs a mutation's work; a domain refusal becomes `userErrors` (the services change nothing when
 * they throw). Anything else propagates and is masked.
 */
export async function userErrorsFrom<T extends object>(
  work: () => Promise<T>,
  notFoundFields: NotFoundFields = {},
): Promise<Payload<T>> {
  try {
    return { ...(await work()), userErrors: [] };
  } catch (error) {
    if (error instanceof DomainError) return { userErrors: toUserErrors(error, notFoundFields) } as Payload<T>;
    throw error;
  }
}

/**
 * Re-reads the record a mutation wrote, with the selection of the request (so nested fields load in
 * the same statements); null when the mutation refused its input.
 */
export function reread<Query extends object, Result>(
  query: Query,
  id: number | undefined,
  load: (args: Query & { where: { id: number } }) => Result,
): Result | null {
  // Spreading reads the selection, which tells Pothos it was used even when nothing is loaded.
  const args = { ...query, where: { id: id ?? 0 } };
  return id === undefined ? null : load(args);
}
