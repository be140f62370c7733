import { randomUUID } from 'node:crypto';
import type { Scene } from './gateway.ts';

/** What the clients saw: keys the gateway acknowledged with 200, keys it never did, and every status. */
export interface StampLog {
  acknowledged: string[];
  unacknowledged: string[];
  /** Acknowledged writes that took more than one attempt: their retries went out with the same key. */
  retried: number;
  statuses: Map<string, number>;
  /** Bodies of failures that were not the documented REST error shape. */
  malformed: string[];
}

export interface Stampers {
  log: StampLog;
  /** Resolves once every client has had `n` more writes acknowledged (or `deadlineMs` passed). */
  waitForAcknowledged(n: number, deadlineMs?: number): Promise<void>;
  /** Lets every client finish its current write (retrying it until acknowledged or out of time), then stops. */
  stop(): Promise<StampLog>;
  /** Stops at once, leaving writes unfinished (after a failed test). */
  abort(): void;
}

const ATTEMPT_TIMEOUT_MS = 5_000;
// A write still unacknowledged this long after the clients were told to stop is left unacknowledged.
const FINISH_DEADLINE_MS = 30_000;

/**
 * `scene.cards.length` clients, each stamping its own customer card one stamp at a time over real HTTP.
 * Each write carries a fresh Idempotency-Key and is retried with that key until the gateway answers
 * 200, as a till would, so a retry of a write that landed but was never acknowledged changes nothing.
 */
export function startStampers(baseUrls: () => string, scene: Scene): Stampers {
  const log: StampLog = { acknowledged: [], unacknowledged: [], retried: 0, statuses: new Map(), malformed: [] };
  let running = true;
  let stopAt = Infinity;
  const count = (status: string) => log.statuses.set(status, (log.statuses.get(status) ?? 0) + 1);

  const client = async (card: Scene['cards'][number]) => {
    while (running) {
      const key = randomUUID();
      let acknowledged = false;
      let attempts = 0;
      while (!acknowledged && Date.now() < stopAt) {
        attempts++;
        try {
          const response = await fetch(
            `${baseUrls()}/api/v1/accounts/${scene.storeId}/customers/${card.customerId}/customer_cards/${card.customerCardId}/stamp`,
            {
              method: 'POST',
              headers: { authorization: `Bearer ${scene.token}`, 'content-type': 'application/json', 'idempotency-key': key },
              body: JSON.stringify({ stamps: 1 }),
              signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
            },
          );
          const text = await response.text();
          count(String(response.status));
          if (response.status === 200) acknowledged = true;
          else if (!isRestError(text)) log.malformed.push(`${response.status} ${text.slice(0, 200)}`);
        } catch (error) {
          count(error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : 'connection error');
        }
        if (!acknowledged) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      (acknowledged ? log.acknowledged : log.unacknowledged).push(key);
      if (acknowledged && attempts > 1) log.retried++;
    }
  };
  const clients = Promise.all(scene.cards.map(client));

  return {
    log,
    async waitForAcknowledged(n, deadlineMs = 60_000) {
      const target = log.acknowledged.length + n * scene.cards.length;
      const deadline = Date.now() + deadlineMs;
      while (log.acknowledged.length < target && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    },
    abort() {
      running = false;
      stopAt = 0;
    },
    async stop() {
      running = false;
      stopAt = Date.now() + FINISH_DEADLINE_MS;
      await clients;
      return log;
    },
  };
}

function isRestError(text: string): boolean {
  try {
    const body = JSON.parse(text) as { error?: unknown };
    return typeof body.error === 'string';
  } catch {
    return false;
  }
}
