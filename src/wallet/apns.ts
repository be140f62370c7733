import http2 from 'node:http2';

/**
 * A minimal APNs client for Wallet pass updates over HTTP/2: one long-lived session, an empty `{}`
 * payload to `/3/device/<token>` with the pass type id as topic. It authenticates with the pass
 * certificate (TLS client auth, as Apple documents for passes) or with a `.p8` token key.
 */

export type ApnsAuth =
  | { kind: 'certificate'; cert: string; key: string; passphrase?: string }
  | { kind: 'token'; key: string; keyId: string; teamId: string };

export interface ApnsOptions {
  url: string;
  /** The pass type identifier. */
  topic: string;
  auth: ApnsAuth;
  /** Extra trusted CA, for a stand-in server with a private certificate. */
  ca?: string;
  timeoutMs?: number;
}

export interface ApnsResponse {
  status: number;
  /** APNs' `reason` ("Unregistered", "BadDeviceToken", …) on failures. */
  reason?: string;
  /** For 410: when APNs last knew the token was invalid. */
  timestamp?: Date;
}

// Apple asks for a fresh provider token at most every 20 minutes and at least every 60.
const PROVIDER_TOKEN_TTL_MS = 40 * 60_000;
const IDLE_SESSION_MS = 10 * 60_000;

export class ApnsClient {
  readonly #options: ApnsOptions;
  #session: http2.ClientHttp2Session | undefined;
  #providerToken: { value: string; expiresAt: number } | undefined;
  #closed = false;

  constructor(options: ApnsOptions) {
    this.#options = options;
  }

  get authKind(): ApnsAuth['kind'] {
    return this.#options.auth.kind;
  }

  /** Sends one pass-update push; network failures reject, APNs answers resolve with their status. */
  async push(pushToken: string): Promise<ApnsResponse> {
    if (this.#closed) throw new Error('APNs client is closed');
    // Tokens are validated at registration; this keeps anything else out of the request path.
    if (!/^[0-9A-Fa-f]+$/.test(pushToken)) return { status: 400, reason: 'BadDeviceToken' };
    const authorization = this.#options.auth.kind === 'token' ? `bearer ${await this.#token()}` : undefined;
    const response = await this.#send(pushToken, authorization);
    if (response.status === 403 && /ProviderToken/.test(response.reason ?? '')) this.#providerToken = undefined;
    return response;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const session = this.#session;
    this.#session = undefined;
    if (!session || session.closed || session.destroyed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        session.destroy();
        resolve();
      }, 2000);
      session.close(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  #send(pushToken: string, authorization: string | undefined): Promise<ApnsResponse> {
    const { topic, timeoutMs = 10_000 } = this.#options;
    return new Promise<ApnsResponse>((resolve, reject) => {
      let session: http2.ClientHttp2Session;
      try {
        session = this.#connect();
      } catch (error) {
        reject(error);
        return;
      }
      const headers: http2.OutgoingHttpHeaders = {
        ':method': 'POST',
        ':path': `/3/device/${pushToken}`,
        'apns-topic': topic,
        // Pass pushes carry no alert: Wallet fetches the pass and shows the field's changeMessage.
        'apns-push-type': 'background',
        'apns-priority': '5',
        'content-type': 'application/json',
      };
      if (authorization) headers.authorization = authorization;
      let status: number | undefined;
      const chunks: Buffer[] = [];
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        fn();
      };
      const request = session.request(headers);
      request.setTimeout(timeoutMs, () => {
        request.close(http2.constants.NGHTTP2_CANCEL);
        settle(() => reject(new Error(`APNs did not answer within ${timeoutMs} ms`)));
      });
      request.on('response', (h) => {
        status = Number(h[':status']);
      });
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => settle(() => resolve(parseResponse(status ?? 0, Buffer.concat(chunks)))));
      request.on('error', (error) => settle(() => reject(error)));
      // A refused TLS client certificate ends the stream with no error event and no response.
      request.on('close', () =>
        settle(() =>
          status === undefined
            ? reject(new Error(`APNs closed the stream without answering (code ${request.rstCode})`))
            : resolve(parseResponse(status, Buffer.concat(chunks))),
        ),
      );
      request.end('{}');
    });
  }

  #connect(): http2.ClientHttp2Session {
    const current = this.#session;
    if (current && !current.closed && !current.destroyed) return current;
    const { auth, ca, url } = this.#options;
    const tls: http2.SecureClientSessionOptions = {};
    if (auth.kind === 'certificate') {
      tls.cert = auth.cert;
      tls.key = auth.key;
      if (auth.passphrase) tls.passphrase = auth.passphrase;
    }
    if (ca) tls.ca = ca;
    const session = http2.connect(url, tls);
    // Failures reach the pending streams; the session only has to be dropped.
    session.on('error', () => this.#drop(session));
    session.on('goaway', () => this.#drop(session));
    session.on('close', () => this.#drop(session));
    session.setTimeout(IDLE_SESSION_MS, () => session.close());
    session.unref();
    this.#session = session;
    return session;
  }

  #drop(session: http2.ClientHttp2Session): void {
    if (this.#session === session) this.#session = undefined;
    if (!session.closed) session.close();
  }

  async #token(): Promise<string> {
    const auth = this.#options.auth;
    if (auth.kind !== 'token') throw new Error('not token auth');
    const now = Date.now();
    if (this.#providerToken && this.#providerToken.expiresAt > now) return this.#providerToken.value;
    // jose is loaded only by a gateway that pushes with a token (.p8) key.
    const { importPKCS8, SignJWT } = await import('jose');
    const key = await importPKCS8(auth.key, 'ES256');
    const value = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: auth.keyId })
      .setIssuer(auth.teamId)
      .setIssuedAt(Math.floor(now / 1000))
      .sign(key);
    this.#providerToken = { value, expiresAt: now + PROVIDER_TOKEN_TTL_MS };
    return value;
  }
}

function parseResponse(status: number, body: Buffer): ApnsResponse {
  const response: ApnsResponse = { status };
  if (body.length === 0) return response;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { reason?: unknown; timestamp?: unknown };
    if (typeof parsed.reason === 'string') response.reason = parsed.reason;
    if (typeof parsed.timestamp === 'number') response.timestamp = new Date(parsed.timestamp);
  } catch {
    response.reason = body.toString('utf8').slice(0, 200);
  }
  return response;
}
