import type { Context, Hono } from 'hono';
import {
  applePassToken,
  findPassCard,
  type PassCard,
  passCardVersion,
  passTokenMatches,
} from '../domain/wallet/pass-card.service.ts';
import { lastModified, notModifiedSince } from '../domain/wallet/pass-version.rules.ts';
import { appleWebServiceUrl, cardPageUrl } from '../links.ts';
import {
  isDeviceLibraryIdentifier,
  isPushToken,
  listUpdatedSerials,
  registerDevice,
  unregisterDevice,
} from '../domain/wallet/registrations.service.ts';
import { type ApplePassBuilder, PKPASS_MIME_TYPE } from './apple-pass.ts';
import { guarded, jsonBody, jsonError } from './http.ts';
import { LOG_ENTRIES_PER_REQUEST, logLine, tooMany } from './limits.ts';
import { PassCache } from './pass-cache.ts';
import { toPassProps } from './pass-model.ts';
import { passSourceOf } from './pass-source.ts';
import type { Wallet } from './wallet.ts';
import { log } from '../observability/log.ts';

/**
 * The pass download (`apple_wallet_url`) and Apple's PassKit web service under the pass's
 * webServiceURL, `$PUBLIC_URL/wallet/apple/v1/...`.
 */
export function mountAppleRoutes(app: Hono, wallet: Wallet): void {
  const db = wallet.runtime.deps.db;
  const v1 = '/wallet/apple/v1';

  app.get(
    '/wallet/apple/:file',
    guarded(async (c) => {
      const uuid = /^(.+)\.pkpass$/.exec(c.req.param('file') ?? '')?.[1];
      const card = uuid ? await findPassCard(db, uuid) : undefined;
      if (!card) return jsonError(c, 404, 'Pass not found');
      const apple = await wallet.apple();
      if (!apple.on) return appleUnavailable(c);
      return servePass(c, wallet, apple.value, card);
    }),
  );

  // 1. Register a device for update pushes: 201 when new, 200 when it was registered already.
  app.post(
    `${v1}/devices/:device/registrations/:passType/:serial`,
    guarded(async (c) => {
      const pass = await authorizePass(c, wallet);
      if (pass instanceof Response) return pass;
      const body = (await jsonBody(c)) as { pushToken?: unknown } | undefined;
      if (!isPushToken(body?.pushToken)) return jsonError(c, 400, 'pushToken must be a hex string');
      const result = await registerDevice(db, {
        customerCardId: pass.card.id,
        deviceLibraryIdentifier: pass.device!,
        pushToken: body.pushToken,
      });
      return c.body(null, result === 'created' ? 201 : 200);
    }),
  );

  // 2. Unregister: 200 whether or not the device was registered.
  app.delete(
    `${v1}/devices/:device/registrations/:passType/:serial`,
    guarded(async (c) => {
      const pass = await authorizePass(c, wallet);
      if (pass instanceof Response) return pass;
      await unregisterDevice(db, { customerCardId: pass.card.id, deviceLibraryIdentifier: pass.device! });
      return c.body(null, 200);
    }),
  );

  // 3. Serial numbers of the device's passes changed since a tag. Apple sends no Authorization here:
  // the device library identifier is the shared secret.
  app.get(
    `${v1}/devices/:device/registrations/:passType`,
    guarded(async (c) => {
      const apple = await wallet.apple();
      if (!apple.on) return appleUnavailable(c);
      if (c.req.param('passType') !== apple.value.signer.passTypeIdentifier) return jsonError(c, 404, 'Unknown pass type');
      const device = c.req.param('device') ?? '';
      if (!isDeviceLibraryIdentifier(device)) return jsonError(c, 400, 'Malformed device library identifier');
      const updated = await listUpdatedSerials(db, device, c.req.query('passesUpdatedSince'));
      if (!updated) return c.body(null, 204);
      return c.json(updated, 200, { 'cache-control': 'no-store' });
    }),
  );

  // 4. The latest version of a pass, or 304 when If-Modified-Since covers it.
  app.get(
    `${v1}/passes/:passType/:serial`,
    guarded(async (c) => {
      const pass = await authorizePass(c, wallet);
      if (pass instanceof Response) return pass;
      return servePass(c, wallet, pass.builder, pass.card);
    }),
  );

  // 5. Devices report web-service problems here; they end up in the gateway log.
  app.post(
    `${v1}/log`,
    guarded(async (c) => {
      const body = (await jsonBody(c)) as { logs?: unknown } | undefined;
      if (!body || !Array.isArray(body.logs)) return jsonError(c, 400, 'Expected {"logs": [...]}');
      // Device text is untrusted and unauthenticated: bounded per request, per entry and per address.
      const entries = body.logs.slice(0, LOG_ENTRIES_PER_REQUEST);
      const refused = tooMany(c, await wallet.limits.logEntries.hit(wallet.limits.addressKey(c), entries.length), 'Too many device log entries');
      if (refused) return refused;
      for (const entry of entries) log.warn(`wallet: device log: ${logLine(entry)}`);
      return c.body(null, 200);
    }),
  );
}

interface AuthorizedPass {
  card: PassCard;
  builder: ApplePassBuilder;
  device: string | undefined;
}

/**
 * Checks a web-service call about one pass: the pass type is ours, the serial names a card and the
 * `ApplePass` token is that card's. A missing or wrong token is 401, an unknown serial 404.
 */
async function authorizePass(c: Context, wallet: Wallet): Promise<AuthorizedPass | Response> {
  const apple = await wallet.apple();
  if (!apple.on) return appleUnavailable(c);
  if (c.req.param('passType') !== apple.value.signer.passTypeIdentifier) return jsonError(c, 404, 'Unknown pass type');
  const device = c.req.param('device');
  if (device !== undefined && !isDeviceLibraryIdentifier(device)) return jsonError(c, 400, 'Malformed device library identifier');
  const token = applePassToken(c.req.header('authorization'));
  if (token === undefined) return jsonError(c, 401, 'Missing ApplePass authorization');
  const card = await findPassCard(wallet.runtime.deps.db, c.req.param('serial') ?? '');
  if (!card) return jsonError(c, 404, 'Pass not found');
  if (!passTokenMatches(card.passToken, token)) return jsonError(c, 401, 'Wrong ApplePass authorization');
  return { card, builder: apple.value, device };
}

async function servePass(c: Context, wallet: Wallet, builder: ApplePassBuilder, card: PassCard): Promise<Response> {
  const version = passCardVersion(card);
  const headers = { 'last-modified': lastModified(version).toUTCString(), 'cache-control': 'no-cache' };
  if (notModifiedSince(version, c.req.header('if-modified-since'))) return c.body(null, 304, headers);
  const refused = tooMany(c, await wallet.limits.perPass.hit(`pass:${card.id}`), 'Too many downloads of this pass');
  if (refused) return refused;
  const content = toPassProps({ ...passSourceOf(card), pageUrl: cardPageUrl(wallet.runtime.config, card.uuid) }, builder.identity(appleWebServiceUrl(wallet.runtime.config)));
  const pkpass = await wallet.passes.get(card.id, PassCache.versionOf({ signer: builder.signer.passTypeIdentifier, content }), () => builder.build(content));
  return c.body(new Uint8Array(pkpass), 200, {
    ...headers,
    'content-type': PKPASS_MIME_TYPE,
    'content-disposition': 'attachment; filename="stampcard.pkpass"',
  });
}

function appleUnavailable(c: Context): Response {
  return jsonError(c, 503, 'Apple Wallet passes are not available on this gateway');
}
