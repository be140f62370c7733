import type { Actor, Deps } from '../../src/domain/context.ts';
import { seedCard, seedCustomerCard } from './factories.ts';

/**
 * Polls until `check` neither throws nor returns false, for work the outbox does after commit, and
 * returns what it returned.
 */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 10_000, intervalMs = 25): Promise<Exclude<T, false>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const result = await check();
      if (result !== false) return result as Exclude<T, false>;
      if (Date.now() > deadline) throw new Error('condition still false');
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await sleep(intervalMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A customer card on an 8-stamp coffee card with one reward, as wallet tests use it. */
export async function seedPassCard(deps: Deps, actor: Actor, card: Parameters<typeof seedCard>[2] = {}) {
  const { card: created, rewards } = await seedCard(
    deps,
    actor,
    { name: 'Coffee card', stampsRequired: 8, cardColor: '#6B4226', textColor: '#FFFFFF', stampColor: '#F5C542', ...card },
    [{ name: 'Free coffee', stampsRequired: 8 }],
  );
  const { customer, customerCard } = await seedCustomerCard(deps, actor, created.id);
  return { card: created, reward: rewards[0]!, customer, customerCard };
}

/** `Authorization` for the PassKit web service. */
export function applePass(token: string): { authorization: string } {
  return { authorization: `ApplePass ${token}` };
}
