import type { Provider, Tx } from '../db/client.ts';
import { notFound } from './errors.ts';

/** The tables whose rows admins change under the audit log. */
export type AuditedTable = 'stores' | 'cards' | 'rewards' | 'locations' | 'posters' | 'webhook_subscriptions';

/**
 * The row an audited update or delete replaces, read inside the change's transaction and, on
 * PostgreSQL, locked until it commits: the audit entry's "before" is then exactly what this change
 * replaced, even when two admins change the same row at once (read before the transaction, both
 * entries would name the same "before" and the log would skip a change). SQLite runs one write
 * transaction at a time, so the read alone is current there. Gone meanwhile: not found, as a moment later.
 */
export async function rowBeforeChange<T>(
  tx: Tx,
  provider: Provider,
  table: AuditedTable,
  id: number,
  what: string,
  read: () => Promise<T | null>,
  change: 'update' | 'delete' = 'update',
): Promise<T> {
  // An update takes the lock its own UPDATE would (it changes no key), so rows that refer to this one
  // (a new customer card on a card, a delivery of a subscription) are still inserted meanwhile.
  const lock = change === 'delete' ? 'FOR UPDATE' : 'FOR NO KEY UPDATE';
  if (provider === 'postgresql') await tx.$queryRawUnsafe(`SELECT 1 FROM "${table}" WHERE "id" = $1 ${lock}`, id);
  const row = await read();
  if (row === null) throw notFound(what);
  return row;
}
