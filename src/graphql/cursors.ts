import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { formatPrismaCursor, parsePrismaCursor } from '@pothos/plugin-prisma';
import { GraphQLError } from 'graphql';
import { settingOnce } from '../domain/settings.ts';
import type { Db } from '../db/client.ts';

/**
 * Cursors clients see are sealed: 4 bytes of position (a database id) and 12 bytes of an HMAC over
 * the store, the listed model and the position, base64url. A cursor is only ever read back for the
 * store and the kind of list that was given it, so a client cannot name a position in another store,
 * and any cursor it did not receive is refused instead of paging from wherever it points.
 *
 * The key lives in the settings table, so every gateway of one database seals alike and cursors
 * survive restarts.
 */
const KEY_SETTING = 'graphql.cursor_key';
const ID_BYTES = 4;
const MAC_BYTES = 12;
const MAX_DATABASE_ID = 2_147_483_647;

export interface CursorScope {
  storeId: number;
  /** The Prisma model the list holds. */
  model: string;
}

export class CursorSeal {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    this.key = key;
  }

  /** The client's cursor for the plugin's internal one (`GPC:N:<id>`, base64). */
  seal(internal: string, scope: CursorScope): string {
    const id = parsePrismaCursor(internal);
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > MAX_DATABASE_ID) {
      throw new Error(`cannot seal a cursor on ${String(id)}: lists are paged by integer id`);
    }
    return this.sealPosition(id, scope);
  }

  /** The internal cursor a client's cursor stands for; a refusal (BAD_USER_INPUT) for anything else. */
  unseal(cursor: string, scope: CursorScope, argument: string): string {
    return formatPrismaCursor({ id: this.unsealPosition(cursor, scope, argument) }, 'id');
  }

  /**
   * A cursor on a plain position (a store's event sequence number rather than a row id), sealed the
   * same way: the live stream and `Store.events` hand these out.
   */
  sealPosition(position: number, scope: CursorScope): string {
    if (!Number.isInteger(position) || position < 1 || position > MAX_DATABASE_ID) throw new Error(`cannot seal position ${position}`);
    const bytes = Buffer.alloc(ID_BYTES);
    bytes.writeUInt32BE(position);
    return Buffer.concat([bytes, this.mac(bytes, scope)]).toString('base64url');
  }

  /** The position a client's cursor stands for; a refusal (BAD_USER_INPUT) for anything else. */
  unsealPosition(cursor: string, scope: CursorScope, argument: string): number {
    const bytes = /^[A-Za-z0-9_-]{22}$/.test(cursor) ? Buffer.from(cursor, 'base64url') : undefined;
    if (bytes?.length === ID_BYTES + MAC_BYTES) {
      const position = bytes.subarray(0, ID_BYTES);
      const id = position.readUInt32BE();
      if (id >= 1 && id <= MAX_DATABASE_ID && timingSafeEqual(bytes.subarray(ID_BYTES), this.mac(position, scope))) return id;
    }
    throw invalidPageArgument(
      `Argument "${argument}" is not a cursor of this list: pass an \`endCursor\`, \`startCursor\` or edge \`cursor\` it returned`,
    );
  }

  private mac(position: Buffer, { storeId, model }: CursorScope): Buffer {
    return createHmac('sha256', this.key).update(`${storeId}\n${model}\n`).update(position).digest().subarray(0, MAC_BYTES);
  }
}

/** A client mistake in a list's paging arguments; errors that field only. */
export function invalidPageArgument(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** The cursor key of this database, created by whichever gateway starts first. */
export async function loadCursorSeal(db: Db): Promise<CursorSeal> {
  const key = await settingOnce(db, KEY_SETTING, () => randomBytes(32).toString('base64'));
  return new CursorSeal(Buffer.from(key, 'base64'));
}
