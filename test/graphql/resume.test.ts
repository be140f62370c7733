import fc from 'fast-check';
import type { GraphQLError } from 'graphql';
import { createPubSub } from 'graphql-yoga';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { addStamps, redeemReward } from '../../src/domain/customer-cards/customer-card.service.ts';
import { pruneEvents } from '../../src/domain/ledger/event-retention.ts';
import { globalIdOf } from '../../src/graphql/global-ids.ts';
import { EventsPrunedError, readLoggedSequences } from '../../src/domain/ledger/event-replay.ts';
import { maskError } from '../../src/graphql/errors.ts';
import type { Topics } from '../../src/live/pubsub.ts';
import { resumeStampFeed } from '../../src/live/resume.ts';
import { createStampFeed } from '../../src/live/stamp-feed.ts';
import { seedCard, seedCustomerCard } from '../helpers/factories.ts';
import { graphqlClient } from '../helpers/graphql.ts';
import { connectWs, eventually, subscribeSse } from '../helpers/live.ts';
import { newStore } from '../helpers/runtime.ts';
import { useServer } from '../helpers/server.ts';

const t = useServer();
const api = graphqlClient(t);
const deps = () => t.runtime.deps;

const STREAM = `
  subscription Stream($storeId: ID, $cardId: ID, $customerCardId: ID, $after: String) {
    stampsChanged(storeId: $storeId, cardId: $cardId, customerCardId: $customerCardId, after: $after) {
      id cursor kind delta ledgerEntry { databaseId balanceAfter }
    }
  }`;

interface StreamEvent {
  id: string;
  cursor: string;
  kind: string;
  delta: number;
  ledgerEntry: { databaseId: number; balanceAfter: number };
}

/** A store with two cards, two customer cards on the first and one on the second. */
async function scene() {
  const store = await newStore(t.runtime);
  const first = await seedCard(deps(), store.actor, { name: 'Coffee', stampsRequired: 21 }, [{ name: 'Cake', stampsRequired: 2 }]);
  const second = await seedCard(deps(), store.actor, { name: 'Tea', stampsRequired: 21 });
  const customerCards = [
    (await seedCustomerCard(deps(), store.actor, first.card.id)).customerCard,
    (await seedCustomerCard(deps(), store.actor, first.card.id)).customerCard,
    (await seedCustomerCard(deps(), store.actor, second.card.id)).customerCard,
  ];
  const stamp = (index = 0, stamps = 1) => addStamps(deps(), store.actor, { customerCardId: customerCards[index]!.id, stamps });
  /** The balance events of the log that `filter` matches, in order: ledger entry ids. */
  const logged = async (filter: { cardId?: number; customerCardId?: number } = {}) => {
    const rows = await deps().db.storeEvent.findMany({
      where: { storeId: store.actor.storeId, type: { in: ['stamp.earned', 'reward.redeemed'] }, ...filter },
      orderBy: { sequence: 'asc' },
    });
    return rows.map((row) => row.ledgerEntryId);
  };
  return {
    ...store,
    customerCards,
    rewardId: first.rewards[0]!.id,
    cardIds: [first.card.id, second.card.id],
    storeGid: globalIdOf('Store', store.actor.storeId),
    stamp,
    logged,
  };
}

let pruning: Promise<unknown> = Promise.resolve();
/** Deletes the store's log up to `sequence`, as the retention job does (the oldest first). */
function prunedThrough(storeId: number, sequence: number): Promise<unknown> {
  pruning = deps().db.storeEvent.deleteMany({ where: { storeId, sequence: { lte: sequence } } });
  return pruning;
}

/** No stream of an earlier test is still held, so `subscribed()` sees this test's. */
const idle = () => eventually(() => t.server.liveStats().subscribers, (n) => n === 0);
/** Resolves once a stream is live; a stamp written after it reaches the stream. */
const subscribed = () => eventually(() => t.server.liveStats().subscribers, (n) => n > 0);

