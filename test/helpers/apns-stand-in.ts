import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { importSPKI, jwtVerify } from 'jose';

/**
 * A local HTTP/2 TLS server answering like APNs. It records every push; tokens starting with "dead"
 * are answered 410 Unregistered, and `failNext` makes the next pushes fail (an outage). With
 * `clientCa` it demands a client certificate (certificate auth); with `tokenKey` it checks the
 * bearer JWT (token auth).
 */
export interface RecordedPush {
  token: string;
  topic: string | undefined;
  pushType: string | undefined;
  priority: string | undefined;
  body: string;
  clientCertificateCn: string | undefined;
  jwt: { valid: boolean; kid?: string; iss?: string } | undefined;
  status: number;
}

export interface ApnsStandIn {
  url: string;
  pushes: RecordedPush[];
  /** Pushes answered 200, i.e. delivered. */
  delivered(token?: string): RecordedPush[];
  failNext(count: number, status?: number): void;
  close(): Promise<void>;
}

export async function startApnsStandIn(options: {
  cert: string;
  key: string;
  clientCa?: string;
  tokenKey?: { publicKey: string; keyId: string; teamId: string };
}): Promise<ApnsStandIn> {
  const pushes: RecordedPush[] = [];
  let failures: { count: number; status: number } = { count: 0, status: 503 };
  const verifyKey = options.tokenKey ? await importSPKI(options.tokenKey.publicKey, 'ES256') : undefined;
  const server = http2.createSecureServer({
    cert: options.cert,
    key: options.key,
    ...(options.clientCa ? { requestCert: true, rejectUnauthorized: true, ca: [options.clientCa] } : {}),
  });
  // Tracked so close() can end the sessions the gateway keeps alive.
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  server.on('stream', (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', async () => {
      const path = String(headers[':path'] ?? '');
      const token = /^\/3\/device\/(.+)$/.exec(path)?.[1] ?? '';
      const socket = stream.session?.socket as TLSSocket | undefined;
      const peer = socket?.getPeerCertificate?.();
      let jwt: RecordedPush['jwt'];
      if (verifyKey && options.tokenKey) {
        const bearer = /^bearer (.+)$/.exec(String(headers.authorization ?? ''))?.[1];
        try {
          const { payload, protectedHeader } = await jwtVerify(bearer ?? '', verifyKey, {
            algorithms: ['ES256'],
            issuer: options.tokenKey.teamId,
          });
          jwt = { valid: protectedHeader.kid === options.tokenKey.keyId && typeof payload.iat === 'number', kid: protectedHeader.kid, iss: payload.iss };
        } catch {
          jwt = { valid: false };
        }
      }
      let status = 200;
      let body: object | undefined;
      if (failures.count > 0) {
        failures.count--;
        status = failures.status;
        body = { reason: 'ServiceUnavailable' };
      } else if (jwt && !jwt.valid) {
        status = 403;
        body = { reason: 'InvalidProviderToken' };
      } else if (token.startsWith('dead')) {
        status = 410;
        body = { reason: 'Unregistered', timestamp: Date.now() };
      } else if (!/^[0-9a-f]+$/i.test(token)) {
        status = 400;
        body = { reason: 'BadDeviceToken' };
      }
      pushes.push({
        token,
        topic: headers['apns-topic'] as string | undefined,
        pushType: headers['apns-push-type'] as string | undefined,
        priority: headers['apns-priority'] as string | undefined,
        body: Buffer.concat(chunks).toString('utf8'),
        clientCertificateCn: peer && 'subject' in peer ? (peer.subject?.CN as string | undefined) : undefined,
        jwt,
        status,
      });
      stream.respond({ ':status': status, 'apns-id': `test-${pushes.length}`, ...(body ? { 'content-type': 'application/json' } : {}) });
      stream.end(body ? JSON.stringify(body) : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://localhost:${port}`,
    pushes,
    delivered: (token) => pushes.filter((p) => p.status === 200 && (token === undefined || p.token === token)),
    failNext: (count, status = 503) => {
      failures = { count, status };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sessions from the gateway would hold close() open.
        for (const session of sessions) session.destroy();
      }),
  };
}
