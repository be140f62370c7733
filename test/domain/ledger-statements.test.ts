import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import type { Actor, Deps } from '../../src/domain/context.ts';
import * as shipped from '../../src/domain/customer-cards/customer-card.service.ts';
import * as shippedCorrections from '../../src/domain/customer-cards/stamp-correction.service.ts';
import { DomainError } from '../../src/domain/errors.ts';
import { createStore, findWorkingToken } from '../../src/domain/stores/store.service.ts';
import { scopeOf } from '../../src/auth/scopes.ts';
import { tokenDisplayName } from '../../src/auth/principal.ts';
import { type Runtime, startRuntime } from '../../src/runtime.ts';
import { createScratchDatabase, type ScratchDatabase } from '../helpers/database.ts';
import { createCustomer } from '../../src/domain/customers/customer.service.ts';
import { seedCard } from '../helpers/factories.ts';

/**
 * Differential test of the ledger's hand-written statements (src/domain/ledger/ledger-statements.ts):
 * two databases seeded alike take the same series of stamps (completing a card, over its limits,
 * idempotent replays, a reused key), a correction and a redemption, one through the shipped statements
 * and one through the Prisma model calls they replaced (test/helpers/ledger-statements-prisma.ts),
 * with the clock set to the same instants. Every row of the tables a balance change writes, and every
 * answer, must be the same; only random values (uuids, tokens, event ids) are matched up first.
 */

const STATEMENTS = '../../src/domain/ledger/ledger-statements.ts';
const TABLES: Record<string, string> = {
  customer_cards: 'id',
  ledger_entries: 'id',
  redemptions: 'id',
  events: 'store_id, sequence',
  event_sequences: 'store_id',
  outbox_messages: 'id',
  idempotency_keys: 'store_id, key',
};
const T0 = Date.parse('2026-03-02T09:00:00.000Z');

interface Side {
  scratch: ScratchDatabase;
  runtime: Runtime;
  service: typeof shipped;
  corrections: typeof shippedCorrections;
}

type Step = (side: Side, actor: Actor, ids: Ids) => Promise<unknown>;
interface Ids {
  plain: number;
  limited: number;
  rewardId: number;
}

const sides: Side[] = [];

async function openSide(service: typeof shipped, corrections: typeof shippedCorrections): Promise<Side> {
  const scratch = await createScratchDatabase();
  const config = loadConfig({ PORT: '0', DATABASE_URL: scratch.url, SEED_DEMO: 'false', LOG_REQUESTS: 'false' });
  const runtime = await startRuntime(config, { migrate: false });
  const side = { scratch, runtime, service, corrections };
  sides.push(side);
  return side;
}

async function seed(deps: Deps): Promise<{ actor: Actor; ids: Ids }> {
  const { token } = await createStore(deps.db, 'Differential');
  const row = (await findWorkingToken(deps.db, token))!;
  const actor: Actor = { storeId: row.storeId, source: 'REST', principal: { kind: 'TOKEN', tokenId: row.id, scope: scopeOf(row.scope), name: tokenDisplayName(row) } };
  const plain = await seedCard(deps, actor, { stampsRequired: 6 }, [
    { name: 'Small', stampsRequired: 2 },
    { name: 'Off', stampsRequired: 3, active: false },
    { name: 'Full', stampsRequired: 6 },
  ]);
  const limited = await seedCard(deps, actor, { name: 'Limited', stampsRequired: 10, stampCooldownSeconds: 60, maxStampsPerDay: 3 });
  const enrol = async (name: string, cardId: number) =>
    (await createCustomer(deps, actor, { firstName: name, email: `${name.toLowerCase()}@example.com` }, { cardId })).customerCard!;
  const onPlain = { customerCard: await enrol('Ada', plain.card.id) };
  const onLimited = { customerCard: await enrol('Bo', limited.card.id) };
  // An installed pass: every change queues a pass update in the outbox.
  await deps.db.customerCard.update({ where: { id: onPlain.customerCard.id }, data: { passInstalled: true } });
  return { actor, ids: { plain: onPlain.customerCard.id, limited: onLimited.customerCard.id, rewardId: plain.rewards[0]!.id } };
}

const stamp = (id: keyof Omit<Ids, 'rewardId'>, stamps: unknown, extra: object = {}): Step => (side, actor, ids) =>
  side.service.addStamps(side.runtime.deps, actor, { customerCardId: ids[id], stamps, ...extra });

/** The series, each step at its own instant (seconds after T0). */
const series: Array<[number, Step]> = [
  [0, stamp('plain', 1, { idempotencyKey: 'first' })],
  [1, stamp('plain', 1, { idempotencyKey: 'first' })],
  [2, stamp('plain', 2, { idempotencyKey: 'first' })],
  [3, stamp('plain', 3, { skipNotifications: true })],
  [4, stamp('plain', 2)],
  [5, stamp('plain', 0)],
  [6, stamp('limited', 1)],
  [16, stamp('limited', 1)],
  [70, stamp('limited', 2, { idempotencyKey: 'limited' })],
  [71, stamp('limited', 2, { idempotencyKey: 'limited' })],
  [140, stamp('limited', 1)],
  [150, (side, actor, ids) => side.corrections.removeStamps(side.runtime.deps, actor, { customerCardId: ids.plain, stamps: 2, reason: 'Given twice' })],
  [151, (side, actor, ids) => side.corrections.removeStamps(side.runtime.deps, actor, { customerCardId: ids.limited, stamps: 2, reason: 'Too many' })],
  [152, (side, actor, ids) => side.service.redeemReward(side.runtime.deps, actor, { customerCardId: ids.plain, rewardId: ids.rewardId, idempotencyKey: 'redeem' })],
  [153, (side, actor, ids) => side.service.redeemReward(side.runtime.deps, actor, { customerCardId: ids.plain, rewardId: ids.rewardId, idempotencyKey: 'redeem' })],
];

