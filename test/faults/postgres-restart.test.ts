import { afterAll, beforeAll, expect, it, onTestFinished } from 'vitest';
import { auditLedger, report } from './ledger-audit.ts';
import { type Gateway, type Scene, seedScene, startGateway } from './gateway.ts';
import { type PrivatePostgres, startPrivatePostgres } from './private-postgres.ts';
import { startStampers } from './stampers.ts';

const CLIENTS = 20;

let postgres: PrivatePostgres;
let gateway: Gateway;
let scene: Scene;

beforeAll(async () => {
  postgres = await startPrivatePostgres();
  scene = await seedScene(postgres.url, CLIENTS);
  gateway = await startGateway({ DATABASE_URL: postgres.url });
});

afterAll(async () => {
  // A gateway that died shows why in its own output.
  if (gateway && gateway.process.child.exitCode !== null) console.error(`gateway exited:\n${gateway.process.stderr.slice(-5000)}`);
  await gateway?.process.stop('SIGKILL');
  postgres?.destroy();
});

/**
 * fetch, tried again when the connection itself fails: a keep-alive socket the server closed just as
 * it was reused resets the request before the gateway sees it. The gateway's answer is what is tested.
 */
async function probe(url: string, init: RequestInit = {}): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

const cardUrl = () =>
  `${gateway.url}/api/v1/accounts/${scene.storeId}/customers/${scene.cards[0]!.customerId}/customer_cards/${scene.cards[0]!.customerCardId}`;

it.each([
  ['restart', 'fast'],
  ['crash', 'immediate'],
] as const)(
  'loses and doubles no acknowledged stamp when PostgreSQL goes down (%s) under 20 stamping clients, answers 503 meanwhile and serves again without a restart of its own',
  async (kind, mode) => {
    const stampers = startStampers(() => gateway.url, scene);
    onTestFinished(() => stampers.abort());
    await stampers.waitForAcknowledged(5);

    postgres.stop(mode);
    const downSince = Date.now();
    let whileDown: Response;
    let downBody: unknown;
    let graphqlWhileDown: Response;
    let graphqlDownBody: string;
    try {
      // While the database is down the gateway answers at once, with the documented error shapes.
      whileDown = await probe(cardUrl(), { headers: { authorization: `Bearer ${scene.token}` } });
      downBody = await whileDown.json();
      graphqlWhileDown = await probe(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { authorization: `Bearer ${scene.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ store { name } }' }),
      });
      graphqlDownBody = await graphqlWhileDown.text();
      // The outage lasts while the clients keep retrying; then the server comes back.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    } finally {
      postgres.start();
    }
    const upAt = Date.now();
    const acknowledgedBefore = stampers.log.acknowledged.length;
    await stampers.waitForAcknowledged(1);
    const recoveredMs = Date.now() - upAt;
    await stampers.waitForAcknowledged(5);
    const log = await stampers.stop();

    const audit = await auditLedger(postgres.url, log);
    report(`postgres-${kind}`, audit, {
      clients: CLIENTS,
      outageMs: upAt - downSince,
      firstWriteAfterRestartMs: recoveredMs,
      statuses: JSON.stringify(Object.fromEntries(log.statuses)),
    });

    expect(whileDown.status).toBe(503);
    expect(downBody).toEqual({ error: expect.any(String), request_id: expect.any(String) });
    expect(whileDown.headers.get('retry-after')).toBe('1');
    expect(graphqlWhileDown.status, graphqlDownBody).toBe(503);
    expect(JSON.parse(graphqlDownBody).errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    expect(log.acknowledged.length).toBeGreaterThan(acknowledgedBefore);
    expect(log.unacknowledged).toEqual([]);
    expect(log.statuses.get('500') ?? 0).toBe(0);
    expect(log.malformed).toEqual([]);
    expect(audit.lost).toBe(0);
    expect(audit.doubled).toBe(0);
    expect(audit.balanceMismatches).toBe(0);
    expect(audit.runningSumMismatches).toBe(0);
    expect(gateway.process.child.exitCode).toBeNull();
  },
);
