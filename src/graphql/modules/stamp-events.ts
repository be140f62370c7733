import { GraphQLError } from 'graphql';
import { getCard } from '../../domain/cards/card.service.ts';
import { getCustomerCard } from '../../domain/customer-cards/customer-card.service.ts';
import { DomainError } from '../../domain/errors.ts';
import type { StampsChangedEvent } from '../../domain/events.ts';
import { ownedBy } from '../../domain/visibility.ts';
import { EventsPrunedError } from '../../domain/ledger/event-replay.ts';
import { resumeStampFeed } from '../../live/resume.ts';
import type { StampFilter } from '../../live/stamp-feed.ts';
import { builder } from '../builder.ts';
import { markReplayPage, replayPageOf } from '../replay-pages.ts';
import type { GraphQLContext } from '../context.ts';
import type { CursorSeal } from '../cursors.ts';
import { unknownId } from '../errors.ts';
import { databaseIdOf, type NodeType } from '../global-ids.ts';
import { LedgerKindEnum } from './ledger.ts';

export const StampEvent = builder.objectRef<StampsChangedEvent>('StampEvent').implement({
  description:
    "A committed change to a customer card's stamps: stamps given, welcome stamps on enrolment, or a redemption. Sent once the change is saved, whichever API made it.",
  fields: (t) => ({
    id: t.id({
      description:
        'The event\'s id in the event log (`evt_…`), the same id webhooks send as `webhook-id`; unique, so a client can drop an event it already has.',
      resolve: (event) => event.eventId,
    }),
    cursor: t.string({
      description:
        'Where this event sits in the store\'s event log: pass it as `stampsChanged(after:)` to resume after it, or to `Store.events(after:)`. Opaque; valid for this store only.',
      resolve: (event, _args, ctx) => eventCursor(ctx.cursors, event),
    }),
    kind: t.field({ type: LedgerKindEnum, description: 'What changed the stamps.', resolve: (event) => event.kind }),
    delta: t.exposeInt('delta', { description: 'Stamps added (positive) or spent (negative).' }),
    occurredAt: t.field({
      type: 'DateTime',
      description: "When the change was saved (the ledger entry's `createdAt`).",
      resolve: (event) => new Date(event.occurredAt),
    }),
    customerCard: t.prismaField({
      type: 'CustomerCard',
      description:
        'The customer card as it is when the event is delivered; `ledgerEntry.balanceAfter` is its balance right after this change.',
      resolve: async (query, event, _args, ctx) => {
        const where = ownedBy(ctx.actor);
        const replayed = await replayPageOf(event)?.record('CustomerCard', query, event, (one) => one.customerCardId, (ids) =>
          ctx.deps.db.customerCard.findMany({ ...query, where: { id: { in: ids }, ...where } }),
        );
        return replayed ?? ctx.deps.db.customerCard.findUniqueOrThrow({ ...query, where: { id: event.customerCardId, ...where } });
      },
    }),
    ledgerEntry: t.prismaField({
      type: 'LedgerEntry',
      description: 'The ledger entry the change was written as.',
      resolve: async (query, event, _args, ctx) => {
        const where = ownedBy(ctx.actor);
        const replayed = await replayPageOf(event)?.record('LedgerEntry', query, event, (one) => one.ledgerEntryId, (ids) =>
          ctx.deps.db.ledgerEntry.findMany({ ...query, where: { id: { in: ids }, ...where } }),
        );
        return replayed ?? ctx.deps.db.ledgerEntry.findUniqueOrThrow({ ...query, where: { id: event.ledgerEntryId, ...where } });
      },
    }),
  }),
});

/** The scope event cursors are sealed for: the store's event log. */
function eventScope(storeId: number) {
  return { storeId, model: 'StoreEvent' };
}

/** Whether a subscription's source event is a logged stamp event (which has a cursor). */
export function isStampEvent(event: object): event is StampsChangedEvent {
  const candidate = event as Partial<StampsChangedEvent>;
  return candidate.type === 'stamps.changed' && typeof candidate.sequence === 'number' && typeof candidate.storeId === 'number';
}

/** The client's cursor of an event: its sequence number in the store's log, sealed. */
export function eventCursor(cursors: CursorSeal, event: Pick<StampsChangedEvent, 'storeId' | 'sequence'>): string {
  return cursors.sealPosition(event.sequence, eventScope(event.storeId));
}

/** The sequence number an event cursor stands for; BAD_USER_INPUT for anything not handed out by this store. */
export function eventSequenceOf(cursors: CursorSeal, storeId: number, cursor: string, argument: string): number {
  return cursors.unsealPosition(cursor, eventScope(storeId), argument);
}

/** Coded refusal of a cursor whose following events the log no longer keeps (see event-replay.ts). */
export function cursorExpired(error: EventsPrunedError, argument: string): GraphQLError {
  return new GraphQLError(error.message, { extensions: { code: 'CURSOR_EXPIRED', fields: { [argument]: [error.message] } } });
}

