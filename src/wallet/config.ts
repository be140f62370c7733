/**
 * Wallet settings from the environment (documented in docs/wallet.md). Certificates and keys stay as
 * given here (PEM text or a file path); `credentials.ts` reads them when the wallet starts, so a bad
 * path disables one feature with a log line instead of stopping the gateway.
 */
export interface WalletConfig {
  apple: AppleSettings;
  apns: ApnsSettings;
  google: GoogleSettings;
  /** How often the outbox worker looks for due work when no event wakes it. */
  outboxPollMs: number;
}

export interface AppleSettings {
  /** Pass Type ID certificate, PEM or path. Unset with the key and WWDR: a development signer is used. */
  passCert?: string;
  passKey?: string;
  passKeyPassphrase?: string;
  /** Apple WWDR intermediate (G4), PEM, DER file or path. */
  wwdrCert?: string;
  /** Defaults to the certificate's UID, or a development id with the development signer. */
  passTypeId?: string;
  /** Defaults to the certificate's OU, or a development id with the development signer. */
  teamId?: string;
}

export interface ApnsSettings {
  url: string;
  /** True when APNS_URL was set: pushes are sent even with the development signer (a local stand-in). */
  urlConfigured: boolean;
  /** A .p8 signing key (PEM or path) for token authentication; without it the pass certificate is used. */
  key?: string;
  keyId?: string;
  /** Extra CA (PEM or path) trusted for APNS_URL, for a stand-in with a private certificate. */
  ca?: string;
}

export interface GoogleSettings {
  issuerId?: string;
  /** The service account key: its JSON or a path to it. */
  serviceAccount?: string;
  apiUrl: string;
  /** Overrides the token endpoint named in the service account key. */
  tokenUrl?: string;
  /** Start of the loyalty class ids, so several installations can share one issuer account. */
  classPrefix: string;
}

export const APNS_PRODUCTION_URL = 'https://api.push.apple.com';
export const GOOGLE_WALLET_API_URL = 'https://walletobjects.googleapis.com/walletobjects/v1';
export const GOOGLE_OAUTH_TOKEN_URL = 'https://oauth2.googleapis.com/token';

export function loadWalletConfig(env: NodeJS.ProcessEnv): WalletConfig {
  const pollMs = env.WALLET_OUTBOX_POLL_MS ? Number(env.WALLET_OUTBOX_POLL_MS) : 5000;
  if (!Number.isInteger(pollMs) || pollMs < 10) {
    throw new Error(`WALLET_OUTBOX_POLL_MS must be an integer of at least 10, got ${JSON.stringify(env.WALLET_OUTBOX_POLL_MS)}`);
  }
  const classPrefix = env.GOOGLE_WALLET_CLASS_PREFIX || 'stampline';
  if (!/^[A-Za-z0-9._-]{1,40}$/.test(classPrefix)) {
    throw new Error('GOOGLE_WALLET_CLASS_PREFIX may hold only letters, digits, ".", "_" and "-" (at most 40)');
  }
  return {
    apple: {
      passCert: set(env.APPLE_PASS_CERT),
      passKey: set(env.APPLE_PASS_KEY),
      passKeyPassphrase: set(env.APPLE_PASS_KEY_PASSPHRASE),
      wwdrCert: set(env.APPLE_WWDR_CERT),
      passTypeId: set(env.APPLE_PASS_TYPE_ID),
      teamId: set(env.APPLE_TEAM_ID),
    },
    apns: {
      url: httpsUrl('APNS_URL', env.APNS_URL) ?? APNS_PRODUCTION_URL,
      urlConfigured: Boolean(set(env.APNS_URL)),
      key: set(env.APNS_KEY),
      keyId: set(env.APNS_KEY_ID),
      ca: set(env.APNS_CA),
    },
    google: {
      issuerId: set(env.GOOGLE_WALLET_ISSUER_ID),
      serviceAccount: set(env.GOOGLE_WALLET_SERVICE_ACCOUNT),
      apiUrl: httpUrl('GOOGLE_WALLET_API_URL', env.GOOGLE_WALLET_API_URL) ?? GOOGLE_WALLET_API_URL,
      tokenUrl: httpUrl('GOOGLE_OAUTH_TOKEN_URL', env.GOOGLE_OAUTH_TOKEN_URL),
      classPrefix,
    },
    outboxPollMs: pollMs,
  };
}

function set(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function httpUrl(name: string, value: string | undefined): string | undefined {
  const given = set(value);
  if (!given) return undefined;
  if (!/^https?:\/\/[^/\s]+/.test(given)) throw new Error(`${name} must be an http(s) URL, got ${JSON.stringify(given)}`);
  return given.replace(/\/+$/, '');
}

// APNs speaks HTTP/2 over TLS only; an http:// stand-in would never answer.
function httpsUrl(name: string, value: string | undefined): string | undefined {
  const url = httpUrl(name, value);
  if (url && !url.startsWith('https://')) throw new Error(`${name} must be an https URL, got ${JSON.stringify(url)}`);
  return url;
}
