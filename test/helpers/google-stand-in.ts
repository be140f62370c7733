import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { importSPKI, jwtVerify } from 'jose';

/**
 * A local HTTP server answering like Google's OAuth token endpoint (`POST /token`) and the Wallet
 * API's loyalty objects (`PATCH /walletobjects/v1/loyaltyObject/:id`). Objects listed in `saved`
 * answer 200; others 404, as objects nobody has saved yet.
 */
export interface TokenRequest {
  grantType: string | null;
  assertionValid: boolean;
  scope: unknown;
}

export interface ObjectPatch {
  objectId: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
  status: number;
}

export interface GoogleStandIn {
  url: string;
  tokenUrl: string;
  apiUrl: string;
  tokenRequests: TokenRequest[];
  patches: ObjectPatch[];
  saved: Set<string>;
  close(): Promise<void>;
}

export async function startGoogleStandIn(options: { publicKey: string; clientEmail: string }): Promise<GoogleStandIn> {
  const key = await importSPKI(options.publicKey, 'RS256');
  const tokenRequests: TokenRequest[] = [];
  const patches: ObjectPatch[] = [];
  const saved = new Set<string>();
  let url = '';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (req.method === 'POST' && req.url === '/token') {
        const form = new URLSearchParams(body);
        let assertionValid = false;
        let scope: unknown;
        try {
          const { payload } = await jwtVerify(form.get('assertion') ?? '', key, {
            algorithms: ['RS256'],
            issuer: options.clientEmail,
            audience: `${url}/token`,
          });
          assertionValid = typeof payload.exp === 'number';
          scope = payload.scope;
        } catch {
          assertionValid = false;
        }
        tokenRequests.push({ grantType: form.get('grant_type'), assertionValid, scope });
        res.writeHead(assertionValid ? 200 : 400, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify(
            assertionValid
              ? { access_token: `test-access-${tokenRequests.length}`, expires_in: 3600, token_type: 'Bearer' }
              : { error: 'invalid_grant' },
          ),
        );
        return;
      }
      const match = /^\/walletobjects\/v1\/loyaltyObject\/([^/?]+)$/.exec(req.url ?? '');
      if (req.method === 'PATCH' && match) {
        const objectId = decodeURIComponent(match[1]!);
        const status = saved.has(objectId) ? 200 : 404;
        patches.push({ objectId, authorization: req.headers.authorization, body: JSON.parse(body) as Record<string, unknown>, status });
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(status === 200 ? { id: objectId } : { error: { code: 404, message: 'Resource not found' } }));
        return;
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    tokenUrl: `${url}/token`,
    apiUrl: `${url}/walletobjects/v1`,
    tokenRequests,
    patches,
    saved,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
