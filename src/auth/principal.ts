import { type Scope } from './scopes.ts';

/**
 * Who is acting. Transports find out (a bearer token, a customer page's card code, a poster's
 * sign-up form); the policy (policy.ts) decides what each may do; the ledger and the audit log
 * record it.
 */
export type Principal =
  /** A store's API token, limited by its scope. */
  | { kind: 'TOKEN'; tokenId: number; scope: Scope; name: string }
  /** A customer page or wallet pass: holds one customer card's code, and may read and watch that card. */
  | { kind: 'CARD_HOLDER'; customerCardId: number }
  /** A poster's public sign-up form: may enrol a new customer on the poster's card. */
  | { kind: 'SIGNUP'; posterId: number; cardId: number }
  /** The gateway itself: the demo seed, jobs, administrative commands. */
  | { kind: 'SYSTEM' };

export type PrincipalKind = Principal['kind'];

/** The system principal; one value, so comparisons and logs stay simple. */
export const SYSTEM: Principal = Object.freeze({ kind: 'SYSTEM' });

/** How an actor is written down on a ledger entry or an audit entry. */
export interface ActorRecord {
  actorKind: PrincipalKind;
  actorTokenId: number | null;
  actorName: string;
}

/** The name people see for a principal ("Front counter", "Customer page", ...). */
export function principalName(principal: Principal): string {
  switch (principal.kind) {
    case 'TOKEN':
      return principal.name;
    case 'CARD_HOLDER':
      return 'Customer page';
    case 'SIGNUP':
      return `Poster ${principal.posterId} sign-up`;
    case 'SYSTEM':
      return 'Stampline';
  }
}

export function actorRecord(principal: Principal): ActorRecord {
  return {
    actorKind: principal.kind,
    actorTokenId: principal.kind === 'TOKEN' ? principal.tokenId : null,
    actorName: principalName(principal),
  };
}

/** The name of a token without a name of its own: its public prefix, which the token list shows too. */
export function tokenDisplayName(token: { name: string | null; prefix: string }): string {
  return token.name ?? `API token ${token.prefix}…`;
}
