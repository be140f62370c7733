import type { WebhookSettings } from './domain/webhooks/settings.ts';
import { parseTrustProxy, type TrustProxy } from './http/trust-proxy.ts';
import { LOG_LEVELS } from './observability/log.ts';
import { otlpTracesUrl, type TracingOptions } from './observability/tracing.ts';
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
  /** Requests each API token (customer card, client address) may make per window; shared through Redis when set. */
  rateLimit: { limit: number; windowSeconds: number };
  /** Which proxies may name the client in X-Forwarded-For (`TRUST_PROXY`; none by default). */
  trustProxy: TrustProxy;
  /** Longest a database statement, lock wait or connection attempt may take (see db/client.ts). */
  databaseTimeoutMs: number;
  /** Open SSE subscriptions plus graphql-ws sockets one API token may hold (on all gateways with Redis). */
  liveConnectionsPerToken: number;
  /** How long a live connection's slot in Redis outlives its gateway's last heartbeat (a crashed gateway's slots free then). */
  liveLeaseSeconds: number;
  /** Operations one graphql-ws socket may have running at once (its subscriptions, unanswered queries). */
  subscriptionsPerWebSocket: number;
  /** Longest a client may take to send a whole request (headers and body); slow clients are cut. */
  requestTimeoutMs: number;
  /** Browser origins allowed to call the API (CORS); empty, the default, allows none. */
  corsOrigins: string[];
  /** Days the event log keeps an event; older ones are pruned and a stream cannot resume before them. */
  eventRetentionDays: number;
  /** How long a valid API token is trusted without a lookup; a revocation takes effect within it. 0: never. */
  tokenCacheSeconds: number;
  /** Poster sign-ups one client address, and one poster, may make per hour (shared through Redis when set). */
  signupLimits: { perAddress: number; perPoster: number };
  /** One log line per answered request (with its `X-Request-Id`) on stdout. */
  logRequests: boolean;
  /** Least severe log lines written: `fatal`, `error`, `warn`, `info` (default), `debug` or `trace`. */
  logLevel: (typeof LOG_LEVELS)[number];
  /**
   * Bearer token `/metrics` asks for. Unset, `/metrics` answers only clients on this host (loopback,
   * not forwarded by a proxy); see README, "Operate it".
   */
  metricsToken: string | undefined;
  /** OpenTelemetry tracing: off unless `OTEL_EXPORTER_OTLP_ENDPOINT` names a collector (README, "Operate it"). */
  tracing: TracingOptions;
  /** Apple and Google Wallet credentials and the push outbox (see docs/wallet.md). */
  wallet: WalletConfig;
  /** Per-minute budgets of the unauthenticated wallet routes (docs/wallet.md#limits). */
  walletLimits: WalletLimits;
  /** Webhook delivery rules (see docs/webhooks.md). */
  webhooks: WebhookSettings;
}

export interface WalletLimits {
  /** Wallet requests one client address may make: pass downloads, the PassKit web service, save links. */
  perAddressPerMinute: number;
  /** Downloads of one pass, from any address. */
  perPassPerMinute: number;
  /** Device log entries one client address may write to the gateway log. */
  logEntriesPerAddressPerMinute: number;
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
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    databaseTimeoutMs: positiveInteger(env, 'DATABASE_TIMEOUT_MS', 5000),
    liveConnectionsPerToken: positiveInteger(env, 'LIVE_CONNECTIONS_PER_TOKEN', 100),
    liveLeaseSeconds: positiveInteger(env, 'LIVE_LEASE_SECONDS', 30),
    subscriptionsPerWebSocket: positiveInteger(env, 'SUBSCRIPTIONS_PER_WEBSOCKET', 20),
    requestTimeoutMs: positiveInteger(env, 'REQUEST_TIMEOUT_MS', 30_000),
    corsOrigins: origins(env.CORS_ORIGINS),
    tokenCacheSeconds: nonNegativeInteger(env, 'TOKEN_CACHE_SECONDS', 5),
    eventRetentionDays: positiveInteger(env, 'EVENT_RETENTION_DAYS', 30),
    logRequests: (env.LOG_REQUESTS ?? 'true') !== 'false',
    logLevel: logLevel(env.LOG_LEVEL),
    metricsToken: env.METRICS_TOKEN || undefined,
    tracing: {
      tracesUrl: otlpTracesUrl(env),
      serviceName: env.OTEL_SERVICE_NAME || 'stampline',
      exportDelayMs: env.OTEL_BSP_SCHEDULE_DELAY ? positiveInteger(env, 'OTEL_BSP_SCHEDULE_DELAY', 5000) : undefined,
    },
    signupLimits: {
      perAddress: positiveInteger(env, 'SIGNUPS_PER_ADDRESS_PER_HOUR', 10),
      perPoster: positiveInteger(env, 'SIGNUPS_PER_POSTER_PER_HOUR', 300),
    },
    wallet: loadWalletConfig(env),
    walletLimits: {
      perAddressPerMinute: positiveInteger(env, 'WALLET_RATE_LIMIT_PER_MINUTE', 120),
      perPassPerMinute: positiveInteger(env, 'WALLET_PASS_DOWNLOADS_PER_MINUTE', 30),
      logEntriesPerAddressPerMinute: positiveInteger(env, 'WALLET_LOG_ENTRIES_PER_MINUTE', 60),
    },
    webhooks: { allowPrivateUrls: env.WEBHOOK_ALLOW_PRIVATE_URLS === 'true' },
  };
}

function logLevel(raw: string | undefined): Config['logLevel'] {
  if (raw === undefined || raw === '') return 'info';
  const level = LOG_LEVELS.find((name) => name === raw);
  if (!level) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(raw)}`);
  return level;
}

/** `CORS_ORIGINS`: comma-separated origins such as `https://till.example.com`, or `*` for any. */
function origins(raw: string | undefined): string[] {
  const list = (raw ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const origin of list) {
    let valid = origin === '*';
    try {
      valid ||= new URL(origin).origin === origin;
    } catch {
      // Not a URL at all; reported below.
    }
    if (!valid) throw new Error(`CORS_ORIGINS must list origins like https://till.example.com (no path, no trailing slash), got ${JSON.stringify(origin)}`);
  }
  return list;
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