async function take<T>(iterator: AsyncIterator<T>, count: number): Promise<T[]> {
  const items: T[] = [];
  while (items.length < count) {
    const step = await iterator.next();
    if (step.done) throw new Error(`stream ended after ${items.length} of ${count}: ${JSON.stringify(items)}`);
    items.push(step.value);
  }
  return items;
}

function eventsOf<T extends { data?: unknown; errors?: unknown }>(results: AsyncIterable<T>): AsyncIterator<StreamEvent> {
  const source = results[Symbol.asyncIterator]();
  return {
    async next(): Promise<IteratorResult<StreamEvent>> {
      const step = await source.next();
      if (step.done) return { done: true, value: undefined };
      if (step.value.errors) throw new Error(JSON.stringify(step.value.errors));
      return { done: false, value: (step.value.data as { stampsChanged: StreamEvent }).stampsChanged };
    },
    return: async () => {
      await source.return?.();
      return { done: true, value: undefined };
    },
  };
}

describe('resuming stampsChanged after a cursor', () => {
  it('graphql-ws: cut the connection, 20 stamps, reconnect with the last cursor: exactly those 20, in order, then live', async () => {
    const s = await scene();
    await idle();
    const open = () =>
      createWsClient({ url: `${t.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${s.token}` } });
    const client = open();
    const first = eventsOf(client.iterate({ query: STREAM, variables: { storeId: s.storeGid } }));
    // The subscription is live once a stamp arrives through it.
    const [seen] = await Promise.all([take(first, 1), subscribed().then(() => s.stamp())]);
    await client.dispose();

    const missed: number[] = [];
    for (let i = 0; i < 20; i++) missed.push((await s.stamp(i % 3)).ledgerEntry.id);

    const again = open();
    const resumed = eventsOf(again.iterate({ query: STREAM, variables: { storeId: s.storeGid, after: seen[0]!.cursor } }));
    const replayed = await take(resumed, 20);
    expect(replayed.map((event) => event.ledgerEntry.databaseId)).toEqual(missed);
    expect(new Set(replayed.map((event) => event.id)).size).toBe(20);
    const live = (await s.stamp()).ledgerEntry.id;
    expect((await take(resumed, 1))[0]!.ledgerEntry.databaseId).toBe(live);
    await resumed.return?.();
    await again.dispose();
  });

  it('graphql-sse (stock client): the same 20 after reconnecting with the last cursor', async () => {
    const s = await scene();
    await idle();
    const open = () => createSseClient({ url: `${t.url}/graphql`, headers: { authorization: `Bearer ${s.token}` }, retryAttempts: 0 });
    const client = open();
    const first = eventsOf(client.iterate({ query: STREAM, variables: { customerCardId: globalIdOf('CustomerCard', s.customerCards[0]!.id) } }));
    const [seen] = await Promise.all([take(first, 1), subscribed().then(() => s.stamp(0))]);
    await first.return?.();
    client.dispose();

    const missed: number[] = [];
    for (let i = 0; i < 20; i++) {
      const written = await s.stamp(i % 2);
      if (i % 2 === 0) missed.push(written.ledgerEntry.id);
    }
    for (let i = 0; i < 10; i++) missed.push((await s.stamp(0)).ledgerEntry.id);

    const again = open();
    const resumed = eventsOf(
      again.iterate({ query: STREAM, variables: { customerCardId: globalIdOf('CustomerCard', s.customerCards[0]!.id), after: seen[0]!.cursor } }),
    );
    expect((await take(resumed, 20)).map((event) => event.ledgerEntry.databaseId)).toEqual(missed);
    await resumed.return?.();
    again.dispose();
  });

  it('SSE: every event has an id: line (its cursor), and Last-Event-ID resumes after it', async () => {
    const s = await scene();
    const sse = await subscribeSse(t.url, s.token, STREAM, { cardId: globalIdOf('Card', s.cardIds[0]!) });
    await s.stamp(0);
    const first = (await sse.results.data()).stampsChanged as StreamEvent;
    expect(sse.eventIds).toEqual([first.cursor]);
    sse.close();

    const missed: number[] = [];
    for (let i = 0; i < 20; i++) {
      const written = await s.stamp(i % 3);
      if (i % 3 !== 2) missed.push(written.ledgerEntry.id);
    }
    await redeemReward(deps(), s.actor, { customerCardId: s.customerCards[0]!.id, rewardId: s.rewardId });

    const resumed = await subscribeSse(t.url, s.token, STREAM, { cardId: globalIdOf('Card', s.cardIds[0]!) }, undefined, { 'Last-Event-ID': first.cursor });
    const replayed: StreamEvent[] = [];
    while (replayed.length < missed.length + 1) replayed.push((await resumed.results.data()).stampsChanged);
    expect(replayed.slice(0, -1).map((event) => event.ledgerEntry.databaseId)).toEqual(missed);
    expect(replayed.at(-1)).toMatchObject({ kind: 'REDEEM', delta: -2 });
    expect(resumed.eventIds).toEqual(replayed.map((event) => event.cursor));
    resumed.close();
  });

  it('an after argument wins over Last-Event-ID; a forged or foreign cursor is BAD_USER_INPUT', async () => {
    const s = await scene();
    const other = await scene();
    await s.stamp();
    await other.stamp();
    const [mine] = (await api.data(s.token, '{ store { events { edges { cursor } } } }')).store.events.edges;
    const [theirs] = (await api.data(other.token, '{ store { events { edges { cursor } } } }')).store.events.edges;

    const both = await subscribeSse(t.url, s.token, STREAM, { storeId: s.storeGid, after: mine.cursor }, undefined, { 'Last-Event-ID': 'nonsense' });
    const written = (await s.stamp()).ledgerEntry.id;
    expect((await both.results.data()).stampsChanged.ledgerEntry.databaseId).toBe(written);
    both.close();

    for (const after of [theirs.cursor, 'AAAAAQAAAAAAAAAAAAAAAA', 'not a cursor']) {
      const refused = await subscribeSse(t.url, s.token, STREAM, { storeId: s.storeGid, after });
      const result = await refused.results.next();
      expect(result?.errors?.[0]?.extensions?.code, after).toBe('BAD_USER_INPUT');
    }
    const ws = connectWs(t.url, { authorization: `Bearer ${s.token}` });
    const refused = ws.subscribe(STREAM, { storeId: s.storeGid, after: theirs.cursor });
    expect((await refused.results.next())?.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    ws.close();
  });

  it('a cursor older than the retained log is refused with CURSOR_EXPIRED; a cursor at its edge still resumes', async () => {
    const s = await scene();
    for (let i = 0; i < 4; i++) await s.stamp();
    const edges = (await api.data(s.token, '{ store { events { edges { cursor node { ledgerEntry { databaseId } } } } } }')).store.events.edges;
    expect(edges).toHaveLength(4);
    // Everything up to the second stamp is long past the retention.
    const second = await deps().db.storeEvent.findFirstOrThrow({ where: { ledgerEntryId: edges[1].node.ledgerEntry.databaseId } });
    await deps().db.storeEvent.updateMany({
      where: { storeId: s.actor.storeId, sequence: { lte: second.sequence } },
      data: { occurredAt: new Date('2000-01-01T00:00:00Z') },
    });
    expect(await pruneEvents(deps().db, new Date('2001-01-01T00:00:00Z'))).toBe(second.sequence);
    expect(await deps().db.storeEvent.count({ where: { storeId: s.actor.storeId, sequence: { lte: second.sequence } } })).toBe(0);

    const expired = await subscribeSse(t.url, s.token, STREAM, { storeId: s.storeGid, after: edges[0].cursor });
    const result = await expired.results.next();
    expect(result?.errors?.[0]?.extensions?.code).toBe('CURSOR_EXPIRED');
    expect(result?.errors?.[0]?.message).toMatch(/reload/);
    const ws = connectWs(t.url, { authorization: `Bearer ${s.token}` });
    const refused = ws.subscribe(STREAM, { storeId: s.storeGid, after: edges[0].cursor });
    expect((await refused.results.next())?.errors?.[0]?.extensions?.code).toBe('CURSOR_EXPIRED');
    ws.close();

    // The last pruned event's cursor misses nothing: what follows it is all still there.
    const edge = await subscribeSse(t.url, s.token, STREAM, { storeId: s.storeGid, after: edges[1].cursor });
    expect((await edge.results.data()).stampsChanged.ledgerEntry.databaseId).toBe(edges[2].node.ledgerEntry.databaseId);
    expect((await edge.results.data()).stampsChanged.ledgerEntry.databaseId).toBe(edges[3].node.ledgerEntry.databaseId);
    edge.close();
  });

  it('a replay that retention overtakes between two pages ends with EventsPrunedError, coded CURSOR_EXPIRED', async () => {
    const s = await scene();
    for (let i = 0; i < 6; i++) await s.stamp();
    const feed = createStampFeed({ pubsub: createPubSub<Topics>(), listening: async () => {} }, deps().db);
    const pages: number[][] = [];
    const stream = await resumeStampFeed(feed, deps().db, s.actor.storeId, {}, 0, {
      pageSize: 2,
      onPage: (page) => {
        pages.push(page.map((event) => event.sequence));
        // The retention job runs while the first page is being sent: it takes that page and the next event.
        if (pages.length === 1) void prunedThrough(s.actor.storeId, page[1]!.sequence + 1);
      },
    });
    const [first, second] = [await stream.next(), await stream.next()];
    expect([first.value?.sequence, second.value?.sequence]).toEqual(pages[0]);
    await pruning;
    const failure = await stream.next().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(EventsPrunedError);
    expect(pages).toHaveLength(1);
    expect(feed.stats()).toEqual({ stores: 0, subscribers: 0 });
    // Mid-stream it reaches the client as the same coded error a refused cursor gets.
    expect((maskError(failure, 'Unexpected error.') as GraphQLError).extensions.code).toBe('CURSOR_EXPIRED');

    // Without pruning the same small pages replay the whole log, in order.
    const other = await scene();
    for (let i = 0; i < 5; i++) await other.stamp();
    const whole = await resumeStampFeed(feed, deps().db, other.actor.storeId, {}, 0, { pageSize: 2 });
    expect((await take(whole, 5)).map((event) => event.ledgerEntryId)).toEqual(await other.logged());
    await whole.return?.();
  });

  it('pushed, a resume pushes the replay page by page, waits while paused, then live events past the seam', async () => {
    const s = await scene();
    for (let i = 0; i < 5; i++) await s.stamp();
    const pubsub = createPubSub<Topics>();
    const feed = createStampFeed({ pubsub, listening: async () => {} }, deps().db);
    const stream = await resumeStampFeed(feed, deps().db, s.actor.storeId, {}, 0, { pageSize: 2 });
    const pushed: number[] = [];
    stream.push((event) => {
      pushed.push(event.ledgerEntryId);
      if (pushed.length === 3) stream.pause();
    });
    const ended = stream.next();
    await eventually(() => pushed.length, (count) => count === 3);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pushed).toHaveLength(3);
    stream.resume();
    await eventually(() => pushed.length, (count) => count === 5);
    // Then live events: this test's pub/sub hears only what it is told, so it is told what the stamp logged.
    const before = (await readLoggedSequences(deps().db, s.actor.storeId, 0, 2 ** 31 - 1, 1000)).at(-1)!.sequence;
    await s.stamp();
    for (const entry of await readLoggedSequences(deps().db, s.actor.storeId, before, 2 ** 31 - 1, 1000)) {
      if (entry.event) pubsub.publish('stamps', s.actor.storeId, entry.event);
    }
    await eventually(() => pushed.length, (count) => count === 6);
    expect(pushed).toEqual(await s.logged());
    await stream.return?.();
    expect(await ended).toEqual({ done: true, value: undefined });
    expect(feed.stats()).toEqual({ stores: 0, subscribers: 0 });
  });

  it('pushed, a live event published during a multi-page replay neither ends the stream nor is lost', async () => {
    const s = await scene();
    const pubsub = createPubSub<Topics>();
    const feed = createStampFeed({ pubsub, listening: async () => {} }, deps().db);
    // Another stream holds the store's channel from before the stamps, so their late publishing still goes out.
    const holder = await feed.subscribe(s.actor.storeId, {});
    for (let i = 0; i < 6; i++) await s.stamp();
    const logged = await readLoggedSequences(deps().db, s.actor.storeId, 0, 2 ** 31 - 1, 1000);
    const publish = (entries: typeof logged) => {
      for (const entry of entries) if (entry.event) pubsub.publish('stamps', s.actor.storeId, entry.event);
    };
    let pages = 0;
    // The stamps are published while the second page is read, i.e. before the live stream is pushed.
    const stream = await resumeStampFeed(feed, deps().db, s.actor.storeId, {}, 0, {
      pageSize: 2,
      onPage: () => {
        if (++pages === 2) publish(logged);
      },
    });
    const pushed: number[] = [];
    stream.push((event) => pushed.push(event.ledgerEntryId));
    let ended: IteratorResult<unknown> | undefined;
    const end = stream.next().then((step) => (ended = step));
    await eventually(() => pushed.length, (count) => count === 6);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ended).toBeUndefined();
    expect(pushed).toEqual(await s.logged());
    // And the live events past the seam still come.
    await s.stamp();
    publish(await readLoggedSequences(deps().db, s.actor.storeId, logged.at(-1)!.sequence, 2 ** 31 - 1, 1000));
    await eventually(() => pushed.length, (count) => count === 7);
    expect(pushed).toEqual(await s.logged());
    expect(ended).toBeUndefined();
    await stream.return?.();
    await holder.return?.();
    expect(await end).toEqual({ done: true, value: undefined });
  });

  it('property: any interleaving of writes and resumes delivers exactly the log for the filter, in order', async () => {
    const s = await scene();
    const variablesFor = (filter: number) =>
      filter === 0
        ? { storeId: s.storeGid }
        : filter === 1
          ? { cardId: globalIdOf('Card', s.cardIds[0]!) }
          : { customerCardId: globalIdOf('CustomerCard', s.customerCards[0]!.id) };
    const logFilter = (filter: number) =>
      filter === 0 ? {} : filter === 1 ? { cardId: s.cardIds[0]! } : { customerCardId: s.customerCards[0]!.id };
    const step = fc.oneof(
      fc.record({ kind: fc.constant('write' as const), card: fc.integer({ min: 0, max: 2 }), together: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant('resume' as const), racing: fc.integer({ min: 0, max: 3 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 }), fc.array(step, { minLength: 1, maxLength: 12 }), async (filter, steps) => {
        const start = await s.logged(logFilter(filter));
        await s.stamp(filter === 2 ? 0 : filter === 1 ? 1 : 2);
        const baseline = await api.data(s.token, '{ store { events(last: 1) { edges { cursor } } } }');
        let cursor: string = baseline.store.events.edges[0].cursor;
        const received: number[] = [];
        let sse = await subscribeSse(t.url, s.token, STREAM, { ...variablesFor(filter), after: cursor });
        // Drains what has arrived, keeping the last cursor.
        const drain = async (until: number) => {
          while (received.length < until) {
            const event = (await sse.results.data()).stampsChanged as StreamEvent;
            received.push(event.ledgerEntry.databaseId);
            cursor = event.cursor;
          }
        };
        const expectedCount = async () => (await s.logged(logFilter(filter))).length - start.length - 1;
        for (const action of steps) {
          if (action.kind === 'write') {
            await Promise.all(Array.from({ length: action.together }, () => s.stamp(action.card)));
          } else {
            // Read what the old stream already has, drop it, and resume while writes race the start.
            await drain(await expectedCount().then((n) => Math.max(0, n - 1)));
            sse.close();
            const [next] = await Promise.all([
              subscribeSse(t.url, s.token, STREAM, { ...variablesFor(filter), after: cursor }),
              ...Array.from({ length: action.racing }, (_, i) => s.stamp(i % 3)),
            ]);
            sse = next;
          }
        }
        const total = await expectedCount();
        await drain(total);
        sse.close();
        const log = (await s.logged(logFilter(filter))).slice(start.length + 1);
        expect(received).toEqual(log);
      }),
      { numRuns: 12 },
    );
  });

  it('Store.events pages oldest first with the stream\'s cursors, filters by kind and card, and feeds a resume', async () => {
    const s = await scene();
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push((await s.stamp(i % 2)).ledgerEntry.id);
    const redeemed = await redeemReward(deps(), s.actor, { customerCardId: s.customerCards[0]!.id, rewardId: s.rewardId });
    const EVENTS = `query($first: Int, $last: Int, $after: String, $before: String, $kinds: [LedgerKind!], $card: ID) {
      store { events(first: $first, last: $last, after: $after, before: $before, kinds: $kinds, customerCardId: $card) {
        nodes { id kind ledgerEntry { databaseId } } edges { cursor node { cursor } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`;
    const page = async (variables: Record<string, unknown>) => (await api.data(s.token, EVENTS, variables)).store.events;
    const all = await page({});
    expect(all.nodes.map((node: { ledgerEntry: { databaseId: number } }) => node.ledgerEntry.databaseId)).toEqual([...ids, redeemed.ledgerEntry.id]);
    for (const edge of all.edges) expect(edge.cursor).toBe(edge.node.cursor);

    const recent = await page({ last: 2 });
    expect(recent.nodes.map((node: { ledgerEntry: { databaseId: number } }) => node.ledgerEntry.databaseId)).toEqual([ids[4], redeemed.ledgerEntry.id]);
    expect(recent.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    const earlier = await page({ last: 2, before: recent.pageInfo.startCursor });
    expect(earlier.nodes.map((node: { ledgerEntry: { databaseId: number } }) => node.ledgerEntry.databaseId)).toEqual([ids[2], ids[3]]);
    const forward = await page({ first: 2, after: all.edges[1].cursor });
    expect(forward.nodes.map((node: { ledgerEntry: { databaseId: number } }) => node.ledgerEntry.databaseId)).toEqual([ids[2], ids[3]]);
    expect(forward.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });

    expect((await api.data(s.token, '{ store { events(first: 1, kinds: [STAMP]) { totalCount } } }')).store.events.totalCount).toBe(5);
    expect((await api.data(s.token, '{ store { events(first: 1) { totalCount } } }')).store.events.totalCount).toBe(6);
    expect((await page({ kinds: ['REDEEM'] })).nodes).toEqual([expect.objectContaining({ kind: 'REDEEM' })]);
    expect((await page({ kinds: ['STAMP'] })).nodes).toHaveLength(5);
    expect((await page({ kinds: ['WELCOME'] })).nodes).toHaveLength(0);
    expect((await page({ card: globalIdOf('CustomerCard', s.customerCards[1]!.id) })).nodes).toHaveLength(2);

    const bad = await api.errors(s.token, EVENTS, { first: 101 });
    expect(bad.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    // The recent feed's last cursor continues live without a gap.
    const sse = await subscribeSse(t.url, s.token, STREAM, { storeId: s.storeGid, after: earlier.pageInfo.endCursor });
    expect((await sse.results.data()).stampsChanged.ledgerEntry.databaseId).toBe(ids[4]);
    expect((await sse.results.data()).stampsChanged.ledgerEntry.databaseId).toBe(redeemed.ledgerEntry.id);
    sse.close();
  });
});
