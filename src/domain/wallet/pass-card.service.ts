import { createHash, timingSafeEqual } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import type { Prisma } from '../../generated/sqlite/client.ts';
import { passVersion } from './pass-version.rules.ts';

/**
 * A customer card as its wallet pass sees it. Pass holders are not store actors: the card's uuid (in
 * the pass URL) finds it and the per-card pass token (Apple's authenticationToken) proves the caller
 * holds the pass.
 */

export const PASS_CARD_INCLUDE = {
  card: { include: { rewards: true } },
  store: { include: { locations: true } },
  customer: true,
} as const satisfies Prisma.CustomerCardInclude;

export type PassCard = Prisma.CustomerCardGetPayload<{ include: typeof PASS_CARD_INCLUDE }>;

// Prisma's uuid() ids; anything else cannot name a card, so it never reaches the database.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isCardUuid(value: string): boolean {
  return UUID.test(value);
}

export async function findPassCard(db: Db, uuid: string): Promise<PassCard | undefined> {
  if (!isCardUuid(uuid)) return undefined;
  return (await db.customerCard.findUnique({ where: { uuid: uuid.toLowerCase() }, include: PASS_CARD_INCLUDE })) ?? undefined;
}

export async function findPassCardById(db: Db, id: number): Promise<PassCard | undefined> {
  return (await db.customerCard.findUnique({ where: { id }, include: PASS_CARD_INCLUDE })) ?? undefined;
}

/** Records that the Google save link was handed out, so later stamp changes patch the Google object. */
export async function markGoogleIssued(db: Db, customerCardId: number): Promise<void> {
  await db.customerCard.updateMany({ where: { id: customerCardId, googleIssuedAt: null }, data: { googleIssuedAt: new Date() } });
}

/** When anything the pass shows last changed. */
export function passCardVersion(card: PassCard): Date {
  return passVersion([
    card.updatedAt,
    card.card.updatedAt,
    card.store.updatedAt,
    card.customer.updatedAt,
    ...card.card.rewards.map((r) => r.updatedAt),
    ...card.store.locations.map((l) => l.updatedAt),
  ]);
}

/** The token of an `Authorization: ApplePass <token>` header, or undefined. */
export function applePassToken(header: string | null | undefined): string | undefined {
  return /^ApplePass\s+(\S+)\s*$/.exec(header ?? '')?.[1];
}

/** Compares in constant time: hashing first makes the lengths equal and hides the real length. */
export function passTokenMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}
