import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/client.ts';
import { applyMigrations } from '../db/migrations.ts';
import { DomainError } from '../domain/errors.ts';
import { createApiToken, createStore } from '../domain/stores/store.service.ts';

const USAGE = `usage:
  stampline store create --name <name>     create a store; prints {"account_id", "api_token"}
  stampline token create --account <id>    issue another API token for a store
  stampline migrate                        apply pending migrations to DATABASE_URL`;

class UsageError extends Error {}

async function run(argv: string[]): Promise<unknown> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { name: { type: 'string' }, account: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const command = positionals.join(' ');
  if (values.help) throw new UsageError('');
  const config = loadConfig();
  if (command === 'migrate') {
    return { applied: await applyMigrations(config.databaseUrl) };
  }
  if (command !== 'store create' && command !== 'token create') throw new UsageError(`unknown command: ${command || '(none)'}`);
  if (command === 'store create' && (values.name === undefined || values.name.trim() === '')) {
    throw new UsageError('store create needs --name');
  }
  const account = Number(values.account);
  if (command === 'token create' && (!Number.isInteger(account) || account < 1)) {
    throw new UsageError('token create needs --account <positive integer>');
  }
  await applyMigrations(config.databaseUrl);
  const { db, close } = await openDatabase(config.databaseUrl);
  try {
    if (command === 'store create') {
      const { store, token } = await createStore(db, values.name);
      return { account_id: store.id, api_token: token };
    }
    return { account_id: account, api_token: await createApiToken(db, account) };
  } finally {
    await close();
  }
}

try {
  const result = await run(process.argv.slice(2));
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message ? `stampline: ${error.message}\n` : ''}${USAGE}\n`);
    process.exit(2);
  }
  if (error instanceof DomainError) {
    process.stderr.write(`stampline: ${error.message}${Object.keys(error.fields).length ? ` ${JSON.stringify(error.fields)}` : ''}\n`);
    process.exit(1);
  }
  if (error instanceof Error && /Unknown option|Unexpected argument/.test(error.message)) {
    process.stderr.write(`stampline: ${error.message}\n${USAGE}\n`);
    process.exit(2);
  }
  throw error;
}
