import type { Db } from '../db/client.ts';
import { isUniqueViolation } from './idempotency.ts';

/**
 * A setting the gateway makes for itself once per database (a signing key, the development pass
 * signer): the stored value when there is one, else `make()`'s, written unless another process wrote
 * first, in which case that one is every process's value. Gateways starting together on one database
 * race here; the loser's insert fails on the key and it reads the winner's.
 */
export async function settingOnce(db: Db, key: string, make: () => string | Promise<string>): Promise<string> {
  const stored = await db.setting.findUnique({ where: { key } });
  if (stored) return stored.value;
  try {
    await db.setting.create({ data: { key, value: await make() } });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  return (await db.setting.findUniqueOrThrow({ where: { key } })).value;
}
