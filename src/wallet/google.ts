import type { LoyaltyClass, LoyaltyObject, LoyaltyObjectPatch } from './google-object.ts';

/**
 * Google Wallet without googleapis: save links are RS256 JWTs signed with the service account key,
 * and object updates are REST calls with an OAuth token from the JWT-bearer grant (RFC 7523).
 */

export interface ServiceAccount {
  client_email: string;
  private_key: string;
  token_uri?: string;
}

export interface GoogleWalletOptions {
  issuerId: string;
  account: ServiceAccount;
  apiUrl: string;
  tokenUrl: string;
  /** Origins allowed to show the save button; `$PUBLIC_URL`'s origin. */
  origins: string[];
  timeoutMs?: number;
}

export const SAVE_URL_BASE = 'https://pay.google.com/gp/v/save/';
const SCOPE = 'https://www.googleapis.com/auth/wallet_object.issuer';
// Renew a little before Google's expiry so a token never dies mid-request.
const TOKEN_MARGIN_MS = 60_000;

export function parseServiceAccount(json: string): ServiceAccount {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error('GOOGLE_WALLET_SERVICE_ACCOUNT is not JSON (give the key file or its contents)');
  }
  const account = parsed as Partial<ServiceAccount>;
  if (typeof account.client_email !== 'string' || typeof account.private_key !== 'string') {
    throw new Error('GOOGLE_WALLET_SERVICE_ACCOUNT lacks client_email or private_key (is it a service account key?)');
  }
  return {
    client_email: account.client_email,
    private_key: account.private_key,
    ...(typeof account.token_uri === 'string' ? { token_uri: account.token_uri } : {}),
  };
}

export class GoogleWalletClient {
  readonly issuerId: string;
  readonly #options: GoogleWalletOptions;
  #key: Promise<CryptoKey> | undefined;
  #token: { value: string; expiresAt: number } | undefined;
  #pendingToken: Promise<string> | undefined;

  constructor(options: GoogleWalletOptions) {
    this.#options = options;
    this.issuerId = options.issuerId;
  }

  /** Checks the private key can sign, so a broken key shows at start rather than at the first save. */
  async verifyKey(): Promise<void> {
    await this.#signingKey();
  }

  /** The "Add to Google Wallet" link for one loyalty object (and its class, created on first save). */
  async saveUrl(loyaltyClass: LoyaltyClass, loyaltyObject: LoyaltyObject): Promise<string> {
    const { SignJWT } = await import('jose');
    const jwt = await new SignJWT({
      typ: 'savetowallet',
      origins: this.#options.origins,
      payload: { loyaltyClasses: [loyaltyClass], loyaltyObjects: [loyaltyObject] },
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setIssuer(this.#options.account.client_email)
      .setAudience('google')
      .setIssuedAt()
      .sign(await this.#signingKey());
    return SAVE_URL_BASE + jwt;
  }

  /** PATCHes a loyalty object; resolves with Google's status (404 = never saved) and rejects on network errors. */
  async patchObject(objectId: string, patch: LoyaltyObjectPatch): Promise<{ status: number; message?: string }> {
    const response = await fetch(`${this.#options.apiUrl}/loyaltyObject/${encodeURIComponent(objectId)}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${await this.accessToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify(patch),
      signal: AbortSignal.timeout(this.#options.timeoutMs ?? 10_000),
    });
    const text = await response.text();
    // A rejected token is dropped so the retry fetches a new one.
    if (response.status === 401) this.#token = undefined;
    if (response.ok) return { status: response.status };
    return { status: response.status, message: errorMessage(text) };
  }

  /** An OAuth access token for the Wallet API, cached until shortly before it expires. */
  async accessToken(): Promise<string> {
    if (this.#token && this.#token.expiresAt > Date.now()) return this.#token.value;
    this.#pendingToken ??= this.#fetchToken().finally(() => {
      this.#pendingToken = undefined;
    });
    return this.#pendingToken;
  }

  async #fetchToken(): Promise<string> {
    const { account, tokenUrl } = this.#options;
    const { SignJWT } = await import('jose');
    const assertion = await new SignJWT({ scope: SCOPE })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setIssuer(account.client_email)
      .setAudience(tokenUrl)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(await this.#signingKey());
    const response = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
      signal: AbortSignal.timeout(this.#options.timeoutMs ?? 10_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`Google token endpoint answered ${response.status}: ${errorMessage(text)}`);
    const body = JSON.parse(text) as { access_token?: unknown; expires_in?: unknown };
    if (typeof body.access_token !== 'string') throw new Error('Google token endpoint returned no access_token');
    const lifetimeMs = (typeof body.expires_in === 'number' ? body.expires_in : 3600) * 1000;
    this.#token = { value: body.access_token, expiresAt: Date.now() + Math.max(0, lifetimeMs - TOKEN_MARGIN_MS) };
    return body.access_token;
  }

  #signingKey(): Promise<CryptoKey> {
    // jose is loaded only by a gateway that has Google Wallet configured.
    this.#key ??= import('jose').then(({ importPKCS8 }) => importPKCS8(this.#options.account.private_key, 'RS256')).catch((error: unknown) => {
      this.#key = undefined;
      throw new Error(`the Google service account private_key cannot be read: ${error instanceof Error ? error.message : String(error)}`);
    });
    return this.#key;
  }
}

function errorMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } | string; error_description?: unknown };
    if (typeof parsed.error === 'object' && typeof parsed.error?.message === 'string') return parsed.error.message;
    if (typeof parsed.error_description === 'string') return parsed.error_description;
    if (typeof parsed.error === 'string') return parsed.error;
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.slice(0, 200);
}
