import type { Runtime } from '../runtime.ts';
import { type ApnsAuth, ApnsClient } from './apns.ts';
import { ApplePassBuilder } from './apple-pass.ts';
import { loadPassSigner, type PassSigner, signerWarnings } from './certificates.ts';
import { GOOGLE_OAUTH_TOKEN_URL } from './config.ts';
import { GoogleWalletClient, parseServiceAccount } from './google.ts';
import { WalletLimiters } from './limits.ts';
import { PassCache } from './pass-cache.ts';
import { passJobHandlers } from './pass-jobs.ts';
import { readText } from './secrets.ts';
import { log as gatewayLog } from '../observability/log.ts';

/**
 * The wallet side of one running gateway: the Apple pass builder, the APNs and Google clients and the
 * job topics that keep passes up to date. Credentials load once, in the background, when the routes
 * are mounted; a missing or broken piece switches off only its own feature, with a log line saying
 * what to set.
 */

export type Feature<T> = { on: true; value: T } | { on: false; reason: string };

type LogLevel = 'info' | 'warn' | 'error';

const wallets = new WeakMap<Runtime, Wallet>();

export class Wallet {
  readonly runtime: Runtime;
  readonly ready: Promise<void>;
  readonly passes = new PassCache();
  readonly limits: WalletLimiters;
  #apple: Feature<ApplePassBuilder> = { on: false, reason: 'starting' };
  #apns: ApnsClient | undefined;
  #google: Feature<GoogleWalletClient> = { on: false, reason: 'starting' };
  #closing: Promise<void> | undefined;

  /** One wallet per runtime, however often an app is built on it. */
  static of(runtime: Runtime): Wallet {
    let wallet = wallets.get(runtime);
    if (!wallet) {
      wallet = new Wallet(runtime);
      wallets.set(runtime, wallet);
    }
    return wallet;
  }

