import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { settingOnce } from '../settings.ts';
import type { Db } from '../../db/client.ts';

/**
 * Signing secrets are stored sealed (AES-256-GCM) under a key the gateway creates on first use and
 * keeps in the `settings` table, so a row of `webhook_subscriptions` read on its own (a log line, a
 * query result, an export of the table) holds no usable secret. The store's id is bound in as
 * associated data: a sealed secret copied onto another store's row does not open there.
 */

const KEY_SETTING = 'webhooks.sealing_key';
const VERSION = 'v1';

const keys = new WeakMap<Db, Promise<Buffer>>();

async function loadKey(db: Db): Promise<Buffer> {
  return Buffer.from(await settingOnce(db, KEY_SETTING, () => randomBytes(32).toString('base64')), 'base64');
}

function sealingKey(db: Db): Promise<Buffer> {
  let key = keys.get(db);
  if (!key) {
    key = loadKey(db);
    // A failed read (database down) is not remembered, so the next call tries again.
    key.catch(() => keys.delete(db));
    keys.set(db, key);
  }
  return key;
}

export async function sealSecret(db: Db, storeId: number, secret: string): Promise<string> {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', await sealingKey(db), iv);
  cipher.setAAD(Buffer.from(String(storeId)));
  const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), sealed.toString('base64url')].join('.');
}

export async function openSecret(db: Db, storeId: number, sealed: string): Promise<string> {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || !body) throw new Error('webhook secret: unknown sealing format');
  const decipher = createDecipheriv('aes-256-gcm', await sealingKey(db), Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(String(storeId)));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}

/** A new Standard Webhooks secret: `whsec_` and 24 random bytes in base64. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}
