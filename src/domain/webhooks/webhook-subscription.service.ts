import { appendAudit } from '../../auth/audit.ts';
import { rowBeforeChange } from '../audited-change.ts';
import { assertPerformAction } from '../../auth/policy.ts';
import type { Prisma } from '../../generated/sqlite/client.ts';
import type { Actor, Deps } from '../context.ts';
import { invalid, notFound } from '../errors.ts';
import { createAudited } from '../audited-create.ts';
import { checkIdempotencyKey } from '../idempotency.ts';
import { isWebhookEvent, ALL_EVENTS } from './webhook-events.ts';
import { newSigningSecret, openSecret, sealSecret } from './secret-box.ts';
import { BlockedAddressError, resolvePublicAddresses } from './target-resolution.ts';
import { BLOCKED_ADDRESS_MESSAGE } from './target.rules.ts';
import {
  DisabledReason,
  type PayloadFormat,
  requestedEvents,
  type SubscriptionShape,
  validateSubscription,
  type WebhookSubscriptionInput,
} from './webhook-subscription.rules.ts';
import { FieldErrorCollector } from '../errors.ts';

export type WebhookSubscriptionRow = Prisma.WebhookSubscriptionGetPayload<object>;

/** A subscription with its signing secret opened: what create, show and rotate_secret answer. */
export type WebhookSubscriptionWithSecret = WebhookSubscriptionRow & { secret: string };

/** The event names a stored subscription holds. */
export function eventsOf(row: Pick<WebhookSubscriptionRow, 'events'>): string[] {
  return Array.isArray(row.events) ? row.events.filter((name): name is string => typeof name === 'string') : [];
}

export function payloadFormatOf(row: Pick<WebhookSubscriptionRow, 'payloadFormat'>): PayloadFormat {
  return row.payloadFormat === 'flat' ? 'flat' : 'envelope';
}

export async function withSecret(deps: Deps, row: WebhookSubscriptionRow): Promise<WebhookSubscriptionWithSecret> {
  return { ...row, secret: await openSecret(deps.db, row.storeId, row.secretSealed) };
}

export async function getWebhookSubscription(deps: Deps, actor: Actor, id: number): Promise<WebhookSubscriptionRow> {
  assertPerformAction(actor, 'webhook.read');
  const row = await deps.db.webhookSubscription.findFirst({ where: { id, storeId: actor.storeId } });
  if (!row) throw notFound('Webhook subscription');
  return row;
}

/**
 * The store's subscriptions, oldest first. With `event`, only those that receive it (subscribers to
 * `*` included); an unknown name is refused rather than answered with an empty list.
 */
export async function listWebhookSubscriptions(deps: Deps, actor: Actor, filter: { event?: string } = {}): Promise<WebhookSubscriptionRow[]> {
  assertPerformAction(actor, 'webhook.read');
  if (filter.event !== undefined && !isWebhookEvent(filter.event)) {
    throw invalid({ event: [`unknown event ${JSON.stringify(filter.event)}`] });
  }
  const rows = await deps.db.webhookSubscription.findMany({ where: { storeId: actor.storeId }, orderBy: { id: 'asc' } });
  const { event } = filter;
  return event === undefined ? rows : rows.filter((row) => eventsOf(row).some((name) => name === ALL_EVENTS || name === event));
}

/**
 * Checks, by resolving it, that the target's host reaches only public addresses. Done on create and
 * when the URL changes; delivery checks again as it connects, as a name may change what it resolves to.
 */
async function checkTargetResolves(deps: Deps, targetUrl: string): Promise<void> {
  if (deps.webhooks.allowPrivateUrls) return;
  try {
    await resolvePublicAddresses(new URL(targetUrl).hostname);
  } catch (error) {
    const message = error instanceof BlockedAddressError ? BLOCKED_ADDRESS_MESSAGE : 'has a host name that does not resolve';
    throw invalid({ targetUrl: [message] });
  }
}

/** Which field an events error names: the one the caller used. */
function eventsField(input: WebhookSubscriptionInput): 'event' | 'events' {
  return input.events === undefined && input.event !== undefined ? 'event' : 'events';
}

/** Refuses non-string event names before they reach the rules (form bodies, hand-written JSON). */
function checkEventTypes(input: WebhookSubscriptionInput): void {
  const errors = new FieldErrorCollector();
  if (input.event !== undefined && typeof input.event !== 'string') errors.add('event', 'must be a string');
  if (input.events !== undefined && (!Array.isArray(input.events) || input.events.some((name) => typeof name !== 'string'))) {
    errors.add('events', 'must be a list of event names');
  }
  errors.throwIfAny();
}

/**
 * Creates a subscription with a new signing secret. Only `targetUrl` is required; without `event` or
 * `events` it receives every event (`*`). The target must be https and public unless private URLs
 * are allowed (see target.rules.ts).
 */
