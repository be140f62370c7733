import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../src/db/client.ts';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { authenticateToken, hashToken } from '../src/domain/stores/store.service.ts';
import { createScratchDatabase, type ScratchDatabase } from './helpers/database.ts';
import { type Finished, runNode } from './helpers/process.ts';

let scratch: ScratchDatabase;
/** Held open for the whole file, as a running gateway would: the CLI must work alongside it. */
let database: Database;

beforeAll(async () => {
  scratch = await createScratchDatabase();
  database = await openDatabase(scratch.url);
});
afterAll(async () => {
  await database?.close();
  await scratch?.drop();
});

beforeAll(async () => {
  // Open the connection now rather than at first use, so every command below runs alongside it.
  await database.db.store.count();
});

function stampline(...args: string[]): Promise<Finished> {
  return runNode(['src/cli/bin.js', ...args], { DATABASE_URL: scratch.url, REDIS_URL: undefined });
}

/** The one JSON object a successful command prints, after checking it printed nothing else. */
function output(result: Finished): Record<string, unknown> {
  expect(result, result.stderr).toMatchObject({ status: 0, stderr: '' });
  const lines = result.stdout.split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[1]).toBe('');
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

describe('stampline store create', () => {
  it('prints exactly one JSON object with the account id and a working API token', async () => {
    const created = output(await stampline('store', 'create', '--name', 'Blue Door Cafe'));
    expect(Object.keys(created).sort()).toEqual(['account_id', 'api_token']);
    expect(Number.isInteger(created.account_id)).toBe(true);
    expect(created.api_token).toMatch(/^sl_/);
    expect(await authenticateToken(database.db, created.api_token as string)).toBe(created.account_id);
    const store = await database.db.store.findUniqueOrThrow({ where: { id: created.account_id as number } });
    expect(store.name).toBe('Blue Door Cafe');
    expect(JSON.stringify(await database.db.apiToken.findMany())).not.toContain(created.api_token);
  });
});

describe('stampline token create', () => {
  it('issues another token for the account; both authenticate', async () => {
    const created = output(await stampline('store', 'create', '--name', 'Two Tokens'));
    const issued = output(await stampline('token', 'create', '--account', String(created.account_id)));
    expect(issued.account_id).toBe(created.account_id);
    expect(issued.api_token).not.toBe(created.api_token);
    expect(await authenticateToken(database.db, issued.api_token as string)).toBe(created.account_id);
    expect(await authenticateToken(database.db, created.api_token as string)).toBe(created.account_id);
    expect(issued).toMatchObject({ scope: 'admin', name: null });
  });

  it('issues a token with a scope and a name, recorded as given and in the audit log', async () => {
    const created = output(await stampline('store', 'create', '--name', 'Scoped'));
    const issued = output(await stampline('token', 'create', '--account', String(created.account_id), '--scope', 'till', '--name', 'Front counter'));
    expect(Object.keys(issued)).toEqual(['account_id', 'api_token', 'scope', 'name']);
    expect(issued).toMatchObject({ account_id: created.account_id, scope: 'till', name: 'Front counter' });
    const row = await database.db.apiToken.findUniqueOrThrow({ where: { tokenHash: hashToken(issued.api_token as string) } });
    expect(row).toMatchObject({ scope: 'till', name: 'Front counter', storeId: created.account_id });
    const audit = await database.db.auditLogEntry.findMany({ where: { storeId: created.account_id as number } });
    expect(audit).toMatchObject([{ action: 'apiToken.create', targetType: 'ApiToken', targetId: row.id, actorKind: 'SYSTEM' }]);
    expect(JSON.stringify(audit)).not.toContain(issued.api_token as string);
  });

  it('refuses an unknown scope, changing nothing', async () => {
    const created = output(await stampline('store', 'create', '--name', 'Bad scope'));
    const result = await stampline('token', 'create', '--account', String(created.account_id), '--scope', 'owner');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--scope must be one of admin, till, read/);
    expect(await database.db.apiToken.count({ where: { storeId: created.account_id as number } })).toBe(1);
  });
});

