import { PothosValidationError } from '@pothos/core';
import { type ExecutionResult, GraphQLError, getOperationAST } from 'graphql';
import { maskError as defaultMaskError, type Plugin, type YogaLogger } from 'graphql-yoga';
import { ForbiddenError } from '../auth/policy.ts';
import { DomainError, ErrorCode } from '../domain/errors.ts';
import { EventsPrunedError } from '../domain/ledger/event-replay.ts';
import { unavailableAnswer } from '../http/unavailable.ts';
import { FeedClosedError } from '../live/stamp-feed.ts';
import { logArgs, logger } from '../observability/log.ts';
import { builder } from './builder.ts';

/** One reason a mutation changed nothing, as carried in its payload's `userErrors`. */
export interface UserErrorShape {
  field: string[] | null;
  message: string;
  code: ErrorCode;
  /** From when the same request would be taken, for a refusal that time lifts (`TOO_SOON`, `DAILY_LIMIT`). */
  retryAt?: Date | null;
}

const codeDescriptions: Record<ErrorCode, string> = {
  INVALID: 'The input breaks a rule; `field` names the input field.',
  NOT_FOUND: 'The record does not exist for this store (whether it exists elsewhere or not at all).',
  TAKEN: 'A value that must be unique in the store (email, phone, external reference) is already used.',
  NOT_ENOUGH_STAMPS: 'The customer card holds fewer stamps than the reward costs.',
  REWARD_INACTIVE: 'The reward is inactive and cannot be redeemed.',
  REWARD_NOT_ON_CARD: 'The reward belongs to another card of the store.',
  CARD_ARCHIVED: 'The card is archived: it takes no stamps and no new customers.',
  CARD_EXPIRED: 'The card has expired (`Card.expiresAt`): it takes no stamps, redemptions or new customers.',
  ALREADY_ENROLLED: 'The customer already holds this card.',
  IDEMPOTENCY_KEY_REUSED: 'The idempotency key was used before for a different request.',
  IN_USE: 'The record is still referenced and cannot be deleted.',
  TOO_SOON: "The card's `stampCooldownSeconds` have not passed since the customer card's last stamp; `retryAt` says when they will have.",
  DAILY_LIMIT: "The stamps would pass the card's `maxStampsPerDay` for the store-local day; `retryAt` is the start of the next day (null when the stamps are more than a day allows).",
};

export const UserErrorCode = builder.enumType('UserErrorCode', {
  description: 'Why a mutation refused its input. Stable: clients may branch on it.',
  values: Object.fromEntries(
    Object.values(ErrorCode).map((code) => [code, { value: code, description: codeDescriptions[code] }]),
  ) as Record<ErrorCode, { value: ErrorCode; description: string }>,
});

export const UserError = builder.objectRef<UserErrorShape>('UserError').implement({
  description: 'A reason a mutation refused its input. When a payload has user errors, nothing was changed.',
  fields: (t) => ({
    field: t.exposeStringList('field', {
      nullable: true,
      description: 'Path to the input field at fault, e.g. `["input", "stamps"]`; `["input"]` when the whole input is.',
    }),
    message: t.exposeString('message', { description: 'What is wrong, for people.' }),
    code: t.expose('code', { type: UserErrorCode, description: 'What is wrong, for programs.' }),
    retryAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'For a refusal that time lifts (`TOO_SOON`, `DAILY_LIMIT`): from when the same request would be taken. Null for every other refusal.',
      resolve: (error) => error.retryAt ?? null,
    }),
  }),
});

/**
 * Maps input fields to the record they name, e.g. `{ 'Customer card': 'customerCardId' }`, so that a
 * service's "Customer card not found" points at the input field that named it.
 */
export type NotFoundFields = Record<string, string>;

export function toUserErrors(error: DomainError, notFoundFields: NotFoundFields = {}): UserErrorShape[] {
  const entries = Object.entries(error.fields);
  if (entries.length === 0) {
    const what = error.message.replace(/ not found$/, '');
    const field = error.isNotFound ? notFoundFields[what] : undefined;
    return [{ field: field ? ['input', field] : ['input'], message: error.message, code: error.code, retryAt: error.retryAt }];
  }
  return entries.flatMap(([field, messages]) =>
    messages.map((message) => ({
      field: field === 'base' ? ['input'] : ['input', field],
      message,
      code: error.code,
      retryAt: error.retryAt,
    })),
  );
}

/** An id in a mutation input that names nothing this store has (another type, another store, garbage). */
export function unknownId(what: string, field: string): DomainError {
  const message = `${what} not found`;
  return new DomainError(ErrorCode.NOT_FOUND, message, { [field]: [message] });
}

