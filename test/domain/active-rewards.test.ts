import { describe, expect, it } from 'vitest';
import type { Deps } from '../../src/domain/context.ts';
import { readActiveRewardsOfCards } from '../../src/domain/rewards/active-rewards.sql.ts';
import { deleteReward, updateReward } from '../../src/domain/rewards/reward.service.ts';
import { setCardArchived } from '../../src/domain/cards/card.service.ts';
import { seedCard } from '../helpers/factories.ts';
import { newStore, useRuntime } from '../helpers/runtime.ts';

const t = useRuntime();
const deps = (): Deps => t.runtime.deps;

/** The read the hand-written statement replaces. */
function prismaActiveRewards(cardIds: number[]) {
  return deps().db.reward.findMany({ where: { cardId: { in: cardIds }, active: true }, orderBy: [{ position: 'asc' }, { id: 'asc' }] });
}

describe('the active rewards read', () => {
  it('answers what the Prisma read answers for any set of cards', async () => {
    const { actor } = await newStore(t.runtime);
    const { actor: other } = await newStore(t.runtime);
    const mixed = await seedCard(deps(), actor, {}, [
      { name: 'Later', stampsRequired: 8, position: 3, description: 'After the others' },
      { name: 'Off', stampsRequired: 2, position: 1, active: false },
      { name: 'First', stampsRequired: 4, position: 1 },
      { name: 'Tie', stampsRequired: 4, position: 1 },
      { name: 'Removed', stampsRequired: 5 },
    ]);
    await updateReward(deps(), actor, mixed.rewards[3]!.id, { active: false });
    await updateReward(deps(), actor, mixed.rewards[1]!.id, { active: true });
    await deleteReward(deps(), actor, mixed.rewards[4]!.id);
    const none = await seedCard(deps(), actor, { name: 'No rewards' });
    const allOff = await seedCard(deps(), actor, { name: 'All off' }, [{ name: 'Off', stampsRequired: 1, active: false }]);
    const archived = await seedCard(deps(), actor, { name: 'Archived' }, [{ name: 'Kept', stampsRequired: 2 }]);
    await setCardArchived(deps(), actor, archived.card.id, true);
    const elsewhere = await seedCard(deps(), other, { name: 'Elsewhere' }, [{ name: 'Theirs', stampsRequired: 1 }]);

    const ids = [mixed, none, allOff, archived, elsewhere].map((seeded) => seeded.card.id);
    const sets = [[], [ids[0]!], [ids[1]!], [ids[2]!], [ids[3]!], [ids[4]!], ids, [ids[4]!, ids[0]!, 987654], [...ids].reverse()];
    for (const cardIds of sets) expect(await readActiveRewardsOfCards(deps().db, deps().provider, cardIds)).toEqual(await prismaActiveRewards(cardIds));

    const rewards = await readActiveRewardsOfCards(deps().db, deps().provider, [ids[0]!]);
    expect(rewards.map((reward) => reward.name)).toEqual(['Off', 'First', 'Later']);
    expect(rewards[2]).toMatchObject({ description: 'After the others', active: true, storeId: actor.storeId, cardId: ids[0] });
    expect(rewards[2]!.createdAt).toBeInstanceOf(Date);
  });
});
