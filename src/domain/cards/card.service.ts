import { appendAudit } from '../../auth/audit.ts';
import { rowBeforeChange } from '../audited-change.ts';
import { assertPerformAction } from '../../auth/policy.ts';
import type { Prisma } from '../../generated/sqlite/client.ts';
import type { Actor, Deps } from '../context.ts';
import { invalid, notFound } from '../errors.ts';
import { createAudited } from '../audited-create.ts';
import { definedOnly, isDatabaseId, pickKnown } from '../validation.ts';
import { CARD_DEFAULTS, type CardAttributes, normalizeCardInput, STAMP_LIMIT_ATTRIBUTES, validateCard } from './card.rules.ts';
import { enqueueCardPassesUpdate } from '../wallet/pass-updates.ts';

export type CardRow = Prisma.CardGetPayload<object>;

/** Which cards a listing returns: unarchived (the default), archived, or all. */
export const CardScope = { ACTIVE: 'active', ARCHIVED: 'archived', ALL: 'all' } as const;
export type CardScope = (typeof CardScope)[keyof typeof CardScope];

/** What the APIs pass in: `expiresAt` may still be ISO 8601 text, `auxiliaryFields` may hold blanks. */
export type CardInput = Partial<Omit<CardAttributes, 'expiresAt' | 'auxiliaryFields'>> & {
  expiresAt?: Date | string | null;
  auxiliaryFields?: Array<string | null> | null;
};

const CARD_KEYS = ['name', ...Object.keys(CARD_DEFAULTS)] as (keyof CardAttributes)[];

export async function getCard(deps: Deps, actor: Actor, id: number): Promise<CardRow> {
  assertPerformAction(actor, 'card.read');
  const card = isDatabaseId(id) ? await deps.db.card.findFirst({ where: { id, storeId: actor.storeId } }) : null;
  if (!card) throw notFound('Card');
  return card;
}

export function cardScopeWhere(scope: CardScope): Prisma.CardWhereInput {
  if (scope === CardScope.ARCHIVED) return { archivedAt: { not: null } };
  if (scope === CardScope.ALL) return {};
  return { archivedAt: null };
}

export async function listCards(deps: Deps, actor: Actor, scope: CardScope = CardScope.ACTIVE): Promise<CardRow[]> {
  assertPerformAction(actor, 'card.read');
  return deps.db.card.findMany({ where: { storeId: actor.storeId, ...cardScopeWhere(scope) }, orderBy: { id: 'asc' } });
}

/** Creates a card; omitted attributes take `CARD_DEFAULTS`. */
export async function createCard(
  deps: Deps,
  actor: Actor,
  input: CardInput,
  idempotencyKey?: string | null,
): Promise<CardRow> {
  assertPerformAction(actor, 'card.create');
  const given = definedOnly(pickKnown(normalizeCardInput(input), CARD_KEYS));
  const merged = { ...CARD_DEFAULTS, name: '', ...given } as CardAttributes;
  validateCard(merged, new Set([...Object.keys(given), 'name', 'initialStamps']));
  return createAudited(
    deps,
    actor,
    { action: 'card.create', targetType: 'Card', operation: 'createCard', params: given, idempotencyKey },
    (tx) => tx.card.create({ data: { ...merged, storeId: actor.storeId } }),
    (id) => getCard(deps, actor, id),
  );
}

/**
 * Changes only the given attributes. Lowering `stampsRequired` keeps every stamp customers hold, but
 * not below the cost of the card's dearest reward (a reward costs at most its card's stamps required).
 */
export async function updateCard(deps: Deps, actor: Actor, id: number, input: CardInput): Promise<CardRow> {
  assertPerformAction(actor, 'card.update');
  const card = await getCard(deps, actor, id);
  const given = definedOnly(pickKnown(normalizeCardInput(input), CARD_KEYS));
  // Once validated, `given` holds stored forms only (a time, a list of texts).
  validateCard({ ...card, ...given } as CardAttributes, new Set(Object.keys(given)));
  if (Object.keys(given).length === 0) return card;
  if (given.stampsRequired !== undefined && given.stampsRequired < card.stampsRequired) {
    const dearest = await deps.db.reward.aggregate({ where: { cardId: card.id }, _max: { stampsRequired: true } });
    const cost = dearest._max.stampsRequired ?? 0;
    if (given.stampsRequired < cost) {
      throw invalid({ stampsRequired: [`must be at least ${cost}, the cost of the card's dearest reward`] });
    }
  }
  return deps.db.$transaction(async (tx) => {
    const before = await rowBeforeChange(tx, deps.provider, 'cards', card.id, 'Card', () => tx.card.findUnique({ where: { id: card.id } }));
    const updated = await tx.card.update({ where: { id: card.id }, data: given as Partial<CardAttributes> });
    await appendAudit(tx, actor, { action: 'card.update', targetType: 'Card', targetId: card.id, before, after: updated });
    // Stamp limits are not on the pass: a change of them alone updates no pass.
    if (Object.keys(given).some((field) => !STAMP_LIMIT_ATTRIBUTES.has(field))) await enqueueCardPassesUpdate(tx, card.id);
    return updated;
  });
}

/** Archives (or restores) a card: hidden from default listings, history kept, no new stamps or enrolments. */
export async function setCardArchived(deps: Deps, actor: Actor, id: number, archived: boolean): Promise<CardRow> {
  assertPerformAction(actor, 'card.update');
  const card = await getCard(deps, actor, id);
  if (Boolean(card.archivedAt) === archived) return card;
  return deps.db.$transaction(async (tx) => {
    const before = await rowBeforeChange(tx, deps.provider, 'cards', card.id, 'Card', () => tx.card.findUnique({ where: { id: card.id } }));
    const updated = await tx.card.update({ where: { id: card.id }, data: { archivedAt: archived ? new Date() : null } });
    await appendAudit(tx, actor, { action: 'card.update', targetType: 'Card', targetId: card.id, before, after: updated });
    await enqueueCardPassesUpdate(tx, card.id);
    return updated;
  });
}