// Each test runs the command several times, one after another.
describe('stampline token revoke', { timeout: 120_000 }, () => {
  it('revokes the token ({"revoked": true}); again it succeeds saying it was already revoked; other tokens keep working', async () => {
    const created = output(await stampline('store', 'create', '--name', 'Leaky Till'));
    const other = output(await stampline('token', 'create', '--account', String(created.account_id)));
    expect(output(await stampline('token', 'revoke', '--token', created.api_token as string))).toEqual({ revoked: true });
    expect(await authenticateToken(database.db, created.api_token as string)).toBeUndefined();
    expect(await authenticateToken(database.db, other.api_token as string)).toBe(created.account_id);
    expect(output(await stampline('token', 'revoke', '--token', created.api_token as string))).toEqual({
      revoked: false,
      already_revoked: true,
    });
    // Audited once, as the system: the second call changed nothing.
    const audited = await database.db.auditLogEntry.findMany({ where: { storeId: created.account_id as number, action: 'apiToken.revoke' } });
    expect(audited).toMatchObject([{ actorKind: 'SYSTEM' }]);
  });

  it('fails on a token that matches nothing, so a mistyped token is not mistaken for a revoked one', async () => {
    const result = await stampline('token', 'revoke', '--token', 'sl_not_a_token_of_this_gateway');
    expect(result).toMatchObject({ status: 1, stdout: '', stderr: 'stampline: no API token matches --token\n' });
  });

  it('needs --token', async () => {
    for (const args of [['token', 'revoke'], ['token', 'revoke', '--token', '  ']]) {
      const result = await stampline(...args);
      expect(result).toMatchObject({ status: 2, stdout: '' });
      expect(result.stderr).toMatch(/^stampline: token revoke needs --token <api_token>\n/);
    }
  });

  it('with REDIS_URL, tells every gateway through Redis at once', async () => {
    const created = output(await stampline('store', 'create', '--name', 'Two Gateways'));
    const prefix = `stampline-cli-test-${randomBytes(6).toString('hex')}:`;
    const listener = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
    try {
      const heard = new Promise<string>((resolve) => listener.on('message', (_channel, message) => resolve(message)));
      await listener.subscribe(`${prefix}revocations`);
      const result = await runNode(['src/cli/bin.js', 'token', 'revoke', '--token', created.api_token as string], {
        DATABASE_URL: scratch.url,
        REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
        REDIS_PREFIX: prefix,
      });
      expect(output(result)).toEqual({ revoked: true });
      expect(JSON.parse(await heard)).toEqual({ type: 'token.revoked', tokenHash: hashToken(created.api_token as string) });
    } finally {
      listener.disconnect();
    }
  });

  it('still revokes when Redis is unreachable, and says the gateways will notice within TOKEN_CACHE_SECONDS', async () => {
    const created = output(await stampline('store', 'create', '--name', 'No Redis'));
    const result = await runNode(['src/cli/bin.js', 'token', 'revoke', '--token', created.api_token as string], {
      DATABASE_URL: scratch.url,
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    expect(result).toMatchObject({ status: 0, stdout: '{"revoked":true}\n' });
    expect(result.stderr).toMatch(/^stampline: revoked, but Redis could not be told .*TOKEN_CACHE_SECONDS\n$/);
    expect(await authenticateToken(database.db, created.api_token as string)).toBeUndefined();
  });
});

describe('bad input', () => {
  // Independent processes that create nothing, so they can run side by side.
  it.concurrent.for<[string[], RegExp, number]>([
    [['store', 'create'], /store create needs --name/, 2],
    [['store', 'create', '--name', '   '], /store create needs --name/, 2],
    [['store', 'create', '--name'], /--name <value>' argument missing/, 2],
    [['store', 'create', '--name', 'x'.repeat(101)], /^stampline: name is too long \(maximum is 100 characters\)$/m, 1],
    [['token', 'create'], /token create needs --account/, 2],
    [['token', 'create', '--account', 'abc'], /--account must be a positive whole number, got "abc"/, 2],
    [['token', 'create', '--account', '0'], /--account must be a positive whole number/, 2],
    [['token', 'create', '--account', '-3'], /--account/, 2],
    [['token', 'create', '--account', '1.5'], /--account must be a positive whole number/, 2],
    [['token', 'create', '--account', '0x10'], /--account must be a positive whole number/, 2],
    [['token', 'create', '--account', '2147483648'], /no store with account id 2147483648/, 1],
    [['token', 'create', '--account', '999999'], /no store with account id 999999/, 1],
    [['store', 'delete'], /unknown command: store delete/, 2],
    [['frobnicate'], /unknown command: frobnicate/, 2],
    [[], /unknown command: \(none\)/, 2],
    [['store', 'create', '--name', 'x', '--colour', 'red'], /Unknown option '--colour'/, 2],
  ])('%j: says what is wrong on stderr, prints nothing on stdout, exits non-zero', async ([args, message, status], { expect }) => {
    const storesBefore = await database.db.store.count();
    const result = await stampline(...args);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^stampline: /);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.status).toBe(status);
    expect(await database.db.store.count()).toBe(storesBefore);
  });

  it.concurrent('reports an unusable DATABASE_URL in one line', async ({ expect }) => {
    const result = await runNode(['src/cli/bin.js', 'store', 'create', '--name', 'x'], { DATABASE_URL: 'mysql://localhost/db' });
    expect(result).toMatchObject({ status: 1, stdout: '' });
    expect(result.stderr).toBe('stampline: DATABASE_URL must start with file: (SQLite) or postgres:// / postgresql:// (PostgreSQL)\n');
  });
});

describe('other commands', () => {
  it('migrate applies nothing on a migrated database', async () => {
    expect(output(await stampline('migrate'))).toEqual({ applied: [] });
  });

  it('--help prints the usage on stdout and succeeds', async () => {
    const result = await stampline('--help');
    expect(result).toMatchObject({ status: 0, stderr: '' });
    expect(result.stdout).toMatch(/^usage:\n {2}stampline store create --name <name>/);
  });
});
