import { parseArgs } from 'node:util';
import { type Config, loadConfig } from '../config.ts';
import { type Db, openDatabase } from '../db/client.ts';
import { applyMigrations } from '../db/migrations.ts';
import { DomainError, ErrorCode } from '../domain/errors.ts';
import { EventBus, type TokenRevokedEvent } from '../domain/events.ts';
import { appendAudit } from '../auth/audit.ts';
import { isScope, Scope, SCOPES } from '../auth/scopes.ts';
import { systemActor } from '../domain/context.ts';
import { FieldErrorCollector } from '../domain/errors.ts';
import { createApiTokenRow, createStore } from '../domain/stores/store.service.ts';
import { checkText } from '../domain/validation.ts';
import { revokeApiToken } from '../domain/stores/token-revocation.ts';
import { publishRevocation } from '../live/revocation-channel.ts';
import { configureLog } from '../observability/log.ts';

const USAGE = `usage:
  stampline store create --name <name>     create a store; prints {"account_id", "api_token"}
  stampline token create --account <id> [--scope admin|till|read] [--name <text>]
                                           issue another API token for a store (scope admin by default);
                                           prints {"account_id", "api_token", "scope", "name"}
  stampline token revoke --token <token>   revoke an API token; prints {"revoked": true}
  stampline migrate                        apply pending migrations to DATABASE_URL`;

const COMMANDS = ['migrate', 'store create', 'token create', 'token revoke'];

class UsageError extends Error {}

/** Asked for help: usage goes to stdout and the command succeeds. */
class HelpRequested extends Error {}

async function run(argv: string[]): Promise<unknown> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      account: { type: 'string' },
      token: { type: 'string' },
      scope: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals.join(' ');
  if (values.help) throw new HelpRequested();
  if (!COMMANDS.includes(command)) {
    throw new UsageError(`unknown command: ${command || '(none)'}`);
  }
  if (command === 'store create' && (values.name === undefined || values.name.trim() === '')) {
    throw new UsageError('store create needs --name <name>');
  }
  // Digits only: Number() would also take "0x10", "1e3" or " 7 ".
  const account = values.account !== undefined && /^[1-9][0-9]{0,15}$/.test(values.account) ? Number(values.account) : undefined;
  if (command === 'token create' && account === undefined) {
    throw new UsageError(
      values.account === undefined
        ? 'token create needs --account <id>'
        : `--account must be a positive whole number, got ${JSON.stringify(values.account)}`,
    );
  }
  if (values.scope !== undefined && (command !== 'token create' || !isScope(values.scope))) {
    throw new UsageError(
      command === 'token create' ? `--scope must be one of ${SCOPES.join(', ')}, got ${JSON.stringify(values.scope)}` : '--scope is only for token create',
    );
  }
  if (command === 'token revoke' && !values.token?.trim()) throw new UsageError('token revoke needs --token <api_token>');
  const config = loadConfig();
  if (command === 'migrate') {
    return { applied: await applyMigrations(config.databaseUrl) };
  }
  await applyMigrations(config.databaseUrl);
  const { db, close } = await openDatabase(config.databaseUrl);
  try {
    if (command === 'token revoke') return await revoke(db, config, values.token as string);
    if (command === 'store create') {
      const { store, token } = await createStore(db, values.name);
      return { account_id: store.id, api_token: token };
    }
    try {
      return await issueToken(db, account as number, (values.scope as Scope | undefined) ?? Scope.ADMIN, values.name);
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.NOT_FOUND) {
        throw new DomainError(ErrorCode.NOT_FOUND, `no store with account id ${account}`);
      }
      throw error;
    }
  } finally {
    await close();
  }
}

/**
 * Revokes the token and, with REDIS_URL, tells every gateway at once (they would otherwise notice
 * within TOKEN_CACHE_SECONDS). Revoking a revoked token again succeeds and says so; a token that
 * matches nothing fails, since a mistyped token would otherwise look revoked while the real one works.
 */
async function revoke(db: Db, config: Config, token: string) {
  const events = new EventBus();
  const notices: TokenRevokedEvent[] = [];
  events.subscribe((event) => event.type === 'token.revoked' && notices.push(event));
  const outcome = await revokeApiToken({ db, events }, { token: token.trim() }, 'system');
  if (outcome === 'unknown') throw new DomainError(ErrorCode.NOT_FOUND, 'no API token matches --token');
  for (const notice of notices) {
    await publishRevocation(config, notice).catch((error: Error) => {
      process.stderr.write(`stampline: revoked, but Redis could not be told (${error.message}); gateways stop the token within TOKEN_CACHE_SECONDS\n`);
    });
  }
  return outcome === 'revoked' ? { revoked: true } : { revoked: false, already_revoked: true };
}

/** A new token of the store, audited as the gateway's own doing (whoever holds the database runs the CLI). */
async function issueToken(db: Db, storeId: number, scope: Scope, rawName: string | undefined) {
  const errors = new FieldErrorCollector();
  checkText(errors, 'name', rawName, { max: 100 });
  errors.throwIfAny();
  const name = rawName?.trim() ? rawName.trim() : null;
  const { row, token } = await db.$transaction(async (tx) => {
    const issued = await createApiTokenRow(tx, storeId, { scope, name });
    await appendAudit(tx, systemActor(storeId), { action: 'apiToken.create', targetType: 'ApiToken', targetId: issued.row.id, before: null, after: issued.row });
    return issued;
  });
  return { account_id: storeId, api_token: token, scope: row.scope, name: row.name };
}

/** "name is too long (…)" rather than the error's summary, when it names fields. */
function describe(error: DomainError): string {
  const details = Object.entries(error.fields).flatMap(([field, messages]) =>
    messages.map((message) => (field === 'base' ? message : `${field} ${message}`)),
  );
  return details.length ? details.join('; ') : error.message;
}

function fail(message: string, code: number, usage = false): never {
  process.stderr.write(`stampline: ${message}\n${usage ? `${USAGE}\n` : ''}`);
  process.exit(code);
}

// stdout carries the command's JSON answer only; anything a module logs goes to stderr.
configureLog({ to: 'stderr' });

try {
  const result = await run(process.argv.slice(2));
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
} catch (error) {
  if (error instanceof HelpRequested) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (error instanceof UsageError) fail(error.message, 2, true);
  if (error instanceof DomainError) fail(describe(error), 1);
  // parseArgs reports unknown options and missing option values with these codes.
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) fail((error as Error).message, 2, true);
  // Anything else (an unreachable database, a bad DATABASE_URL) still gets one readable line.
  const message = error instanceof Error ? error.message : String(error);
  fail(message.split('\n')[0] ?? message, 1);
}
