// The practical ceiling: a bare node:http server on the same database driver as the gateway
// (better-sqlite3, or pg with a pool of the same size), with hand-written SQL, answering the two REST
// routes the benchmark drives with the same JSON as the gateway. It authenticates the bearer token
// like the gateway (SHA-256, one lookup) and applies the same progress rules (pure functions of the
// domain), but has no framework, no validation library, no ORM and nothing else on the way.
// Statements are prepared once (better-sqlite3) or named (pg), as a hand-tuned server would do.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import pg from 'pg';
import {
  availableRewards,
  progressPercentage,
  stampsRemaining,
  statusOf,
} from '../src/domain/customer-cards/progress.rules.ts';
import { serveTarget } from './target-ipc.ts';

const url = process.env.BENCH_DATABASE_URL ?? '';
const publicUrl = 'http://localhost:4000';
const POOL_SIZE = 10;

interface CardRow {
  id: number;
  uuid: string;
  store_id: number;
  customer_id: number;
  card_id: number;
  stamps_count: number;
  pass_installed: boolean;
  issued_at: Date;
  created_at: Date;
  updated_at: Date;
  card_name: string;
  stamps_required: number;
  archived_at: Date | null;
}

interface RewardRow {
  id: number;
  store_id: number;
  card_id: number;
  name: string;
  description: string | null;
  stamps_required: number;
  position: number;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

/** The queries both routes need, on one driver. */
interface Store {
  storeOfToken(hash: string): Promise<number | undefined>;
  customerCard(id: number, storeId: number, customerId: number): Promise<CardRow | undefined>;
  rewards(cardId: number): Promise<RewardRow[]>;
  /** Adds stamps and writes their ledger entry in one transaction; the row after, or undefined. */
  stamp(id: number, storeId: number, customerId: number, stamps: number): Promise<CardRow | undefined>;
  close(): Promise<void>;
}

const SELECT_CARD = `SELECT cc.id, cc.uuid, cc.store_id, cc.customer_id, cc.card_id, cc.stamps_count, cc.pass_installed,
  cc.issued_at, cc.created_at, cc.updated_at, c.name AS card_name, c.stamps_required, c.archived_at
  FROM customer_cards cc JOIN cards c ON c.id = cc.card_id`;
const SELECT_REWARDS = 'SELECT * FROM rewards WHERE card_id = $1 ORDER BY position, id';
const SELECT_TOKEN = 'SELECT store_id FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL';

let statements = 0;

function sqliteStore(file: string): Store {
  const db = new Database(file, { timeout: 5000 });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  const positional = (sql: string) => db.prepare(sql.replace(/\$\d+/g, '?'));
  const token = positional(SELECT_TOKEN);
  const card = positional(`${SELECT_CARD} WHERE cc.id = $1 AND cc.store_id = $2 AND cc.customer_id = $3`);
  const rewards = positional(SELECT_REWARDS);
  const bump = positional(
    'UPDATE customer_cards SET stamps_count = stamps_count + $1, updated_at = $2 WHERE id = $3 RETURNING stamps_count',
  );
  const ledger = positional(
    `INSERT INTO ledger_entries (store_id, customer_card_id, kind, delta, balance_after, source, created_at)
     VALUES ($1, $2, 'STAMP', $3, $4, 'REST', $5)`,
  );
  // Prisma's SQLite adapter writes dates as ISO 8601 text with an explicit offset.
  const now = () => new Date().toISOString().replace('Z', '+00:00');
  const date = (value: unknown) => new Date(typeof value === 'number' ? value : String(value));
  const cardRow = (row: Record<string, unknown> | undefined): CardRow | undefined =>
    row && ({
      ...row,
      pass_installed: row.pass_installed === 1,
      issued_at: date(row.issued_at),
      created_at: date(row.created_at),
      updated_at: date(row.updated_at),
      archived_at: row.archived_at === null ? null : date(row.archived_at),
    } as CardRow);
  const stamp = db.transaction((id: number, storeId: number, stamps: number) => {
    const { stamps_count } = bump.get(stamps, now(), id) as { stamps_count: number };
    ledger.run(storeId, id, stamps, stamps_count, now());
  });
  return {
    storeOfToken: async (hash) => (statements++, (token.get(hash) as { store_id: number } | undefined)?.store_id),
    customerCard: async (id, storeId, customerId) => (statements++, cardRow(card.get(id, storeId, customerId) as Record<string, unknown>)),
    rewards: async (cardId) => {
      statements++;
      return (rewards.all(cardId) as Array<Record<string, unknown>>).map((row) => ({
        ...row,
        active: row.active === 1,
        created_at: date(row.created_at),
        updated_at: date(row.updated_at),
      })) as RewardRow[];
    },
    stamp: async (id, storeId, customerId, stamps) => {
      statements += 4; // BEGIN, UPDATE, INSERT, COMMIT
      stamp.immediate(id, storeId, stamps);
      statements++;
      return cardRow(card.get(id, storeId, customerId) as Record<string, unknown>);
    },
    close: async () => {
      db.close();
    },
  };
}

function postgresStore(connectionString: string): Store {
  // TIMESTAMP(3) columns hold UTC (as Prisma writes them), whatever the server's time zone.
  const types = { getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === 1114 ? (value: string) => new Date(`${value}Z`) : pg.types.getTypeParser(oid, format)) };
  const pool = new pg.Pool({ connectionString, max: POOL_SIZE, types: types as pg.CustomTypesConfig });
  const query = async <R extends pg.QueryResultRow>(client: pg.Pool | pg.PoolClient, name: string, text: string, values: unknown[]) => {
    statements++;
    return (await client.query<R>({ name, text, values })).rows;
  };
  const cardSql = `${SELECT_CARD} WHERE cc.id = $1 AND cc.store_id = $2 AND cc.customer_id = $3`;
  return {
    storeOfToken: async (hash) => (await query<{ store_id: number }>(pool, 'token', SELECT_TOKEN, [hash]))[0]?.store_id,
    customerCard: async (id, storeId, customerId) => (await query<CardRow>(pool, 'card', cardSql, [id, storeId, customerId]))[0],
    rewards: (cardId) => query<RewardRow>(pool, 'rewards', SELECT_REWARDS, [cardId]),
    stamp: async (id, storeId, customerId, stamps) => {
      const client = await pool.connect();
      try {
        statements++;
        await client.query('BEGIN');
        const [row] = await query<{ stamps_count: number }>(
          client,
          'bump',
          `UPDATE customer_cards SET stamps_count = stamps_count + $1, updated_at = now() AT TIME ZONE 'UTC'
           WHERE id = $2 AND store_id = $3 AND customer_id = $4 RETURNING stamps_count`,
          [stamps, id, storeId, customerId],
        );
        if (!row) {
          await client.query('ROLLBACK');
          return undefined;
        }
        await query(
          client,
          'ledger',
          `INSERT INTO ledger_entries (store_id, customer_card_id, kind, delta, balance_after, source)
           VALUES ($1, $2, 'STAMP', $3, $4, 'REST')`,
          [storeId, id, stamps, row.stamps_count],
        );
        statements++;
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      } finally {
        client.release();
      }
      return (await query<CardRow>(pool, 'card', cardSql, [id, storeId, customerId]))[0];
    },
    close: () => pool.end(),
  };
}

