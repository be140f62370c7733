import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { systemActor, WriteSource } from '../src/domain/context.ts';
import { createApiToken, createStore } from '../src/domain/stores/store.service.ts';
import { globalIdOf } from '../src/graphql/global-ids.ts';
import { startRuntime } from '../src/runtime.ts';
import { createScratchDatabase, type ScratchDatabase, testProvider } from './helpers/database.ts';
import { seedCard, seedCustomerCard } from './helpers/factories.ts';
import { connectWs, type LiveResult, subscribeSse } from './helpers/live.ts';
import { runNode } from './helpers/process.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Gateway {
  url: string;
  child: ChildProcess;
  output: string[];
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** `node --import tsx src/main.ts` on a free port, resolved once it says where it listens. */
function startGateway(env: Record<string, string>): Promise<Gateway> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', SEED_DEMO: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise<Gateway>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output.push(String(chunk));
      const url = /listening on (http:\/\/\S+)/.exec(output.join(''))?.[1];
      if (url) {
        resolve({
          url,
          child,
          output,
          stop: async () => {
            if (child.exitCode === null) child.kill('SIGTERM');
            return exited;
          },
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => output.push(String(chunk)));
    void exited.then((code) => reject(new Error(`gateway exited with ${code} before listening:\n${output.join('')}`)));
  });
}

/** The next result for `customerCardId`, skipping others (the probes below). */
async function nextFor(results: { next(ms?: number): Promise<LiveResult | undefined> }, customerCardId: number) {
  for (;;) {
    const result = await results.next();
    if (!result?.data) throw new Error(`expected an event, got ${JSON.stringify(result)}`);
    if (result.data.stampsChanged.customerCard.databaseId === customerCardId) return result.data.stampsChanged;
  }
}

const SUBSCRIPTION = `subscription Watch($customerCardId: ID, $cardId: ID) {
  stampsChanged(customerCardId: $customerCardId, cardId: $cardId) {
    kind delta
    customerCard { databaseId stampsCount }
    ledgerEntry { balanceAfter source }
  }
}`;

