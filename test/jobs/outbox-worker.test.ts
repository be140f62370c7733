import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { startRuntime } from '../../src/runtime.ts';
import { type OutboxHandler, OutboxWorker, type OutboxWorkerOptions, RetryLater } from '../../src/jobs/outbox-worker.ts';
import { JobTopics } from '../../src/jobs/topics.ts';
import { useRuntime } from '../helpers/runtime.ts';
import { eventually, sleep } from '../helpers/wallet.ts';

// No server here, so no wallet worker: every worker below is the test's own, on topics of its own.
const t = useRuntime();
const workers: OutboxWorker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
});

let topicCounter = 0;
const newTopic = () => `test.topic${++topicCounter}`;

function worker(handlers: Record<string, OutboxHandler>, options: Partial<OutboxWorkerOptions> = {}): OutboxWorker {
  const created = new OutboxWorker({ db: t.runtime.deps.db, topics: JobTopics.of(handlers), pollMs: 20, backoffBaseMs: 20, log: () => {}, ...options });
  workers.push(created);
  return created;
}

async function enqueue(topic: string, payload: Record<string, number | string> = {}) {
  return t.runtime.deps.db.outboxMessage.create({ data: { topic, payload } });
}

const message = (id: number) => t.runtime.deps.db.outboxMessage.findUniqueOrThrow({ where: { id } });

