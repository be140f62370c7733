import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';

/** The types a global id can name. */
export const NODE_TYPES = ['Store', 'Card', 'Reward', 'Customer', 'CustomerCard', 'LedgerEntry', 'Redemption', 'WebhookSubscription', 'ApiToken', 'AuditLogEntry'] as const;
export type NodeType = (typeof NODE_TYPES)[number];

// Database ids are 32-bit on PostgreSQL; a larger number would fail in the driver instead of "not found".
const MAX_DATABASE_ID = 2_147_483_647;

export interface ParsedGlobalId {
  typename: NodeType;
  id: number;
}

/** The type and database id a global id names, or undefined when it names nothing we serve. */
export function parseGlobalId(globalId: string): ParsedGlobalId | undefined {
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeGlobalID(globalId);
  } catch {
    return undefined;
  }
  if (!(NODE_TYPES as readonly string[]).includes(decoded.typename)) return undefined;
  if (!/^[1-9][0-9]{0,9}$/.test(decoded.id)) return undefined;
  const id = Number(decoded.id);
  if (id > MAX_DATABASE_ID) return undefined;
  return { typename: decoded.typename as NodeType, id };
}

/** The database id of `globalId` when it names a `typename`; undefined otherwise. */
export function databaseIdOf(typename: NodeType, globalId: string): number | undefined {
  const parsed = parseGlobalId(globalId);
  return parsed?.typename === typename ? parsed.id : undefined;
}

export function globalIdOf(typename: NodeType, id: number): string {
  return encodeGlobalID(typename, id);
}
