import type { Db } from '../db/client.ts';
import { findPassCardById } from '../domain/wallet/pass-card.service.ts';
import { CARD_PASSES_UPDATE_TOPIC, PASS_UPDATE_TOPIC } from '../domain/wallet/pass-updates.ts';
import { cardPushTokens, pushTokensOf, removePushToken } from '../domain/wallet/registrations.service.ts';
import type { ApnsClient } from './apns.ts';
import type { GoogleWalletClient } from './google.ts';
import { googleObjectId, toLoyaltyObjectPatch } from './google-object.ts';
import { type OutboxHandler, type OutboxJob, RetryLater } from '../jobs/outbox-worker.ts';
import { passSourceOf } from './pass-source.ts';

/**
 * What the outbox does for wallet passes. A stamp change writes one `pass.updated` message; handling it
 * fans out into one message per device push and one per Google object, so each is retried on its own
 * and a device that already got its push is not pushed again when another one fails.
 */

export const APNS_PUSH_TOPIC = 'wallet.apns.push';
export const GOOGLE_PATCH_TOPIC = 'wallet.google.patch';

export interface PassJobDeps {
  db: Db;
  /** Settles once the wallet has loaded its credentials. */
  ready: Promise<void>;
  apns(): ApnsClient | undefined;
  google(): GoogleWalletClient | undefined;
  publicUrl: string;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

interface ApnsPushPayload {
  customerCardId: number;
  pushToken: string;
}

interface GooglePatchPayload {
  customerCardId: number;
  notify: boolean;
}

export function passJobHandlers(deps: PassJobDeps): Record<string, OutboxHandler> {
  return {
    [PASS_UPDATE_TOPIC]: (payload) => fanOut(deps, payload),
    [CARD_PASSES_UPDATE_TOPIC]: (payload) => fanOutCard(deps, payload),
    [APNS_PUSH_TOPIC]: (payload) => pushToDevice(deps, payload),
    [GOOGLE_PATCH_TOPIC]: (payload) => patchGoogleObject(deps, payload),
  };
}

async function fanOut(deps: PassJobDeps, payload: unknown) {
  await deps.ready;
  const { customerCardId, notify } = (payload ?? {}) as { customerCardId?: unknown; notify?: unknown };
  if (typeof customerCardId !== 'number') return { note: 'malformed payload' };
  const card = await deps.db.customerCard.findUnique({ where: { id: customerCardId }, select: { googleIssuedAt: true } });
  if (!card) return { note: 'customer card no longer exists' };
  const jobs: OutboxJob[] = [];
  // Without notify (skip_notifications) the pass still changes; devices see it on their next fetch.
  if (notify !== false && deps.apns()) {
    for (const pushToken of await pushTokensOf(deps.db, customerCardId)) {
      jobs.push({ topic: APNS_PUSH_TOPIC, payload: { customerCardId, pushToken } satisfies ApnsPushPayload });
    }
  }
  if (card.googleIssuedAt && deps.google()) {
    jobs.push({ topic: GOOGLE_PATCH_TOPIC, payload: { customerCardId, notify: notify !== false } satisfies GooglePatchPayload });
  }
  return { enqueue: jobs };
}

/**
 * A change to a card's template: every device holding one of its passes is pushed once (a device asks
 * for all its changed passes in one go), and every saved Google object is patched without an alert,
 * since the holder's stamps did not change.
 */
async function fanOutCard(deps: PassJobDeps, payload: unknown) {
  await deps.ready;
  const { cardId } = (payload ?? {}) as { cardId?: unknown };
  if (typeof cardId !== 'number') return { note: 'malformed payload' };
  const jobs: OutboxJob[] = [];
  if (deps.apns()) {
    for (const { customerCardId, pushToken } of await cardPushTokens(deps.db, cardId)) {
      jobs.push({ topic: APNS_PUSH_TOPIC, payload: { customerCardId, pushToken } satisfies ApnsPushPayload });
    }
  }
  if (deps.google()) {
    const saved = await deps.db.customerCard.findMany({
      where: { cardId, googleIssuedAt: { not: null } },
      select: { id: true },
    });
    for (const { id } of saved) {
      jobs.push({ topic: GOOGLE_PATCH_TOPIC, payload: { customerCardId: id, notify: false } satisfies GooglePatchPayload });
    }
  }
  return { enqueue: jobs };
}

async function pushToDevice(deps: PassJobDeps, payload: unknown) {
  await deps.ready;
  const { customerCardId, pushToken } = (payload ?? {}) as Partial<ApnsPushPayload>;
  if (typeof pushToken !== 'string' || typeof customerCardId !== 'number') return { note: 'malformed payload' };
  const apns = deps.apns();
  if (!apns) return { note: 'APNs is not configured' };
  const response = await apns.push(pushToken);
  if (response.status === 200) return {};
  const reason = response.reason ?? 'no reason given';
  // Gone for good: the device removed the pass or the app, or the token was never valid.
  if (response.status === 410 || (response.status === 400 && reason === 'BadDeviceToken')) {
    const removed = await removePushToken(deps.db, pushToken, response.timestamp);
    deps.log('info', `APNs reported a push token as ${reason}; removed ${removed} registration(s)`);
    return { note: `APNs ${response.status} ${reason}` };
  }
  if (response.status === 429 || response.status === 403 || response.status >= 500) {
    throw new RetryLater(`APNs answered ${response.status} ${reason}`);
  }
  // The same request would be refused again (e.g. a topic that does not match the certificate).
  deps.log('error', `APNs refused a push with ${response.status} ${reason}; not retrying`);
  return { note: `APNs ${response.status} ${reason}` };
}

async function patchGoogleObject(deps: PassJobDeps, payload: unknown) {
  await deps.ready;
  const { customerCardId, notify } = (payload ?? {}) as Partial<GooglePatchPayload>;
  if (typeof customerCardId !== 'number') return { note: 'malformed payload' };
  const google = deps.google();
  if (!google) return { note: 'Google Wallet is not configured' };
  const card = await findPassCardById(deps.db, customerCardId);
  if (!card) return { note: 'customer card no longer exists' };
  // Sent as it is now, not as it was when queued: retries and late messages never roll a pass back.
  const patch = toLoyaltyObjectPatch(passSourceOf(card), { publicUrl: deps.publicUrl }, notify === true);
  const result = await google.patchObject(googleObjectId(google, card.uuid), patch);
  if (result.status >= 200 && result.status < 300) return {};
  // The holder opened the link but never saved the pass: there is nothing to update.
  if (result.status === 404) return { note: 'Google object not saved yet' };
  if (result.status === 401 || result.status === 429 || result.status >= 500) {
    throw new RetryLater(`Google Wallet answered ${result.status}: ${result.message ?? ''}`);
  }
  deps.log('error', `Google Wallet refused an object update with ${result.status}: ${result.message ?? ''}; not retrying`);
  return { note: `Google ${result.status} ${result.message ?? ''}` };
}