describe('the outbox worker', () => {
  it('handles a message once and marks it done', async () => {
    const topic = newTopic();
    const seen: unknown[] = [];
    const w = worker({ [topic]: async (payload) => void seen.push(payload) });
    const { id } = await enqueue(topic, { n: 1 });
    w.start();
    await eventually(async () => (await message(id)).doneAt !== null);
    await sleep(100);
    expect(seen).toEqual([{ n: 1 }]);
    expect(await message(id)).toMatchObject({ attempts: 1, lastError: null });
  });

  it('retries failures and marks the message done only after success', async () => {
    const topic = newTopic();
    const seen: number[] = [];
    const w = worker({
      [topic]: async (_payload, { attempts: attempt }) => {
        seen.push(attempt);
        if (attempt < 4) throw new Error(`boom ${attempt}`);
      },
    });
    const { id } = await enqueue(topic);
    w.start();
    const done = await eventually(async () => {
      const row = await message(id);
      return row.doneAt ? row : false;
    });
    expect(done).toMatchObject({ attempts: 4, lastError: null });
    // One attempt at a time, never repeated; the growing delays are checked on `backoff` itself below.
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  it('keeps the error of the last failed attempt while the message waits', async () => {
    const topic = newTopic();
    const w = worker({ [topic]: async () => Promise.reject(new RetryLater('remote down', 60_000)) });
    const { id } = await enqueue(topic);
    await w.runOnce();
    const row = await message(id);
    expect(row).toMatchObject({ attempts: 1, doneAt: null, lastError: 'remote down' });
    expect(row.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 50_000);
    expect(await w.runOnce()).toBe(0);
  });

  it('writes follow-up messages in the transaction that finishes the first and handles them at once', async () => {
    const [parent, child] = [newTopic(), newTopic()];
    const children: unknown[] = [];
    const w = worker({
      [parent]: async () => ({ enqueue: [1, 2].map((n) => ({ topic: child, payload: { n } })) }),
      [child]: async (payload) => void children.push(payload),
    });
    await enqueue(parent);
    expect(await w.runOnce()).toBe(3);
    // Due messages are handled concurrently, so their order is not part of the contract.
    expect(children).toHaveLength(2);
    expect(children).toEqual(expect.arrayContaining([{ n: 1 }, { n: 2 }]));
  });

  it('records a note for a message finished without its work', async () => {
    const topic = newTopic();
    const w = worker({ [topic]: async () => ({ note: 'nothing to do' }) });
    const { id } = await enqueue(topic);
    await w.runOnce();
    expect(await message(id)).toMatchObject({ lastError: 'nothing to do', doneAt: expect.any(Date) });
  });

  it('takes over a message whose worker died mid-way once its lease runs out', async () => {
    const topic = newTopic();
    const { id } = await enqueue(topic);
    // A worker claimed it (attempt 1, hidden for the lease) and then the process died.
    await t.runtime.deps.db.outboxMessage.update({ where: { id }, data: { attempts: 1, nextAttemptAt: new Date(Date.now() + 300) } });
    const seen: number[] = [];
    const w = worker({ [topic]: async (_p, { attempts }) => void seen.push(attempts) });
    expect(await w.runOnce()).toBe(0);
    await sleep(350);
    expect(await w.runOnce()).toBe(1);
    expect(seen).toEqual([2]);
    expect((await message(id)).doneAt).not.toBeNull();
  });

  it('lets two workers share the table without handling a message twice', async () => {
    const topic = newTopic();
    const handled: number[] = [];
    const handler: OutboxHandler = async (payload) => {
      await sleep(5);
      handled.push((payload as { n: number }).n);
    };
    const a = worker({ [topic]: handler }, { batchSize: 3 });
    const b = worker({ [topic]: handler }, { batchSize: 3 });
    for (let n = 0; n < 20; n++) await enqueue(topic, { n });
    await Promise.all([a.runOnce(), b.runOnce(), a.runOnce(), b.runOnce()]);
    await a.runOnce();
    expect(handled.sort((x, y) => x - y)).toEqual([...Array(20).keys()]);
  });

  it('lets workers of two processes (each with its own connections) run each message exactly once', async () => {
    // A second runtime on the same database is what a second gateway process holds.
    const other = await startRuntime(loadConfig({ DATABASE_URL: t.runtime.config.databaseUrl, SEED_DEMO: 'false' }), { migrate: false });
    try {
      const topic = newTopic();
      const runs = new Map<number, number>();
      const handler: OutboxHandler = async (payload) => {
        const { n } = payload as { n: number };
        runs.set(n, (runs.get(n) ?? 0) + 1);
        await sleep(2);
      };
      const a = worker({ [topic]: handler }, { batchSize: 4 });
      const b = new OutboxWorker({ db: other.deps.db, topics: JobTopics.of({ [topic]: handler }), pollMs: 20, batchSize: 4, log: () => {} });
      workers.push(b);
      for (let n = 0; n < 40; n++) await enqueue(topic, { n });
      a.start();
      b.start();
      await eventually(async () => (await t.runtime.deps.db.outboxMessage.count({ where: { topic, doneAt: null } })) === 0, 20_000);
      await b.stop();
      expect([...runs.keys()].sort((x, y) => x - y)).toEqual([...Array(40).keys()]);
      expect([...runs.values()].every((count) => count === 1)).toBe(true);
      const rows = await t.runtime.deps.db.outboxMessage.findMany({ where: { topic } });
      expect(rows.every((row) => row.attempts === 1)).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('handles topics registered after it started, and refuses a topic registered twice', async () => {
    const topics = new JobTopics();
    const w = new OutboxWorker({ db: t.runtime.deps.db, topics, pollMs: 20, log: () => {} });
    workers.push(w);
    const late = newTopic();
    const { id } = await enqueue(late);
    w.start();
    topics.register(late, async () => {});
    await eventually(async () => (await message(id)).doneAt !== null, 5000);
    expect(() => topics.register(late, async () => {})).toThrow(/registered twice/);
  });

  it("takes over a message a dead worker claimed once the topic's own lease runs out, not the default minute", async () => {
    const topic = newTopic();
    let release!: () => void;
    const hung = new Promise<void>((resolve) => (release = resolve));
    // A worker that claimed the message and never finished it: a process killed mid-job.
    const dead = new JobTopics();
    dead.register(topic, () => hung, { leaseMs: 200 });
    const a = new OutboxWorker({ db: t.runtime.deps.db, topics: dead, pollMs: 20, log: () => {} });
    const { id } = await enqueue(topic);
    const stranded = a.runOnce();
    await eventually(async () => (await message(id)).attempts === 1);
    const seen: number[] = [];
    const live = new JobTopics();
    live.register(topic, async (_payload, { attempts }) => void seen.push(attempts), { leaseMs: 200 });
    const b = new OutboxWorker({ db: t.runtime.deps.db, topics: live, pollMs: 20, log: () => {} });
    workers.push(b);
    b.start();
    await eventually(async () => (await message(id)).doneAt !== null, 5000);
    expect(seen).toEqual([2]);
    // The first worker finishing late does not touch a message another one took over.
    release();
    await stranded;
    expect(await message(id)).toMatchObject({ attempts: 2, lastError: null });
  });

  it('wakes at once instead of waiting for the next poll', async () => {
    const topic = newTopic();
    const w = worker({ [topic]: async () => {} }, { pollMs: 60_000 });
    w.start();
    await sleep(50);
    const { id } = await enqueue(topic);
    w.wake();
    await eventually(async () => (await message(id)).doneAt !== null, 2000);
  });

  it('finishes due work when stopped, then handles nothing more', async () => {
    const topic = newTopic();
    const seen: number[] = [];
    const w = worker({ [topic]: async (payload) => void seen.push((payload as { n: number }).n) }, { pollMs: 60_000 });
    w.start();
    await sleep(50);
    for (let n = 0; n < 5; n++) await enqueue(topic, { n });
    await w.stop();
    expect(seen).toHaveLength(5);
    await enqueue(topic, { n: 99 });
    await sleep(100);
    expect(seen).toHaveLength(5);
  });

  it('leaves topics it has no handler for alone', async () => {
    const mine = newTopic();
    const { id } = await enqueue(newTopic());
    const w = worker({ [mine]: async () => {} });
    await w.runOnce();
    expect(await message(id)).toMatchObject({ attempts: 0, doneAt: null });
  });

  it('backs off exponentially up to the cap and honours a longer server delay', () => {
    const w = new OutboxWorker({ db: t.runtime.deps.db, topics: new JobTopics(), pollMs: 1000, backoffBaseMs: 1000, backoffMaxMs: 60_000 });
    expect(w.backoff(1)).toBeGreaterThanOrEqual(800);
    expect(w.backoff(1)).toBeLessThanOrEqual(1200);
    expect(w.backoff(4)).toBeGreaterThanOrEqual(6400);
    expect(w.backoff(40)).toBeLessThanOrEqual(72_000);
    expect(w.backoff(1, 30_000)).toBe(30_000);
  });
});
