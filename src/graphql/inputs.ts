/**
 * GraphQL lets a client send null for any optional input field. The services check such values
 * themselves (null where a value is required is refused with a field message, as REST refuses it), so
 * nulls are passed through, not dropped; only the static type is widened here.
 */
export function domainInput<T>(input: { [K in keyof T]?: T[K] | null }): T {
  return input as T;
}
