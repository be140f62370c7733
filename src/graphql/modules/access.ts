import { Scope } from '../../auth/scopes.ts';
import { assertPerformAction } from '../../auth/policy.ts';
import { issueApiToken, revokeStoreApiToken } from '../../domain/stores/api-token.service.ts';
import { ownedBy } from '../../domain/visibility.ts';
import { builder } from '../builder.ts';
import { connectionOf } from '../connections.ts';
import { UserError, unknownId } from '../errors.ts';
import { databaseIdOf } from '../global-ids.ts';
import { type Payload, reread, userErrorsFrom } from '../payloads.ts';
import { StoreNode } from './stores.ts';

/** Who acts: API tokens with their scopes, attribution of ledger entries, the audit log. */

export const ActorKindEnum = builder.enumType('ActorKind', {
  description: 'What kind of principal made a change.',
  values: {
    TOKEN: { value: 'TOKEN', description: 'An API token of the store (its name says which).' },
    CARD_HOLDER: { value: 'CARD_HOLDER', description: "A customer page or wallet pass, holding its card's code." },
    SIGNUP: { value: 'SIGNUP', description: "A poster's public sign-up form." },
    SYSTEM: { value: 'SYSTEM', description: 'The gateway itself (demo seed, jobs, administrative commands).' },
  } as const,
});

export const ApiTokenScopeEnum = builder.enumType('ApiTokenScope', {
  description: 'What an API token may do (docs/graphql.md "Scopes").',
  values: {
    ADMIN: { value: Scope.ADMIN, description: 'Everything: the programme, webhooks, tokens, the audit log. The default.' },
    TILL: { value: Scope.TILL, description: 'Read; stamp, redeem; create and enrol customers; take back its own stamps for 15 minutes.' },
    READ: { value: Scope.READ, description: 'Read only (not webhooks, tokens or the audit log).' },
  } as const,
});

interface ActorShape {
  actorKind: 'TOKEN' | 'CARD_HOLDER' | 'SIGNUP' | 'SYSTEM';
  actorName: string;
}

export const ActorObject = builder.objectRef<ActorShape>('Actor').implement({
  description: 'Who made a change.',
  fields: (t) => ({
    kind: t.field({ type: ActorKindEnum, description: 'What kind of principal it was.', resolve: (a) => a.actorKind }),
    name: t.string({ description: 'Its name: the token\'s name (or prefix), "Customer page", the poster, "Stampline".', resolve: (a) => a.actorName }),
  }),
});

builder.prismaObjectField('LedgerEntry', 'actor', (t) =>
  t.field({
    type: ActorObject,
    description: 'Who made the entry.',
    select: { actorKind: true, actorName: true },
    resolve: (entry) => ({ actorKind: entry.actorKind, actorName: entry.actorName }),
  }),
);

export const ApiTokenNode = builder.prismaNode('ApiToken', {
  description: "An API token of the store. Its secret is shown once, when created, and never again.",
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id: Number(id), ...ownedBy(ctx.actor) }),
  nullable: true,
  fields: (t) => ({
    databaseId: t.exposeInt('id', { description: 'The database id.' }),
    name: t.exposeString('name', { nullable: true, description: 'What it is for, e.g. "Front counter".' }),
    scope: t.field({ type: ApiTokenScopeEnum, description: 'What it may do.', resolve: (row) => (row.scope as Scope) }),
    prefix: t.exposeString('prefix', { description: 'Its first characters, to tell tokens apart (not enough to use it).' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    lastUsedAt: t.expose('lastUsedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was last used, to the minute (written at most once a minute per gateway); null if never.',
    }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true, description: 'When it was revoked; null while it works.' }),
  }),
});

const ApiTokenConnection = connectionOf(ApiTokenNode, 'ApiToken', 'API tokens');

builder.prismaObjectField(StoreNode, 'apiTokens', (t) =>
  t.relatedConnection('apiTokens', {
    description: "The store's API tokens, newest first, revoked ones included. Admin tokens only.",
    cursor: 'id',
    totalCount: true,
    query: () => ({ orderBy: { id: 'desc' } }),
  }, ApiTokenConnection),
);

export const AuditLogEntryNode = builder.prismaNode('AuditLogEntry', {
  description: 'One admin write: who did what to which record, and the fields it changed. Append-only.',
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id: Number(id), ...ownedBy(ctx.actor) }),
  nullable: true,
  fields: (t) => ({
    databaseId: t.exposeInt('id', { description: 'The database id.' }),
    actor: t.field({
      type: ActorObject,
      description: 'Who made the change.',
      select: { actorKind: true, actorName: true },
      resolve: (entry) => ({ actorKind: entry.actorKind, actorName: entry.actorName }),
    }),
    action: t.exposeString('action', { description: 'What was done, e.g. `card.update`, `apiToken.create`.' }),
    targetType: t.exposeString('targetType', { description: 'The kind of record changed: `Card`, `Reward`, `ApiToken`, ...' }),
    targetId: t.exposeInt('targetId', { nullable: true, description: 'The database id of the record changed.' }),
    changes: t.field({
      type: 'JSONObject',
      description: 'The changed fields, `{"name": {"before": "Old", "after": "New"}}`; secrets read `[redacted]`.',
      resolve: (entry) => entry.changes as Record<string, unknown>,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it happened.' }),
  }),
});