export async function createWebhookSubscription(
  deps: Deps,
  actor: Actor,
  input: WebhookSubscriptionInput,
  idempotencyKey?: string | null,
): Promise<WebhookSubscriptionRow> {
  assertPerformAction(actor, 'webhook.create');
  checkEventTypes(input);
  const events = requestedEvents(input) ?? [ALL_EVENTS];
  const merged: SubscriptionShape = {
    targetUrl: input.targetUrl ?? '',
    description: input.description ?? null,
    events,
    payloadFormat: input.payloadFormat ?? 'envelope',
  };
  const touched = new Set(['targetUrl', 'events', 'payloadFormat', ...(input.description === undefined ? [] : ['description'])]);
  validateSubscription(merged, touched, eventsField(input), deps.webhooks.allowPrivateUrls);
  await checkTargetResolves(deps, merged.targetUrl);
  // A malformed key is refused before the secret is sealed (which may write the store's sealing key).
  checkIdempotencyKey(idempotencyKey);
  const enabled = input.enabled ?? true;
  const secretSealed = await sealSecret(deps.db, actor.storeId, newSigningSecret());
  return createAudited(
    deps,
    actor,
    { action: 'webhook.create', targetType: 'WebhookSubscription', operation: 'createWebhookSubscription', params: input, idempotencyKey },
    (tx) =>
      tx.webhookSubscription.create({
        data: {
          storeId: actor.storeId,
          targetUrl: merged.targetUrl,
          description: merged.description,
          events: merged.events as Prisma.InputJsonValue,
          payloadFormat: merged.payloadFormat,
          enabled,
          secretSealed,
          ...(enabled ? {} : { disabledAt: new Date(), disabledReason: DisabledReason.BY_USER }),
        },
      }),
    (id) => getWebhookSubscription(deps, actor, id),
  );
}

/**
 * Changes the given fields. `enabled: false` records `disabled_by_user`; `enabled: true` clears any
 * disabling (the user's or the gateway's) and the failure count, so deliveries resume with the next event.
 */
export async function updateWebhookSubscription(
  deps: Deps,
  actor: Actor,
  id: number,
  input: WebhookSubscriptionInput,
): Promise<WebhookSubscriptionRow> {
  assertPerformAction(actor, 'webhook.update');
  const row = await getWebhookSubscription(deps, actor, id);
  checkEventTypes(input);
  const events = requestedEvents(input);
  const merged: SubscriptionShape = {
    targetUrl: input.targetUrl ?? row.targetUrl,
    description: input.description === undefined ? row.description : input.description,
    events: events ?? eventsOf(row),
    payloadFormat: input.payloadFormat ?? row.payloadFormat,
  };
  const touched = new Set<string>();
  if (input.targetUrl !== undefined) touched.add('targetUrl');
  if (input.description !== undefined) touched.add('description');
  if (events !== undefined) touched.add('events');
  if (input.payloadFormat !== undefined) touched.add('payloadFormat');
  validateSubscription(merged, touched, eventsField(input), deps.webhooks.allowPrivateUrls);
  if (input.targetUrl !== undefined && input.targetUrl !== row.targetUrl) await checkTargetResolves(deps, merged.targetUrl);

  const data: Prisma.WebhookSubscriptionUpdateInput = {};
  if (touched.has('targetUrl')) data.targetUrl = merged.targetUrl;
  if (touched.has('description')) data.description = merged.description;
  if (touched.has('events')) data.events = merged.events as Prisma.InputJsonValue;
  if (touched.has('payloadFormat')) data.payloadFormat = merged.payloadFormat;
  if (input.enabled === true && !row.enabled) {
    Object.assign(data, { enabled: true, disabledAt: null, disabledReason: null, consecutiveFailures: 0, failingSince: null });
  } else if (input.enabled === false && row.enabled) {
    Object.assign(data, { enabled: false, disabledAt: new Date(), disabledReason: DisabledReason.BY_USER });
  }
  if (Object.keys(data).length === 0) return row;
  return deps.db.$transaction(async (tx) => {
    const before = await rowBeforeChange(tx, deps.provider, 'webhook_subscriptions', row.id, 'Webhook subscription', () => tx.webhookSubscription.findUnique({ where: { id: row.id } }));
    const updated = await tx.webhookSubscription.update({ where: { id: row.id }, data });
    await appendAudit(tx, actor, { action: 'webhook.update', targetType: 'WebhookSubscription', targetId: row.id, before, after: updated });
    return updated;
  });
}

/** Deletes a subscription and its delivery log; deliveries still queued for it are dropped. */
export async function deleteWebhookSubscription(deps: Deps, actor: Actor, id: number): Promise<void> {
  assertPerformAction(actor, 'webhook.delete');
  const row = await getWebhookSubscription(deps, actor, id);
  await deps.db.$transaction(async (tx) => {
    const before = await rowBeforeChange(tx, deps.provider, 'webhook_subscriptions', row.id, 'Webhook subscription', () => tx.webhookSubscription.findUnique({ where: { id: row.id } }), 'delete');
    await tx.webhookSubscription.deleteMany({ where: { id: row.id } });
    await appendAudit(tx, actor, { action: 'webhook.delete', targetType: 'WebhookSubscription', targetId: row.id, before, after: null });
  });
}

/** Replaces the signing secret; every delivery from now on, retries included, is signed with the new one only. */
export async function rotateWebhookSecret(deps: Deps, actor: Actor, id: number): Promise<WebhookSubscriptionRow> {
  assertPerformAction(actor, 'webhook.rotateSecret');
  const row = await getWebhookSubscription(deps, actor, id);
  const secretSealed = await sealSecret(deps.db, actor.storeId, newSigningSecret());
  return deps.db.$transaction(async (tx) => {
    const before = await rowBeforeChange(tx, deps.provider, 'webhook_subscriptions', row.id, 'Webhook subscription', () => tx.webhookSubscription.findUnique({ where: { id: row.id } }));
    const updated = await tx.webhookSubscription.update({ where: { id: row.id }, data: { secretSealed } });
    // The secret itself is redacted (audit.ts); the entry says that it changed.
    await appendAudit(tx, actor, { action: 'webhook.rotateSecret', targetType: 'WebhookSubscription', targetId: row.id, before, after: updated });
    return updated;
  });
}