async function run(side: Side): Promise<unknown[]> {
  vi.setSystemTime(T0 - 60_000);
  const { actor, ids } = await seed(side.runtime.deps);
  const answers: unknown[] = [];
  for (const [seconds, step] of series) {
    vi.setSystemTime(T0 + seconds * 1000);
    try {
      answers.push({ ok: await step(side, actor, ids) });
    } catch (error) {
      if (!(error instanceof Error) || error.name !== 'DomainError') throw error;
      const refusal = error as DomainError;
      answers.push({ error: { code: refusal.code, message: refusal.message, fields: refusal.fields, retryAt: refusal.retryAt } });
    }
  }
  return answers;
}

async function rows(side: Side): Promise<Record<string, unknown[]>> {
  const dump: Record<string, unknown[]> = {};
  for (const [table, order] of Object.entries(TABLES)) {
    dump[table] = await side.runtime.deps.db.$queryRawUnsafe(`SELECT * FROM "${table}" ORDER BY ${order}`);
  }
  return dump;
}

function json(value: unknown): string {
  return JSON.stringify(value, (_key, member: unknown) => (typeof member === 'bigint' ? `${member}n` : member));
}

/** Replaces the reference side's random values with the shipped side's, row by row. */
function matchRandom(text: string, reference: Record<string, unknown[]>, shippedRows: Record<string, unknown[]>): string {
  const pairs: Array<[string, string]> = [];
  // The token's random prefix names it in `actor_name`.
  const columns: Array<[string, string]> = [['customer_cards', 'uuid'], ['customer_cards', 'pass_token'], ['events', 'id'], ['ledger_entries', 'actor_name']];
  for (const [table, column] of columns) {
    reference[table]!.forEach((row, index) => {
      pairs.push([String((row as Record<string, unknown>)[column]), String((shippedRows[table]![index] as Record<string, unknown>)[column])]);
    });
  }
  return pairs.reduce((out, [from, to]) => out.replaceAll(from, to), text);
}

describe('the ledger statements write what the Prisma model calls wrote', () => {
  let shippedSide: Side;
  let referenceSide: Side;

  beforeAll(async () => {
    shippedSide = await openSide(shipped, shippedCorrections);
    vi.resetModules();
    vi.doMock(STATEMENTS, () => import('../helpers/ledger-statements-prisma.ts'));
    const reference = (await import('../../src/domain/customer-cards/customer-card.service.ts')) as typeof shipped;
    const referenceCorrections = (await import('../../src/domain/customer-cards/stamp-correction.service.ts')) as typeof shippedCorrections;
    vi.doUnmock(STATEMENTS);
    expect(reference.addStamps).not.toBe(shipped.addStamps);
    referenceSide = await openSide(reference, referenceCorrections);
    vi.useFakeTimers({ toFake: ['Date'] });
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  afterAll(async () => {
    for (const side of sides) {
      await side.runtime.close();
      await side.scratch.drop();
    }
  });

  it('the same rows and the same answers, on a series of stamps, refusals, replays, a correction and a redemption', async () => {
    const shippedAnswers = await run(shippedSide);
    const referenceAnswers = await run(referenceSide);
    const shippedRows = await rows(shippedSide);
    const referenceRows = await rows(referenceSide);

    // The series did what it says: a completed card, both limits, replays, a reused key, outbox rows.
    const codes = shippedAnswers.map((answer) => (answer as { error?: { code: string } }).error?.code ?? 'ok');
    expect(codes).toEqual(['ok', 'ok', 'IDEMPOTENCY_KEY_REUSED', 'ok', 'ok', 'INVALID', 'ok', 'TOO_SOON', 'ok', 'ok', 'DAILY_LIMIT', 'ok', 'ok', 'ok', 'ok']);
    expect((shippedAnswers[1] as { ok: { replayed: boolean } }).ok.replayed).toBe(true);
    expect(shippedRows.outbox_messages!.length).toBeGreaterThan(3);
    expect(shippedRows.events!.some((event) => (event as { type: string }).type === 'reward.unlocked')).toBe(true);

    const matchedRows = JSON.parse(matchRandom(json(referenceRows), referenceRows, shippedRows)) as Record<string, unknown[]>;
    for (const table of Object.keys(TABLES)) expect({ [table]: matchedRows[table] }).toEqual(JSON.parse(json({ [table]: shippedRows[table] })));
    expect(JSON.parse(matchRandom(json(referenceAnswers), referenceRows, shippedRows))).toEqual(JSON.parse(json(shippedAnswers)));
  });
});
