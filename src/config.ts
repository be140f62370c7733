import { loadWalletConfig, type WalletConfig } from './wallet/config.ts';

/** The gateway's settings, read once from the environment (see docs/configuration.md). */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  redisUrl: string | undefined;
  /**
   * Start of every Redis channel name. Store ids repeat across databases, so two deployments (or
   * test runs) sharing one Redis need different prefixes or they would see each other's events.
   */
  redisPrefix: string;
  publicUrl: string;
  /** Seed a demo store when the database is empty (embedded SQLite by default). */
  seedDemo: boolean;
  /** REST requests each API token may make per window (in-memory, per process). */
  rateLimit: { limit: number; windowSeconds: number };
  /** How long a valid API token is trusted without a lookup; a revocation takes effect within it. 0: never. */
  tokenCacheSeconds: number;
  /** Apple and Google Wallet credentials and the push outbox (see docs/wallet.md). */
  wallet: WalletConfig;
}

export const DEFAULT_DATABASE_URL = 'file:./data/stampline.db';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = env.PORT ? Number(env.PORT) : 4000;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a port number, got ${JSON.stringify(env.PORT)}`);
  }
  const databaseUrl = env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const seedDefault = databaseUrl.startsWith('file:') ? 'true' : 'false';
  return {
    port,
    host: env.HOST || '127.0.0.1',
    databaseUrl,
    redisUrl: env.REDIS_URL || undefined,
    redisPrefix: env.REDIS_PREFIX || 'stampline:',
    publicUrl: (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, ''),
    seedDemo: (env.SEED_DEMO ?? seedDefault) === 'true',
    rateLimit: { limit: positiveInteger(env, 'RATE_LIMIT_PER_MINUTE', 600), windowSeconds: 60 },
    tokenCacheSeconds: nonNegativeInteger(env, 'TOKEN_CACHE_SECONDS', 5),
    wallet: loadWalletConfig(env),
  };
}

function nonNegativeInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  return raw === '0' ? 0 : positiveInteger(env, name, fallback);
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return value;
}
