import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  availableRewards,
  CustomerCardStatus,
  nextReward,
  progressPercentage,
  type RewardTerms,
  stampsRemaining,
  statusOf,
} from '../../src/domain/customer-cards/progress.rules.ts';

const card = (stampsRequired: number, archived = false) => ({
  stampsRequired,
  archivedAt: archived ? new Date('2026-01-01T00:00:00Z') : null,
});
let nextId = 1;
const reward = (stampsRequired: number, extra: Partial<RewardTerms> = {}): RewardTerms => ({
  id: nextId++,
  stampsRequired,
  active: true,
  position: 0,
  ...extra,
});

describe('statusOf', () => {
  it('is active below the requirement, completed at or beyond it', () => {
    expect(statusOf(0, card(10))).toBe('active');
    expect(statusOf(9, card(10))).toBe('active');
    expect(statusOf(10, card(10))).toBe('completed');
    expect(statusOf(25, card(10))).toBe('completed');
  });

  it('is archived whenever the card is archived, whatever the stamps', () => {
    for (const count of [0, 5, 10, 30]) expect(statusOf(count, card(10, true))).toBe(CustomerCardStatus.ARCHIVED);
  });
});

describe('stampsRemaining', () => {
  it('is max(0, required - count)', () => {
    expect(stampsRemaining(0, card(10))).toBe(10);
    expect(stampsRemaining(7, card(10))).toBe(3);
    expect(stampsRemaining(10, card(10))).toBe(0);
    expect(stampsRemaining(14, card(10))).toBe(0);
  });

  it('holds for every count and requirement', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 18 }), fc.boolean(), (count, required, archived) => {
        const remaining = stampsRemaining(count, card(required, archived));
        expect(remaining).toBe(Math.max(0, required - count));
        if (!archived) expect(statusOf(count, card(required)) === 'completed').toBe(remaining === 0);
      }),
    );
  });
});

describe('availableRewards', () => {
  it('lists active rewards the balance covers, by position, then cost, then id', () => {
    const big = reward(8, { position: 0 });
    const small = reward(3, { position: 1 });
    const sameSpotCheap = reward(2, { position: 1 });
    const sameSpotCheapLater = reward(2, { position: 1 });
    const inactive = reward(1, { position: 0, active: false });
    const tooDear = reward(9, { position: 0 });
    const listed = availableRewards(8, [tooDear, small, sameSpotCheapLater, inactive, big, sameSpotCheap]);
    expect(listed.map((r) => r.id)).toEqual([big.id, sameSpotCheap.id, sameSpotCheapLater.id, small.id]);
  });

  it('includes a reward whose cost equals the balance and none with no stamps', () => {
    const exact = reward(5);
    expect(availableRewards(5, [exact])).toEqual([exact]);
    expect(availableRewards(4, [exact])).toEqual([]);
    expect(availableRewards(0, [reward(1)])).toEqual([]);
  });

  it('does not reorder its input', () => {
    const rewards = [reward(3, { position: 2 }), reward(1, { position: 1 })];
    const before = rewards.map((r) => r.id);
    availableRewards(5, rewards);
    expect(rewards.map((r) => r.id)).toEqual(before);
  });
});

describe('nextReward', () => {
  it('is the cheapest active reward the balance does not cover, ties by position', () => {
    const covered = reward(3);
    const inactive = reward(4, { active: false });
    const later = reward(6, { position: 2 });
    const first = reward(6, { position: 1 });
    const dear = reward(9);
    expect(nextReward(3, [dear, later, covered, inactive, first])).toBe(first);
  });

  it('is undefined once every active reward is covered', () => {
    expect(nextReward(9, [reward(3), reward(9), reward(12, { active: false })])).toBeUndefined();
    expect(nextReward(0, [])).toBeUndefined();
  });
});

describe('progressPercentage', () => {
  it('measures against the card when it has no active reward', () => {
    expect(progressPercentage(0, card(10), [])).toBe(0);
    expect(progressPercentage(3, card(10), [])).toBe(30);
    expect(progressPercentage(10, card(10), [])).toBe(100);
    expect(progressPercentage(15, card(10), [reward(2, { active: false })])).toBe(100);
  });

  it('measures against the cheapest active reward not yet covered', () => {
    const rewards = [reward(5), reward(10), reward(3, { active: false })];
    expect(progressPercentage(2, card(10), rewards)).toBe(40);
    expect(progressPercentage(5, card(10), rewards)).toBe(50);
    expect(progressPercentage(7, card(10), rewards)).toBe(70);
  });

  it('is 100 once every active reward is covered', () => {
    expect(progressPercentage(10, card(10), [reward(5), reward(10)])).toBe(100);
    expect(progressPercentage(12, card(10), [reward(5)])).toBe(100);
  });

  it('rounds to two decimals', () => {
    expect(progressPercentage(1, card(3), [])).toBe(33.33);
    expect(progressPercentage(2, card(3), [])).toBe(66.67);
  });

  it('stays within 0–100', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 1, max: 18 }),
        fc.array(fc.record({ stampsRequired: fc.integer({ min: 1, max: 18 }), active: fc.boolean() }), { maxLength: 5 }),
        (count, required, terms) => {
          const value = progressPercentage(count, card(required), terms.map((t) => reward(t.stampsRequired, t)));
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThanOrEqual(100);
        },
      ),
    );
  });
});
