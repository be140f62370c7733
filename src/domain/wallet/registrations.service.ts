import type { Db, Tx } from '../../db/client.ts';
import { isUniqueViolation } from '../idempotency.ts';
import { PASS_CARD_INCLUDE, passCardVersion } from './pass-card.service.ts';
import { parseUpdatedTag, updatedTag } from './pass-version.rules.ts';

/**
 * Devices registered for pass updates (Apple's PassKit web service). `CustomerCard.passInstalled`
 * mirrors "at least one registration"; every change to a card's registrations first locks the card
 * row, so racing registrations and unregistrations of one card cannot leave the flag wrong.
 */

// Apple's identifiers are hex strings; the cap keeps junk out of the table and the APNs request path.
const DEVICE_ID = /^[A-Za-z0-9._-]{1,128}$/;
const PUSH_TOKEN = /^[0-9A-Fa-f]{8,200}$/;

export function isDeviceLibraryIdentifier(value: string): boolean {
  return DEVICE_ID.test(value);
}

export function isPushToken(value: unknown): value is string {
  return typeof value === 'string' && PUSH_TOKEN.test(value);
}

/**
 * Registers a device for a card's pass updates, or refreshes its push token. Returns whether the
 * registration is new (Apple expects 201) or existed (200).
 */
export async function registerDevice(
  db: Db,
  input: { customerCardId: number; deviceLibraryIdentifier: string; pushToken: string },
): Promise<'created' | 'existing'> {
  const { customerCardId, deviceLibraryIdentifier, pushToken } = input;
  try {
    return await db.$transaction(async (tx) => {
      await lockCard(tx, customerCardId);
      const key = { deviceLibraryIdentifier_customerCardId: { deviceLibraryIdentifier, customerCardId } };
      const existing = await tx.passRegistration.findUnique({ where: key });
      if (existing) {
        // Written even when unchanged: `updatedAt` marks the registration as renewed (see removePushToken).
        await tx.passRegistration.update({ where: key, data: { pushToken } });
      } else {
        await tx.passRegistration.create({ data: { customerCardId, deviceLibraryIdentifier, pushToken } });
      }
      await refreshPassInstalled(tx, customerCardId);
      return existing ? 'existing' : 'created';
    });
  } catch (error) {
    // The same device registering twice at once: the other call created it.
    if (isUniqueViolation(error)) return 'existing';
    throw error;
  }
}

/** Removes a device's registration for a card; unknown registrations are no error. */
export async function unregisterDevice(
  db: Db,
  input: { customerCardId: number; deviceLibraryIdentifier: string },
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    await lockCard(tx, input.customerCardId);
    const removed = await tx.passRegistration.deleteMany({ where: input });
    await refreshPassInstalled(tx, input.customerCardId);
    return removed.count > 0;
  });
}

/**
 * The serial numbers (card uuids) registered by a device that changed after `passesUpdatedSince`, with
 * the tag to send next time; undefined when none did. A missing or foreign tag lists them all.
 */
export async function listUpdatedSerials(
  db: Db,
  deviceLibraryIdentifier: string,
  passesUpdatedSince: string | null | undefined,
): Promise<{ serialNumbers: string[]; lastUpdated: string } | undefined> {
  const registrations = await db.passRegistration.findMany({
    where: { deviceLibraryIdentifier },
    include: { customerCard: { include: PASS_CARD_INCLUDE } },
    orderBy: { id: 'asc' },
  });
  const since = parseUpdatedTag(passesUpdatedSince);
  const versions = registrations.map((r) => ({ serial: r.customerCard.uuid, version: passCardVersion(r.customerCard) }));
  const changed = versions.filter((v) => since === undefined || v.version.getTime() > since);
  if (changed.length === 0) return undefined;
  return { serialNumbers: changed.map((v) => v.serial), lastUpdated: updatedTag(versions.map((v) => v.version)) };
}

/** The push tokens registered for a card, one per device. */
export async function pushTokensOf(db: Db, customerCardId: number): Promise<string[]> {
  const rows = await db.passRegistration.findMany({ where: { customerCardId }, select: { pushToken: true }, orderBy: { id: 'asc' } });
  return [...new Set(rows.map((r) => r.pushToken))];
}

/** One entry per device holding any pass of a card, with one of its passes on that device. */
export async function cardPushTokens(db: Db, cardId: number): Promise<{ customerCardId: number; pushToken: string }[]> {
  const rows = await db.passRegistration.findMany({
    where: { customerCard: { cardId } },
    select: { customerCardId: true, pushToken: true },
    orderBy: { id: 'asc' },
  });
  const byToken = new Map<string, number>();
  for (const row of rows) if (!byToken.has(row.pushToken)) byToken.set(row.pushToken, row.customerCardId);
  return [...byToken].map(([pushToken, customerCardId]) => ({ customerCardId, pushToken }));
}

/**
 * Forgets a push token APNs reported as no longer valid. With APNs' timestamp, registrations renewed
 * after it (the device came back) are kept.
 */
export async function removePushToken(db: Db, pushToken: string, invalidSince?: Date): Promise<number> {
  const where = { pushToken, ...(invalidSince ? { updatedAt: { lte: invalidSince } } : {}) };
  const cards = await db.passRegistration.findMany({ where, select: { customerCardId: true }, distinct: ['customerCardId'] });
  let removed = 0;
  for (const { customerCardId } of cards) {
    removed += await db.$transaction(async (tx) => {
      await lockCard(tx, customerCardId);
      const result = await tx.passRegistration.deleteMany({ where: { ...where, customerCardId } });
      await refreshPassInstalled(tx, customerCardId);
      return result.count;
    });
  }
  return removed;
}

// Raw statements on purpose: they leave `updatedAt` alone, so a registration does not look like a
// change of the pass to the devices that hold it.
async function lockCard(tx: Tx, customerCardId: number): Promise<void> {
  await tx.$executeRaw`UPDATE customer_cards SET pass_installed = pass_installed WHERE id = ${customerCardId}`;
}

async function refreshPassInstalled(tx: Tx, customerCardId: number): Promise<void> {
  await tx.$executeRaw`UPDATE customer_cards SET pass_installed = EXISTS (SELECT 1 FROM pass_registrations WHERE customer_card_id = ${customerCardId}) WHERE id = ${customerCardId}`;
}