const AuditLogEntryConnection = connectionOf(AuditLogEntryNode, 'AuditLogEntry', 'audit log entries');

builder.prismaObjectField(StoreNode, 'auditLog', (t) =>
  t.relatedConnection('auditLog', {
    description: 'Every admin write, newest first. Admin tokens only.',
    cursor: 'id',
    totalCount: true,
    query: () => ({ orderBy: { id: 'desc' } }),
  }, AuditLogEntryConnection),
);

const CreateApiTokenInput = builder.inputType('CreateApiTokenInput', {
  description: 'A new API token.',
  fields: (t) => ({
    scope: t.field({ type: ApiTokenScopeEnum, description: 'What it may do; defaults to ADMIN.' }),
    name: t.string({ description: 'What it is for, up to 100 characters, e.g. "Front counter".' }),
  }),
});

const CreateApiTokenPayload = builder.objectRef<Payload<{ tokenId: number; token: string }>>('CreateApiTokenPayload').implement({
  description: 'Result of `createApiToken`.',
  fields: (t) => ({
    apiToken: t.prismaField({
      type: 'ApiToken',
      nullable: true,
      description: 'The token; null when the input was refused.',
      resolve: (query, payload, _args, ctx) => reread(query, payload.tokenId, (args) => ctx.deps.db.apiToken.findUnique(args)),
    }),
    token: t.string({
      nullable: true,
      description: 'The secret, for `Authorization: Bearer …`. Shown this once: store it now.',
      resolve: (p) => p.token ?? null,
    }),
    userErrors: t.field({ type: [UserError], description: 'Why the input was refused; empty on success.', resolve: (p) => p.userErrors }),
  }),
});

builder.mutationField('createApiToken', (t) =>
  t.field({
    nullable: true,
    type: CreateApiTokenPayload,
    description: 'Creates an API token of the store (admin tokens only). The secret is in the payload, once.',
    args: { input: t.arg({ type: CreateApiTokenInput, required: true, description: 'Its scope and name.' }) },
    resolve: (_root, { input }, ctx) =>
      userErrorsFrom(async () => {
        const { row, token } = await issueApiToken(ctx.deps, ctx.actor, { scope: input.scope ?? undefined, name: input.name ?? undefined });
        return { tokenId: row.id, token };
      }),
  }),
);

const RevokeApiTokenInput = builder.inputType('RevokeApiTokenInput', {
  description: 'The token to revoke.',
  fields: (t) => ({ id: t.id({ required: true, description: 'Global id of the API token.' }) }),
});

const RevokeApiTokenPayload = builder.objectRef<Payload<{ tokenId: number }>>('RevokeApiTokenPayload').implement({
  description: 'Result of `revokeApiToken`.',
  fields: (t) => ({
    apiToken: t.prismaField({
      type: 'ApiToken',
      nullable: true,
      description: 'The token, now revoked; null when the input was refused.',
      resolve: (query, payload, _args, ctx) => reread(query, payload.tokenId, (args) => ctx.deps.db.apiToken.findUnique(args)),
    }),
    userErrors: t.field({ type: [UserError], description: 'Why the input was refused; empty on success.', resolve: (p) => p.userErrors }),
  }),
});

builder.mutationField('revokeApiToken', (t) =>
  t.field({
    nullable: true,
    type: RevokeApiTokenPayload,
    description:
      'Revokes an API token (admin tokens only): it stops working at once on every gateway, open WebSocket connections and SSE streams included. Revoking a revoked token again succeeds.',
    args: { input: t.arg({ type: RevokeApiTokenInput, required: true, description: 'The token.' }) },
    resolve: (_root, { input }, ctx) =>
      userErrorsFrom(async () => {
        // Asked before the id is read, so a till token learns nothing about which ids exist.
        assertPerformAction(ctx.actor, 'apiToken.revoke');
        const id = databaseIdOf('ApiToken', String(input.id));
        if (id === undefined) throw unknownId('API token', 'id');
        const outcome = await revokeStoreApiToken(ctx.deps, ctx.actor, id);
        if (outcome === 'unknown') throw unknownId('API token', 'id');
        return { tokenId: id };
      }, { 'API token': 'id' }),
  }),
);