const store = url.startsWith('file:') ? sqliteStore(url.slice('file:'.length)) : postgresStore(url);

function present(card: CardRow, rewards: RewardRow[]) {
  const terms = { stampsRequired: card.stamps_required, archivedAt: card.archived_at };
  const rewardTerms = rewards.map((reward) => ({ ...reward, stampsRequired: reward.stamps_required }));
  return {
    id: card.id,
    uuid: card.uuid,
    account_id: card.store_id,
    customer_id: card.customer_id,
    card_id: card.card_id,
    card_name: card.card_name,
    stamps_count: card.stamps_count,
    stamps_remaining: stampsRemaining(card.stamps_count, terms),
    progress_percentage: progressPercentage(card.stamps_count, terms, rewardTerms),
    status: statusOf(card.stamps_count, terms),
    pass_installed: card.pass_installed,
    apple_wallet_url: `${publicUrl}/wallet/apple/${card.uuid}.pkpass`,
    google_wallet_url: `${publicUrl}/wallet/google/${card.uuid}`,
    page_url: `${publicUrl}/cards/${card.uuid}`,
    issued_at: card.issued_at.toISOString(),
    created_at: card.created_at.toISOString(),
    updated_at: card.updated_at.toISOString(),
    available_rewards: availableRewards(card.stamps_count, rewardTerms).map((reward) => ({
      id: reward.id,
      account_id: reward.store_id,
      card_id: reward.card_id,
      name: reward.name,
      description: reward.description,
      stamps_required: reward.stamps_required,
      position: reward.position,
      active: reward.active,
      created_at: reward.created_at.toISOString(),
      updated_at: reward.updated_at.toISOString(),
    })),
  };
}

const ROUTE = /^\/api\/v1\/accounts\/(\d+)\/customers\/(\d+)\/customer_cards\/(\d+)(\/stamp)?$/;

function send(response: ServerResponse, status: number, body: unknown) {
  const json = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
  response.end(json);
}

async function readBody(request: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of request) body += chunk;
  return body;
}

async function handle(request: IncomingMessage, response: ServerResponse) {
  const match = ROUTE.exec(request.url ?? '');
  const stamping = Boolean(match?.[4]);
  if (!match || request.method !== (stamping ? 'POST' : 'GET')) return send(response, 404, { error: 'Not found' });
  const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  const storeId = token ? await store.storeOfToken(createHash('sha256').update(token).digest('hex')) : undefined;
  if (storeId === undefined) return send(response, 401, { error: 'Unauthorized' });
  const [accountId, customerId, id] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (accountId !== storeId) return send(response, 404, { error: 'Store not found' });
  let card = await store.customerCard(id, storeId, customerId);
  if (!card) return send(response, 404, { error: 'Customer card not found' });
  if (stamping) {
    const stamps = (JSON.parse(await readBody(request)) as { stamps?: unknown }).stamps;
    if (typeof stamps !== 'number' || !Number.isInteger(stamps) || stamps < 1 || stamps > card.stamps_required) {
      return send(response, 422, { error: 'Validation failed', errors: { stamps: ['is invalid'] } });
    }
    card = await store.stamp(id, storeId, customerId, stamps);
    if (!card) return send(response, 404, { error: 'Customer card not found' });
  }
  send(response, 200, present(card, await store.rewards(card.card_id)));
}

const server = createServer((request, response) => {
  handle(request, response).catch((error: unknown) => {
    // The load generator cuts its connections at the end of each slice, mid-request.
    if (request.destroyed) return;
    console.error(error);
    send(response, 500, { error: 'Internal error' });
  });
});
server.keepAliveTimeout = 60_000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;

serveTarget(`http://127.0.0.1:${port}`, {
  statements: () => statements,
  stop: async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await store.close();
  },
});
