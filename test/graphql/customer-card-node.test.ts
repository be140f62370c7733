import { beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/context.ts';
import { setCardArchived } from '../../src/domain/cards/card.service.ts';
import { addStamps, redeemReward } from '../../src/domain/customer-cards/customer-card.service.ts';
import { updateReward } from '../../src/domain/rewards/reward.service.ts';
import { globalIdOf } from '../../src/graphql/global-ids.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { graphqlClient } from '../helpers/graphql.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';

// `node(id:)` of a customer card answers from the detail read when the selection plans nothing
// beyond the card's columns (src/graphql/customer-card-node.ts); `nodes(ids:)` always resolves
// through the Prisma plugin's read. Both must answer alike, for every selection and viewer.
const t = useServer();
const api = graphqlClient(t);

const CARD_COLUMNS = `id databaseId name cardColor textColor stampIcon stampColor stampsRequired initialStamps stripType
  stripColor stripPreset stripOpacity stampBackgroundColor headerText auxiliaryFields expiresAt showMemberField
  showStampsToRewardField stampCooldownSeconds maxStampsPerDay archivedAt createdAt updatedAt`;
const REWARD = 'id databaseId accountId cardId name description stampsRequired position active createdAt updatedAt';
// `statements`: what a request of the customer card costs when the detail read answers it.
const SELECTIONS: Record<string, { fields: string; statements?: number }> = {
  // The bench's show.
  show: {
    fields: `id databaseId uuid accountId customerId cardId cardName stampsCount stampsRemaining progressPercentage
      status passInstalled appleWalletUrl googleWalletUrl pageUrl issuedAt createdAt updatedAt
      availableRewards { ${REWARD} } nextReward { ${REWARD} }`,
    statements: 1,
  },
  'id only': { fields: 'id __typename', statements: 1 },
  // The count is the rewards count loader's statement.
  card: { fields: `status cardName card { ${CARD_COLUMNS} rewardsCount }`, statements: 2 },
  // Relations the detail read does not hold: resolved by the Prisma plugin.
  'card rewards': { fields: `progressPercentage card { name rewards(first: 5) { totalCount edges { node { ${REWARD} } } } }` },
  customer: { fields: 'stampsCount customer { id firstName stampCount }' },
  ledger: { fields: 'availableRewards { name } ledgerEntries(last: 2) { totalCount edges { node { kind delta } } }' },
};

let ours: { actor: Actor; token: string };
let theirs: { actor: Actor; token: string };
let ids: string[];

beforeAll(async () => {
  ours = await newStore(t.runtime);
  theirs = await newStore(t.runtime);
  const deps = t.runtime.deps;
  const plain = await seedCard(deps, ours.actor, { stampsRequired: 5 }, [
    { name: 'Coffee', stampsRequired: 5, position: 2 },
    { name: 'Cookie', stampsRequired: 2, position: 1, description: 'Any cookie' },
    { name: 'Tied', stampsRequired: 2, position: 1 },
    { name: 'Old', stampsRequired: 3, position: 1, active: false },
  ]);
  const bare = await seedCard(deps, ours.actor, { name: 'No rewards', stampsRequired: 3 });
  const archived = await seedCard(deps, ours.actor, { name: 'Archived' }, [{ name: 'Gone', stampsRequired: 2 }]);
  const empty = await seedCustomerCard(deps, ours.actor, plain.card.id);
  const full = await seedCustomerCard(deps, ours.actor, plain.card.id);
  await addStamps(deps, ours.actor, { customerCardId: full.customerCard.id, stamps: 5 });
  await addStamps(deps, ours.actor, { customerCardId: full.customerCard.id, stamps: 2 });
  const redeemed = await seedCustomerCard(deps, ours.actor, plain.card.id);
  await addStamps(deps, ours.actor, { customerCardId: redeemed.customerCard.id, stamps: 3 });
  await redeemReward(deps, ours.actor, { customerCardId: redeemed.customerCard.id, rewardId: plain.rewards[1]!.id });
  await updateReward(deps, ours.actor, plain.rewards[2]!.id, { active: false });
  const onBare = await seedCustomerCard(deps, ours.actor, bare.card.id);
  const onArchived = await seedCustomerCard(deps, ours.actor, archived.card.id);
  await addStamps(deps, ours.actor, { customerCardId: onArchived.customerCard.id, stamps: 1 });
  await setCardArchived(deps, ours.actor, archived.card.id, true);
  const elsewhereCard = await seedCard(deps, theirs.actor, { name: 'Elsewhere' }, [{ name: 'Theirs', stampsRequired: 1 }]);
  const elsewhere = await seedCustomerCard(deps, theirs.actor, elsewhereCard.card.id);
  await addStamps(deps, theirs.actor, { customerCardId: elsewhere.customerCard.id, stamps: 1 });
  ids = [
    ...[empty, full, redeemed, onBare, onArchived, elsewhere].map((seeded) => globalIdOf('CustomerCard', seeded.customerCard.id)),
    globalIdOf('CustomerCard', 987_654),
  ];
}, 60_000);

/** The statements of one request, without the bearer-token lookup every request makes. */
async function statementsOf<T>(request: () => Promise<T>): Promise<{ answer: T; statements: number }> {
  t.queries.length = 0;
  const answer = await request();
  return { answer, statements: t.queries.filter((sql) => !/api_tokens/.test(sql)).length };
}

describe('node(id:) of a customer card', () => {
  for (const [name, { fields, statements: expected }] of Object.entries(SELECTIONS)) {
    it(`answers as nodes(ids:) does: ${name}`, async () => {
      const one = `query($id: ID!) { node(id: $id) { ... on CustomerCard { ${fields} } } }`;
      const many = `query($id: ID!) { nodes(ids: [$id]) { ... on CustomerCard { ${fields} } } }`;
      let found = 0;
      for (const viewer of [ours, theirs]) {
        for (const id of ids) {
          const { answer, statements } = await statementsOf(() => api.data(viewer.token, one, { id }));
          const reference = await api.data(viewer.token, many, { id });
          expect(answer.node).toEqual(reference.nodes[0]);
          if (answer.node) found += 1;
          // The detail read is one statement; progress and rewards add none on top of it.
          if (expected !== undefined && answer.node) expect(statements).toBe(expected);
        }
      }
      expect(found).toBe(ids.length - 1);
    });
  }

  it('takes the detail read beside other node fields of the same operation', async () => {
    const query = `query($a: ID!, $b: ID!) {
      a: node(id: $a) { ... on CustomerCard { ${SELECTIONS.show!.fields} } }
      b: node(id: $b) { ... on CustomerCard { ${SELECTIONS.show!.fields} } }
    }`;
    const many = `query($a: ID!, $b: ID!) { nodes(ids: [$a, $b]) { ... on CustomerCard { ${SELECTIONS.show!.fields} } } }`;
    const variables = { a: ids[1]!, b: ids[4]! };
    const data = await api.data(ours.token, query, variables);
    const expected = await api.data(ours.token, many, variables);
    expect([data.a, data.b]).toEqual(expected.nodes);
  });
});
