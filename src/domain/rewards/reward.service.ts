import { appendAudit } from '../../auth/audit.ts';
import { rowBeforeChange } from '../audited-change.ts';
import { assertPerformAction } from '../../auth/policy.ts';
import type { Prisma } from '../../generated/sqlite/client.ts';
import { getCard } from '../cards/card.service.ts';
import type { Actor, Deps } from '../context.ts';
import { DomainError, ErrorCode, FieldErrorCollector, notFound } from '../errors.ts';
import { createAudited } from '../audited-create.ts';
import { isForeignKeyViolation } from '../idempotency.ts';
import { checkIdInput, checkInteger, checkText, definedOnly, isDatabaseId, pickKnown } from '../validation.ts';
import { enqueueCardPassesUpdate } from '../wallet/pass-updates.ts';

export type RewardRow = Prisma.RewardGetPayload<object>;

export interface RewardInput {
  name?: string;
  description?: string | null;
  stampsRequired?: number;
  position?: number;
  active?: boolean;
}

const REWARD_KEYS = ['name', 'description', 'stampsRequired', 'position', 'active'] as const satisfies readonly (keyof RewardInput)[];

export interface RewardFilter {
  cardId?: number;
  activeOnly?: boolean;
}

export async function getReward(deps: Deps, actor: Actor, id: number): Promise<RewardRow> {
  assertPerformAction(actor, 'reward.read');
  const reward = isDatabaseId(id) ? await deps.db.reward.findFirst({ where: { id, storeId: actor.storeId } }) : null;
  if (!reward) throw notFound('Reward');
  return reward;
}

export async function listRewards(deps: Deps, actor: Actor, filter: RewardFilter = {}): Promise<RewardRow[]> {
  assertPerformAction(actor, 'reward.read');
  if (filter.cardId !== undefined) {
    const errors = new FieldErrorCollector();
    checkIdInput(errors, 'cardId', filter.cardId);
    errors.throwIfAny();
    if (!isDatabaseId(filter.cardId)) return [];
  }
  return deps.db.reward.findMany({
    where: {
      storeId: actor.storeId,
      ...(filter.cardId === undefined ? {} : { cardId: filter.cardId }),
      ...(filter.activeOnly ? { active: true } : {}),
    },
    orderBy: [{ cardId: 'asc' }, { position: 'asc' }, { id: 'asc' }],
  });
}

/**
 * A reward costs 1 to its card's stamps required (a dearer one could never show on the card). The
 * card is fixed at creation.
 */
function validateReward(input: RewardInput, cardStampsRequired: number, creating: boolean): void {
  const errors = new FieldErrorCollector();
  if (creating || input.name !== undefined) checkText(errors, 'name', input.name, { required: true, max: 100 });
  if (input.description !== undefined) checkText(errors, 'description', input.description, { max: 1000 });
  if (creating || input.stampsRequired !== undefined) {
    if (input.stampsRequired === undefined) errors.add('stampsRequired', "can't be blank");
    else checkInteger(errors, 'stampsRequired', input.stampsRequired, 1, cardStampsRequired);
  }
  if (input.position !== undefined) checkInteger(errors, 'position', input.position, 0, 1_000_000);
  if (input.active !== undefined && typeof input.active !== 'boolean') errors.add('active', 'must be true or false');
  errors.throwIfAny();
}

export async function createReward(
  deps: Deps,
  actor: Actor,
  cardId: number,
  input: RewardInput,
  idempotencyKey?: string | null,
): Promise<RewardRow> {
  assertPerformAction(actor, 'reward.create');
  const cardErrors = new FieldErrorCollector();
  checkIdInput(cardErrors, 'cardId', cardId);
  cardErrors.throwIfAny();
  const card = await getCard(deps, actor, cardId);
  const given = definedOnly(pickKnown(input, REWARD_KEYS));
  validateReward(given, card.stampsRequired, true);
  return createAudited(
    deps,
    actor,
    { action: 'reward.create', targetType: 'Reward', operation: 'createReward', params: { cardId, ...given }, idempotencyKey },
    async (tx) => {
      const position = given.position ?? (await tx.reward.count({ where: { cardId: card.id } }));
      const reward = await tx.reward.create({
        data: {
          storeId: actor.storeId,
          cardId: card.id,
          name: given.name as string,
          description: given.description ?? null,
          stampsRequired: given.stampsRequired as number,
          position,
          active: given.active ?? true,
        },
      });
      await enqueueCardPassesUpdate(tx, card.id);
      return reward;
    },
    (id) => getReward(deps, actor, id),
  );
}

export async function updateReward(deps: Deps, actor: Actor, id: number, input: RewardInput): Promise<RewardRow> {
  assertPerformAction(actor, 'reward.update');
  const reward = await getReward(deps, actor, id);
  const card = await getCard(deps, actor, reward.cardId);
  // The card of a reward is fixed at creation: `cardId` is not an updatable key.
  const given = definedOnly(pickKnown(input, REWARD_KEYS));
  validateReward(given, card.stampsRequired, false);
  if (Object.keys(given).length === 0) return reward;
  return deps.db.$transaction(async (tx) => {
    const before = await rowBeforeChange(tx, deps.provider, 'rewards', reward.id, 'Reward', () => tx.reward.findUnique({ where: { id: reward.id } }));
    const updated = await tx.reward.update({ where: { id: reward.id }, data: given });
    await appendAudit(tx, actor, { action: 'reward.update', targetType: 'Reward', targetId: reward.id, before, after: updated });
    await enqueueCardPassesUpdate(tx, reward.cardId);
    return updated;
  });
}

/**
 * Deletes a reward nobody has redeemed, returning it as it was; one with redemptions is kept for
 * history (deactivate it instead).
 */
export async function deleteReward(deps: Deps, actor: Actor, id: number): Promise<RewardRow> {
  assertPerformAction(actor, 'reward.delete');
  const reward = await getReward(deps, actor, id);
  const redeemed = await deps.db.redemption.count({ where: { rewardId: reward.id } });
  if (redeemed > 0) throw rewardInUse();
  try {
    return await deps.db.$transaction(async (tx) => {
      const read = () => tx.reward.findFirst({ where: { id: reward.id, storeId: actor.storeId } });
      const before = await rowBeforeChange(tx, deps.provider, 'rewards', reward.id, 'Reward', read, 'delete');
      await tx.reward.delete({ where: { id: reward.id } });
      await appendAudit(tx, actor, { action: 'reward.delete', targetType: 'Reward', targetId: reward.id, before, after: null });
      await enqueueCardPassesUpdate(tx, reward.cardId);
      return before;
    });
  } catch (error) {
    // A redemption committed after the count; the foreign key keeps the reward (and its ledger entry).
    if (isForeignKeyViolation(error)) throw rewardInUse();
    throw error;
  }
}

function rewardInUse(): DomainError {
  return new DomainError(ErrorCode.IN_USE, 'The reward has redemptions; deactivate it instead', {
    base: ['has been redeemed and cannot be deleted; set active to false instead'],
  });
}