/** The error of a request without a valid bearer token; yoga answers it with HTTP 401 and no data. */
export function unauthenticated(): GraphQLError {
  return new GraphQLError('Authentication required: send `Authorization: Bearer <API token>`', {
    extensions: {
      code: 'UNAUTHENTICATED',
      http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="stampline"' } },
    },
  });
}

// Errors maskError answered with a code: refusals of what a client sent, and outages already logged in
// one line. Yoga logs every error it replaces; these are not faults, and their traces would flood the log.
const answered = new WeakSet<object>();

/** Yoga's logger, writing to the gateway's log and quiet about errors `maskError` answered with a code. */
export function graphqlLogger(): YogaLogger {
  const target = logger('graphql');
  return {
    debug: (...args: unknown[]) => logArgs(target, 'debug', args),
    info: (...args: unknown[]) => logArgs(target, 'info', args),
    warn: (...args: unknown[]) => logArgs(target, 'warn', args),
    error: (...args: unknown[]) => {
      if (args.length === 1 && typeof args[0] === 'object' && args[0] !== null && answered.has(args[0])) return;
      logArgs(target, 'error', args);
    },
  };
}

/**
 * A client's mistake is worth one line in the log (which field, what was wrong), not a stack trace:
 * nothing in the gateway failed.
 */
function logClientMistake(masked: GraphQLError): void {
  if (masked.extensions.code !== 'BAD_USER_INPUT') return;
  logger('graphql').warn(`GraphQL: refused ${masked.path?.join('.') ?? 'the request'}: ${masked.message} (BAD_USER_INPUT)`);
}

/** An `onReject` for graphql-armor: its refusals carry no code of their own. */
export function coded(code: string) {
  return (_context: unknown, error: GraphQLError) => {
    error.extensions.code = code;
  };
}

/**
 * Gives a code to the errors of a query or mutation refused as a whole at execution (variables that
 * do not coerce to their types): yoga codes parse and validation errors itself, graphql-js leaves these bare.
 */
export function useRequestErrorCodes(): Plugin {
  const withCodes = (result: ExecutionResult): ExecutionResult =>
    result.data === undefined && result.errors?.some((error) => error.extensions.code === undefined)
      ? {
          ...result,
          errors: result.errors.map((error) =>
            error.extensions.code === undefined
              ? new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { code: 'BAD_USER_INPUT' } })
              : error,
          ),
        }
      : result;
  return {
    // Queries and mutations only: a subscription's events run through execute as well, and a hook
    // there held up their delivery over server-sent events.
    onExecute: ({ args }) =>
      getOperationAST(args.document, args.operationName)?.operation === 'subscription'
        ? undefined
        : {
            onExecuteDone({ result, setResult }) {
              if (!(Symbol.asyncIterator in result)) setResult(withCodes(result));
            },
          },
  };
}

/**
 * Yoga's error masking: unexpected errors become "Unexpected error." (details stay in the log), but a
 * domain refusal or a bad argument keeps its message and gets a code clients can branch on.
 */
export function maskError(error: unknown, message: string, isDev?: boolean): Error {
  const masked = revealOrMask(error, message, isDev);
  if (masked instanceof GraphQLError) logClientMistake(masked);
  return masked;
}

function revealOrMask(error: unknown, message: string, isDev?: boolean): Error {
  const original = error instanceof GraphQLError ? (error.originalError ?? undefined) : error;
  const located = error instanceof GraphQLError ? error : undefined;
  const reveal = (text: string, extensions: Record<string, unknown>) => {
    if (typeof error === 'object' && error !== null) answered.add(error);
    return new GraphQLError(text, {
      nodes: located?.nodes ?? null,
      source: located?.source ?? null,
      positions: located?.positions ?? null,
      path: located?.path ?? null,
      extensions,
    });
  };
  if (original instanceof DomainError) {
    return reveal(original.message, { code: original.code, fields: original.fields });
  }
  // A scope refusal is an error on the field, not a user error: the input was fine, the caller may not.
  if (original instanceof ForbiddenError) return reveal(original.message, { code: 'FORBIDDEN', action: original.action });
  if (original instanceof PothosValidationError) return reveal(original.message, { code: 'BAD_USER_INPUT' });
  if (original instanceof FeedClosedError) return reveal(original.message, { code: 'SUBSCRIPTION_ENDED' });
  // A stream that can no longer go on without a gap (a replay overtaken by retention, a hole in live order).
  if (original instanceof EventsPrunedError) return reveal(original.message, { code: 'CURSOR_EXPIRED' });
  const fault = unavailableAnswer('GraphQL', original);
  if (fault) {
    // A request that fails as a whole (authentication) is answered 503; yoga keeps 200 when data is partial.
    return reveal(fault.message, {
      code: 'SERVICE_UNAVAILABLE',
      reason: fault.kind,
      http: { status: 503, headers: { 'Retry-After': String(fault.retryAfterSeconds) } },
    });
  }
  return defaultMaskError(error, message, isDev);
}
