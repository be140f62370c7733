/**
 * What an API token may do (docs/graphql.md "Scopes"): `admin` everything (the default, and what
 * every token created before scopes is), `till` the counter's work, `read` nothing but reads.
 */
export const Scope = { ADMIN: 'admin', TILL: 'till', READ: 'read' } as const;
export type Scope = (typeof Scope)[keyof typeof Scope];

export const SCOPES: readonly Scope[] = Object.values(Scope);

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (SCOPES as readonly string[]).includes(value);
}

/** A stored scope; anything unknown counts as the least, so a bad row can never grant more. */
export function scopeOf(stored: string): Scope {
  return isScope(stored) ? stored : Scope.READ;
}
