import type { Prisma } from '../../generated/sqlite/client.ts';
import { isExpired } from '../cards/card.rules.ts';
import { type Actor, type Deps, WriteSource } from '../context.ts';
import { createCustomer } from '../customers/customer.service.ts';
import { DomainError, ErrorCode, notFound } from '../errors.ts';
import { checkSignup, type SignupAnswers } from './poster-signup.rules.ts';

const PUBLIC_POSTER_INCLUDE = {
  card: { include: { rewards: { where: { active: true }, orderBy: [{ position: 'asc' }, { id: 'asc' }] } } },
  store: true,
} as const satisfies Prisma.PosterInclude;

export type PublicPoster = Prisma.PosterGetPayload<{ include: typeof PUBLIC_POSTER_INCLUDE }>;

/** Why a poster takes no sign-ups, or `open`. */
export const PosterState = { OPEN: 'open', INACTIVE: 'inactive', CARD_ARCHIVED: 'card_archived', CARD_EXPIRED: 'card_expired' } as const;
export type PosterState = (typeof PosterState)[keyof typeof PosterState];

// Slugs are 16 base64url characters (poster.service.ts); anything else names no poster.
const SLUG = /^[A-Za-z0-9_-]{1,64}$/;

/** The poster behind a public link, with its card, active rewards and store; undefined when there is none. */
export async function findPublicPoster(deps: Deps, slug: string): Promise<PublicPoster | undefined> {
  if (!SLUG.test(slug)) return undefined;
  return (await deps.db.poster.findUnique({ where: { slug }, include: PUBLIC_POSTER_INCLUDE })) ?? undefined;
}

export function posterState(poster: PublicPoster, now: Date = new Date()): PosterState {
  if (!poster.active) return PosterState.INACTIVE;
  if (poster.card.archivedAt) return PosterState.CARD_ARCHIVED;
  if (isExpired(poster.card, now)) return PosterState.CARD_EXPIRED;
  return PosterState.OPEN;
}

/** The outcome of a sign-up: a new customer card (its uuid), or a contact the store already knows. */
export type SignupResult = { kind: 'enrolled'; customerCardUuid: string } | { kind: 'already_registered' };

/**
 * Creates a customer from a poster's form and enrols it on the poster's card, through the same
 * customer service as the APIs (its rules, welcome stamps, events and idempotency).
 * Rules: the poster must take sign-ups (else NOT_FOUND or the card's refusal); the answers must fit
 * the poster's form. An email or phone the store already knows writes nothing and answers
 * `already_registered` with no detail of that customer: the form is anonymous, so it never changes
 * or reveals an existing customer. `submissionKey` makes a resubmitted form land on the same card.
 * Authorization: the poster is its store's public invitation; the actor is a SIGNUP principal, which the
 * policy lets create and enrol a customer on the poster's card and nothing else.
 */
export async function signUpThroughPoster(
  deps: Deps,
  slug: string,
  answers: SignupAnswers,
  submissionKey: string,
  now: Date = new Date(),
): Promise<SignupResult> {
  const poster = await findPublicPoster(deps, slug);
  if (!poster || !poster.active) throw notFound('Poster');
  const details = checkSignup(poster, answers, now.toISOString().slice(0, 10));
  // Recorded on the ledger as the sign-up's doing: no API token made the welcome stamps.
  const actor: Actor = {
    storeId: poster.storeId,
    source: WriteSource.SYSTEM,
    principal: { kind: 'SIGNUP', posterId: poster.id, cardId: poster.cardId },
  };
  try {
    const { customerCard } = await createCustomer(deps, actor, details, {
      cardId: poster.cardId,
      idempotencyKey: `poster-signup:${submissionKey}`,
    });
    if (!customerCard) throw new Error('a poster sign-up enrolled no card');
    return { kind: 'enrolled', customerCardUuid: customerCard.uuid };
  } catch (error) {
    if (error instanceof DomainError && (error.code === ErrorCode.TAKEN || error.code === ErrorCode.IDEMPOTENCY_KEY_REUSED)) {
      return { kind: 'already_registered' };
    }
    throw error;
  }
}