  private constructor(runtime: Runtime) {
    this.runtime = runtime;
    this.limits = new WalletLimiters(runtime);
    this.ready = Promise.all([this.#startApple(), this.#startGoogle()]).then(
      () => undefined,
      (error: unknown) => log('error', `starting the wallet failed: ${message(error)}`),
    );
    const handlers = passJobHandlers({
      db: runtime.deps.db,
      ready: this.ready,
      apns: () => this.#apns,
      google: () => (this.#google.on ? this.#google.value : undefined),
      publicUrl: runtime.config.publicUrl,
      log,
    });
    for (const [topic, handler] of Object.entries(handlers)) runtime.topics.register(topic, handler);
    runtime.onClose(() => this.close());
  }

  async apple(): Promise<Feature<ApplePassBuilder>> {
    await this.ready;
    return this.#apple;
  }

  async google(): Promise<Feature<GoogleWalletClient>> {
    await this.ready;
    return this.#google;
  }

  /**
   * Closes the push connection; the runtime calls it on shutdown, after the job worker (started
   * later) has drained.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.ready;
      await this.#apns?.close();
    })();
    return this.#closing;
  }

  async #startApple(): Promise<void> {
    const { config } = this.runtime;
    let signer: PassSigner;
    try {
      signer = await loadPassSigner(config.wallet.apple, this.runtime.deps.db);
      this.#apple = { on: true, value: await ApplePassBuilder.create(signer) };
    } catch (error) {
      this.#apple = { on: false, reason: message(error) };
      log('error', `Apple passes are off: ${message(error)}`);
      return;
    }
    if (signer.development) {
      log(
        'info',
        `Apple passes are signed by a development signer (pass type ${signer.passTypeIdentifier}); they verify but no iPhone accepts them. ` +
          'Real passes need Apple certificates: set APPLE_PASS_CERT, APPLE_PASS_KEY and APPLE_WWDR_CERT (docs/wallet.md).',
      );
    } else {
      log('info', `Apple passes are signed as ${signer.passTypeIdentifier} (team ${signer.teamIdentifier}), certificate valid until ${signer.expiresAt.toISOString()}`);
      if (!config.publicUrl.startsWith('https://')) {
        log(
          'warn',
          `PUBLIC_URL ${config.publicUrl} is not https: Apple Wallet refuses a pass web service over http, so passes would ` +
            'never register for updates. Set PUBLIC_URL to the https address devices reach the gateway at',
        );
      }
    }
    for (const warning of signerWarnings(signer)) log('warn', warning);
    try {
      this.#apns = await this.#createApns(signer);
    } catch (error) {
      log('error', `Apple pass pushes are off: ${message(error)}`);
    }
  }

  async #createApns(signer: PassSigner): Promise<ApnsClient | undefined> {
    const settings = this.runtime.config.wallet.apns;
    let auth: ApnsAuth;
    if (settings.key) {
      if (!settings.keyId) throw new Error('APNS_KEY_ID must be set with APNS_KEY');
      const key = await readText(settings.key, 'APNS_KEY');
      const { importPKCS8 } = await import('jose');
      await importPKCS8(key, 'ES256').catch(() => {
        throw new Error('APNS_KEY is not an ES256 (.p8) key');
      });
      auth = { kind: 'token', key, keyId: settings.keyId, teamId: signer.teamIdentifier };
    } else if (signer.development && !settings.urlConfigured) {
      log('info', 'Apple pass pushes are off: APNs accepts only Apple-issued certificates (set APNS_URL to push to a local stand-in)');
      return undefined;
    } else {
      const { signerCert, signerKey, signerKeyPassphrase } = signer.certificates;
      auth = { kind: 'certificate', cert: signerCert, key: signerKey, ...(signerKeyPassphrase ? { passphrase: signerKeyPassphrase } : {}) };
    }
    const ca = settings.ca ? await readText(settings.ca, 'APNS_CA') : undefined;
    log('info', `Apple pass pushes go to ${settings.url} (${auth.kind} authentication)`);
    return new ApnsClient({ url: settings.url, topic: signer.passTypeIdentifier, auth, ...(ca ? { ca } : {}) });
  }

  async #startGoogle(): Promise<void> {
    const { publicUrl, wallet } = this.runtime.config;
    const { issuerId, serviceAccount } = wallet.google;
    if (!issuerId && !serviceAccount) {
      const reason = 'Google Wallet is not configured (set GOOGLE_WALLET_ISSUER_ID and GOOGLE_WALLET_SERVICE_ACCOUNT)';
      this.#google = { on: false, reason };
      log('info', `Google Wallet links are off: ${reason}`);
      return;
    }
    try {
      if (!issuerId || !serviceAccount) throw new Error('GOOGLE_WALLET_ISSUER_ID and GOOGLE_WALLET_SERVICE_ACCOUNT must be set together');
      if (!/^[\w-]{1,64}$/.test(issuerId)) throw new Error('GOOGLE_WALLET_ISSUER_ID must be the numeric issuer id');
      const account = parseServiceAccount(await readText(serviceAccount, 'GOOGLE_WALLET_SERVICE_ACCOUNT'));
      const client = new GoogleWalletClient({
        issuerId,
        account,
        apiUrl: wallet.google.apiUrl,
        tokenUrl: wallet.google.tokenUrl ?? account.token_uri ?? GOOGLE_OAUTH_TOKEN_URL,
        origins: [new URL(publicUrl).origin],
      });
      await client.verifyKey();
      this.#google = { on: true, value: client };
      log('info', `Google Wallet links are issued by ${account.client_email} (issuer ${issuerId})`);
    } catch (error) {
      this.#google = { on: false, reason: 'Google Wallet is misconfigured on this gateway' };
      log('error', `Google Wallet links are off: ${message(error)}`);
    }
  }
}

function log(level: LogLevel, text: string): void {
  gatewayLog[level](`wallet: ${text}`);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