interface StampsChangedArgs {
  after?: string | null;
  customerCardId?: string | number | null;
  cardId?: string | number | null;
  storeId?: string | number | null;
}

/**
 * Refusal of an id that names nothing of the store, shaped as the masking would shape the domain's
 * NOT_FOUND; thrown as a GraphQL error because a refused subscription is expected, not worth a log line.
 */
function notFound(what: string, field: string): GraphQLError {
  const { message, code, fields } = unknownId(what, field);
  return new GraphQLError(message, { extensions: { code, fields } });
}

/** The database id a global id argument names, when it is of the caller's store. */
async function ownedId(
  typename: NodeType,
  globalId: string | number,
  field: string,
  exists: (id: number) => Promise<unknown>,
): Promise<number> {
  const what = typename === 'CustomerCard' ? 'Customer card' : typename;
  const id = databaseIdOf(typename, String(globalId));
  if (id === undefined) throw notFound(what, field);
  try {
    await exists(id);
  } catch (error) {
    if (error instanceof DomainError && error.isNotFound) throw notFound(what, field);
    throw error;
  }
  return id;
}

/**
 * A customer page may watch its own card only. Any other id, and the card and store filters, name
 * nothing it has: refused as NOT_FOUND like a foreign id, so it learns nothing about other records.
 */
function cardHolderFilter(customerCardId: number, args: StampsChangedArgs): StampFilter {
  if (args.storeId != null) throw notFound('Store', 'storeId');
  if (args.cardId != null) throw notFound('Card', 'cardId');
  if (args.customerCardId == null || databaseIdOf('CustomerCard', String(args.customerCardId)) !== customerCardId) {
    throw notFound('Customer card', 'customerCardId');
  }
  return { customerCardId };
}

/** Turns the arguments into the feed's filter, checking that every id names something of the store. */
async function stampFilter(ctx: GraphQLContext, args: StampsChangedArgs): Promise<StampFilter> {
  const { customerCardId, cardId, storeId } = args;
  if (customerCardId == null && cardId == null && storeId == null) {
    throw new GraphQLError('stampsChanged needs at least one of customerCardId, cardId or storeId', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  if (ctx.cardHolder) return cardHolderFilter(ctx.cardHolder.customerCardId, args);
  const filter: StampFilter = {};
  if (storeId != null) {
    await ownedId('Store', storeId, 'storeId', async (id) => {
      if (id !== ctx.actor.storeId) throw notFound('Store', 'storeId');
    });
  }
  if (customerCardId != null) {
    filter.customerCardId = await ownedId('CustomerCard', customerCardId, 'customerCardId', (id) =>
      getCustomerCard(ctx.deps, ctx.actor, { customerCardId: id }),
    );
  }
  if (cardId != null) {
    filter.cardId = await ownedId('Card', cardId, 'cardId', (id) => getCard(ctx.deps, ctx.actor, id));
  }
  return filter;
}

builder.subscriptionField('stampsChanged', (t) =>
  t.field({
    type: StampEvent,
    description:
      "Every stamp, welcome bonus and redemption of the caller's store that matches all the filters given (at least one), as soon as it is saved, whether GraphQL or REST wrote it. An id that names nothing of the store is refused with NOT_FOUND.",
    args: {
      customerCardId: t.arg.id({ description: 'Only changes to this customer card (global id).' }),
      cardId: t.arg.id({ description: 'Only changes to customer cards of this card (global id).' }),
      storeId: t.arg.id({ description: "Every change in the store (global id of the caller's own store)." }),
      after: t.arg.string({
        description:
          'Resume after this event: a `cursor` of an earlier event (from this stream or `Store.events`). Every matching event after it is sent first, in order, then live ones, with no gap and no duplicate. Over SSE the `Last-Event-ID` header stands in for it. A cursor older than the event log keeps is refused with CURSOR_EXPIRED: reload and subscribe without it.',
      }),
    },
    subscribe: async (_root, args, ctx) => {
      const filter = await stampFilter(ctx, args);
      const argument = args.after != null ? 'after' : 'Last-Event-ID';
      const after = args.after ?? ctx.lastEventId;
      if (after == null) return ctx.feed.subscribe(ctx.actor.storeId, filter, ctx.signal);
      const sequence = eventSequenceOf(ctx.cursors, ctx.actor.storeId, after, argument);
      try {
        // Each replayed page's records are read once for the page, not once per event.
        return await resumeStampFeed(ctx.feed, ctx.deps.db, ctx.actor.storeId, filter, sequence, {
          signal: ctx.signal,
          onPage: (page) => markReplayPage(page, ctx.deps),
        });
      } catch (error) {
        if (error instanceof EventsPrunedError) throw cursorExpired(error, argument);
        throw error;
      }
    },
    resolve: (event) => event,
  }),
);