// Runs in the PostgreSQL project only: two processes need a database server they can share.
describe.runIf(testProvider === 'postgresql')('two gateway processes sharing PostgreSQL and Redis', () => {
  let scratch: ScratchDatabase;
  let a: Gateway;
  let b: Gateway;
  let scene: Awaited<ReturnType<typeof seed>>;
  let env: Record<string, string>;

  async function seed(url: string) {
    const runtime = await startRuntime(loadConfig({ DATABASE_URL: url, SEED_DEMO: 'false' }), { migrate: false });
    try {
      const { store, token } = await createStore(runtime.deps.db, 'Two gateways');
      const actor = systemActor(store.id, WriteSource.REST);
      const { card } = await seedCard(runtime.deps, actor);
      const watched = await seedCustomerCard(runtime.deps, actor, card.id);
      const probe = await seedCustomerCard(runtime.deps, actor, card.id);
      const resumed = await seedCustomerCard(runtime.deps, actor, card.id);
      const doomedToken = await createApiToken(runtime.deps.db, store.id);
      return { storeId: store.id, token, doomedToken, card, watched, probe, resumed };
    } finally {
      await runtime.close();
    }
  }

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    scene = await seed(scratch.url);
    // Tokens are trusted for an hour (and swept hourly): only the revocation notice ends anything sooner.
    env = { DATABASE_URL: scratch.url, REDIS_URL: redisUrl, REDIS_PREFIX: `stampline-test-${randomBytes(6).toString('hex')}:`, TOKEN_CACHE_SECONDS: '3600' };
    [a, b] = await Promise.all([startGateway(env), startGateway(env)]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await scratch?.drop();
  }, 60_000);

  it('a revocation published through Redis ends the open streams of the token on every gateway at once', { timeout: 120_000 }, async () => {
    const token = scene.doomedToken;
    const variables = { customerCardId: globalIdOf('CustomerCard', scene.watched.customerCard.id) };
    const onA = await subscribeSse(a.url, token, SUBSCRIPTION, variables);
    expect(onA.status).toBe(200);
    const onB = connectWs(b.url, { authorization: `Bearer ${token}` });
    await onB.acknowledged;
    onB.subscribe(SUBSCRIPTION, variables);

    // The admin command is a third process: it writes the revocation and publishes the notice.
    const revoked = await runNode(['src/cli/bin.js', 'token', 'revoke', '--token', token], env);
    expect(revoked, revoked.stderr).toMatchObject({ status: 0, stdout: '{"revoked":true}\n' });

    await onA.ended;
    expect(onA.results.received.at(-1)).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(await onB.closed).toMatchObject({ code: 4401, reason: 'The API token was revoked' });
    // Both gateways had the token cached for the hour, and forgot it.
    for (const gateway of [a, b]) {
      const response = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ store { name } }' }),
      });
      expect(response.status).toBe(401);
    }
  });

  it('revokeApiToken through the API on gateway B ends the token on gateway A at once, open streams too', { timeout: 120_000 }, async () => {
    const graphql = async (gateway: Gateway, token: string, query: string, variables?: Record<string, unknown>) => {
      const response = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary shapes
      return { status: response.status, body: (await response.json()) as { data?: Record<string, any>; errors?: unknown[] } };
    };
    // An admin mints a till token on A; the till works on both gateways and holds a stream open on A.
    const created = await graphql(a, scene.token, 'mutation { createApiToken(input: {scope: TILL, name: "Counter"}) { token apiToken { id } userErrors { code } } }');
    const { token: till, apiToken } = created.body.data!.createApiToken;
    for (const gateway of [a, b]) expect((await graphql(gateway, till, '{ store { name } }')).status).toBe(200);
    const variables = { customerCardId: globalIdOf('CustomerCard', scene.watched.customerCard.id) };
    const onA = await subscribeSse(a.url, till, SUBSCRIPTION, variables);
    expect(onA.status).toBe(200);

    const revoked = await graphql(b, scene.token, 'mutation($id: ID!) { revokeApiToken(input: {id: $id}) { userErrors { code } } }', { id: apiToken.id });
    expect(revoked.body).toMatchObject({ data: { revokeApiToken: { userErrors: [] } } });
    expect(revoked.body.errors).toBeUndefined();

    await onA.ended;
    expect(onA.results.received.at(-1)).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    // A cached the till token for the hour and forgot it on the notice.
    for (const gateway of [a, b]) expect((await graphql(gateway, till, '{ store { name } }')).status).toBe(401);
  });

  it("numbers each store's events gap-free in commit order when 50 writers go through both gateways", { timeout: 90_000 }, async () => {
    const runtime = await startRuntime(loadConfig({ DATABASE_URL: scratch.url, SEED_DEMO: 'false' }), { migrate: false });
    try {
      const { db } = runtime.deps;
      const stores = await Promise.all(
        ['Busy', 'Quiet'].map(async (name) => {
          const { store, token } = await createStore(db, name);
          const actor = systemActor(store.id, WriteSource.REST);
          const { card, rewards } = await seedCard(runtime.deps, actor, { stampsRequired: 10 }, [{ name: 'Treat', stampsRequired: 3 }]);
          const cards = [];
          for (let i = 0; i < 4; i++) cards.push(await seedCustomerCard(runtime.deps, actor, card.id));
          return { storeId: store.id, token, cards, reward: rewards[0]! };
        }),
      );
      // A stream of the busy store on each gateway: both see every balance event in log order, each once,
      // though the two gateways publish their own commits and race each other to Redis.
      // The stream selects its cursor alone: nothing to read per event while 50 writers hold the pool.
      const query = 'subscription($s: ID) { stampsChanged(storeId: $s) { cursor } }';
      const busy = stores[0]!;
      const streams = await Promise.all([a, b].map((gateway) => subscribeSse(gateway.url, busy.token, query, { s: globalIdOf('Store', busy.storeId) })));
      const writes = Array.from({ length: 50 }, async (_, i) => {
        const scene = stores[i % 5 === 0 ? 1 : 0]!;
        const { customer, customerCard } = scene.cards[i % scene.cards.length]!;
        const gateway = i % 2 === 0 ? a : b;
        const redeem = i % 3 === 2;
        const response = await fetch(
          `${gateway.url}/api/v1/accounts/${scene.storeId}/customers/${customer.id}/customer_cards/${customerCard.id}/${redeem ? 'redeem' : 'stamp'}`,
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${scene.token}` },
            body: JSON.stringify(redeem ? { reward_id: scene.reward.id } : { stamps: 1 + (i % 4) }),
          },
        );
        // A redemption the balance does not cover yet is refused (422) and rolls back; so does a write
        // that waited too long for a connection on an overloaded machine (503).
        expect([200, 422, 503]).toContain(response.status);
        return response.status;
      });
      expect((await Promise.all(writes)).filter((status) => status === 200).length).toBeGreaterThan(10);
      for (const scene of stores) {
        const events = await db.storeEvent.findMany({ where: { storeId: scene.storeId }, orderBy: { sequence: 'asc' } });
        expect(events.map((e) => e.sequence)).toEqual(events.map((_, index) => index + 1));
        const ledger = await db.ledgerEntry.findMany({ where: { storeId: scene.storeId }, orderBy: { id: 'asc' } });
        const balanceEvents = events.filter((e) => e.ledgerEntryId !== null && e.type !== 'reward.unlocked');
        expect(balanceEvents.map((e) => e.ledgerEntryId).sort((x, y) => x! - y!)).toEqual(ledger.map((entry) => entry.id));
        for (const { customerCard } of scene.cards) {
          const { stampsCount } = await db.customerCard.findUniqueOrThrow({ where: { id: customerCard.id } });
          const entries = ledger.filter((entry) => entry.customerCardId === customerCard.id);
          expect(entries.reduce((sum, entry) => sum + entry.delta, 0)).toBe(stampsCount);
          let balance = 0;
          for (const event of balanceEvents.filter((e) => e.customerCardId === customerCard.id)) {
            const entry = (event.data as { ledger_entry: { delta: number; balance_after: number } }).ledger_entry;
            expect(entry.balance_after).toBe(balance + entry.delta);
            balance = entry.balance_after;
          }
          expect(balance).toBe(stampsCount);
        }
      }
      const listed = await fetch(`${a.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${busy.token}` },
        body: JSON.stringify({ query: '{ store { events(first: 100) { edges { cursor } } } }' }),
      });
      const logged = ((await listed.json()) as { data: { store: { events: { edges: Array<{ cursor: string }> } } } }).data.store.events.edges.map((edge) => edge.cursor);
      expect(logged.length).toBeGreaterThan(10);
      for (const stream of streams) {
        const delivered: string[] = [];
        for (let i = 0; i < logged.length; i++) delivered.push((await stream.results.data()).stampsChanged.cursor);
        expect(delivered).toEqual(logged);
        stream.close();
      }
    } finally {
      await runtime.close();
    }
  });

  it("a stream resumed on one gateway with a cursor from the other's stream gets exactly the events it missed", { timeout: 90_000 }, async () => {
    const { token, resumed } = scene;
    const id = globalIdOf('CustomerCard', resumed.customerCard.id);
    const query = `subscription($id: ID, $after: String) { stampsChanged(customerCardId: $id, after: $after) { cursor ledgerEntry { balanceAfter } } }`;
    const stamp = async (gateway: Gateway, stamps: number) => {
      const response = await fetch(
        `${gateway.url}/api/v1/accounts/${scene.storeId}/customers/${resumed.customer.id}/customer_cards/${resumed.customerCard.id}/stamp`,
        { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ stamps }) },
      );
      expect(response.status).toBe(200);
    };
    const onB = await subscribeSse(b.url, token, query, { id });
    await stamp(a, 1);
    const seen = (await onB.results.data()).stampsChanged;
    expect(seen.ledgerEntry.balanceAfter).toBe(1);
    onB.close();
    // Missed: written through both gateways while no stream was open.
    for (let i = 0; i < 6; i++) await stamp(i % 2 === 0 ? a : b, 1);
    const onA = await subscribeSse(a.url, token, query, { id, after: seen.cursor });
    const balances: number[] = [];
    for (let i = 0; i < 6; i++) balances.push((await onA.results.data()).stampsChanged.ledgerEntry.balanceAfter);
    expect(balances).toEqual([2, 3, 4, 5, 6, 7]);
    // And live from there, whichever gateway writes.
    await stamp(b, 1);
    expect((await onA.results.data()).stampsChanged.ledgerEntry.balanceAfter).toBe(8);
    onA.close();
  });

  it("delivers stamps written through one gateway's REST and GraphQL to SSE and WebSocket subscribers of the other", { timeout: 90_000 }, async () => {
    const { token, watched, probe } = scene;
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const stampGraphQL = async (customerCardId: number, stamps: number) => {
      const response = await fetch(`${b.url}/graphql`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          query: 'mutation ($input: AddStampsInput!) { addStamps(input: $input) { userErrors { message } } }',
          variables: { input: { customerCardId: globalIdOf('CustomerCard', customerCardId), stamps } },
        }),
      });
      expect(await response.json()).toMatchObject({ data: { addStamps: { userErrors: [] } } });
    };

    // SSE answers once the subscription is live (Redis has confirmed the channel).
    const sse = await subscribeSse(a.url, token, SUBSCRIPTION, { customerCardId: globalIdOf('CustomerCard', watched.customerCard.id) });
    expect(sse.status).toBe(200);
    // graphql-ws does not acknowledge a subscription: stamp another customer card of the card
    // through B until the WebSocket subscriber on A sees one, then it is live too.
    const ws = connectWs(a.url, { authorization: `Bearer ${token}` });
    await ws.acknowledged;
    const wsSubscription = ws.subscribe(SUBSCRIPTION, { cardId: globalIdOf('Card', scene.card.id) });
    for (let live = false; !live; ) {
      await stampGraphQL(probe.customerCard.id, 1);
      live = Boolean(await wsSubscription.results.next(1000).catch(() => undefined));
    }

    const rest = await fetch(
      `${b.url}/api/v1/accounts/${scene.storeId}/customers/${watched.customer.id}/customer_cards/${watched.customerCard.id}/stamp`,
      { method: 'POST', headers, body: JSON.stringify({ stamps: 2 }) },
    );
    expect(rest.status).toBe(200);
    await stampGraphQL(watched.customerCard.id, 3);

    const expected = [
      { kind: 'STAMP', delta: 2, ledgerEntry: { balanceAfter: 2, source: 'REST' } },
      { kind: 'STAMP', delta: 3, ledgerEntry: { balanceAfter: 5, source: 'GRAPHQL' } },
    ];
    for (const event of expected) {
      expect(await nextFor(sse.results, watched.customerCard.id)).toMatchObject(event);
      expect(await nextFor(wsSubscription.results, watched.customerCard.id)).toMatchObject(event);
    }

    // SIGTERM with both streams open: A ends them and exits on its own.
    expect(await a.stop()).toBe(0);
    await sse.ended;
    // Ended as a dropped connection (a retry hint, no complete), so SSE clients come back and resume.
    expect(sse.completed()).toBe(false);
    expect(sse.retryHint()).toBeGreaterThan(0);
    expect((await ws.closed).code).toBe(1001);
  });
});
