import { appendAudit } from '../../auth/audit.ts';
import { rowBeforeChange } from '../audited-change.ts';
import { assertPerformAction } from '../../auth/policy.ts';
import { randomBytes } from 'node:crypto';
import type { Prisma } from '../../generated/sqlite/client.ts';
import { getCard } from '../cards/card.service.ts';
import type { Actor, Deps } from '../context.ts';
import { DomainError, ErrorCode, notFound } from '../errors.ts';
import { createAudited } from '../audited-create.ts';
import { definedOnly } from '../validation.ts';
import { type PosterAttributes, posterDefaults, validatePoster } from './poster.rules.ts';

export type PosterRow = Prisma.PosterGetPayload<object>;

export type PosterInput = Partial<PosterAttributes>;

export interface PosterFilter {
  cardId?: number;
  activeOnly?: boolean;
}

/** A public token for the poster's links: unguessable, so posters cannot be enumerated. */
function newSlug(): string {
  return randomBytes(12).toString('base64url');
}

export async function getPoster(deps: Deps, actor: Actor, id: number): Promise<PosterRow> {
  assertPerformAction(actor, 'poster.read');
  const poster = await deps.db.poster.findFirst({ where: { id, storeId: actor.storeId } });
  if (!poster) throw notFound('Poster');
  return poster;
}

export async function listPosters(deps: Deps, actor: Actor, filter: PosterFilter = {}): Promise<PosterRow[]> {
  assertPerformAction(actor, 'poster.read');
  return deps.db.poster.findMany({
    where: {
      storeId: actor.storeId,
      ...(filter.cardId === undefined ? {} : { cardId: filter.cardId }),
      ...(filter.activeOnly ? { active: true } : {}),
    },
    orderBy: { id: 'asc' },
  });
}

/**
 * Creates a poster that enrols sign-ups on `cardId`, a card of the store that is not archived (an
 * archived card takes no new customers). Omitted attributes take `posterDefaults`.
 */
export async function createPoster(
  deps: Deps,
  actor: Actor,
  cardId: number,
  input: PosterInput,
  idempotencyKey?: string | null,
): Promise<PosterRow> {
  assertPerformAction(actor, 'poster.create');
  const card = await getCard(deps, actor, cardId);
  if (card.archivedAt) {
    throw new DomainError(ErrorCode.CARD_ARCHIVED, 'The card is archived and takes no new customers', {
      cardId: ['is archived'],
    });
  }
  const given = definedOnly(input);
  const merged = { ...posterDefaults(card), ...given } as PosterAttributes;
  validatePoster(merged, new Set(Object.keys(given)));
  return createAudited(
    deps,
    actor,
    { action: 'poster.create', targetType: 'Poster', operation: 'createPoster', params: { cardId, ...given }, idempotencyKey },
    (tx) => tx.poster.create({ data: { ...merged, storeId: actor.storeId, cardId: card.id, slug: newSlug() } }),
    (id) => getPoster(deps, actor, id),
  );
}

/** Changes only the given attributes; the card stays the one chosen at creation. */
export async function updatePoster(deps: Deps, actor: Actor, id: number, input: PosterInput): Promise<PosterRow> {
  assertPerformAction(actor, 'poster.update');
  const poster = await getPoster(deps, actor, id);
  const given = definedOnly(input);
  validatePoster({ ...poster, ...given } as PosterAttributes, new Set(Object.keys(given)));
  if (Object.keys(given).length === 0) return poster;
  return deps.db.$transaction(async (tx) => {
    const before = await rowBeforeChange(tx, deps.provider, 'posters', poster.id, 'Poster', () => tx.poster.findUnique({ where: { id: poster.id } }));
    const updated = await tx.poster.update({ where: { id: poster.id }, data: given });
    await appendAudit(tx, actor, { action: 'poster.update', targetType: 'Poster', targetId: poster.id, before, after: updated });
    return updated;
  });
}

/**
 * Deletes a poster for good; its public links stop working. Customers who signed up through it keep
 * their cards, which do not refer to the poster.
 */
export async function deletePoster(deps: Deps, actor: Actor, id: number): Promise<void> {
  assertPerformAction(actor, 'poster.delete');
  const poster = await getPoster(deps, actor, id);
  await deps.db.$transaction(async (tx) => {
    const before = await rowBeforeChange(tx, deps.provider, 'posters', poster.id, 'Poster', () => tx.poster.findUnique({ where: { id: poster.id } }), 'delete');
    await tx.poster.delete({ where: { id: poster.id } });
    await appendAudit(tx, actor, { action: 'poster.delete', targetType: 'Poster', targetId: poster.id, before, after: null });
  });
}
