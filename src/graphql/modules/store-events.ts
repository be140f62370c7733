import type { StampsChangedEvent } from '../../domain/events.ts';
import { countStampEvents, readStampEvents, type StampEventFilter, type StampKind } from '../../domain/ledger/event-replay.ts';
import { builder } from '../builder.ts';
import { connectionOf } from '../connections.ts';
import type { GraphQLContext } from '../context.ts';
import { invalidPageArgument } from '../cursors.ts';
import { databaseIdOf } from '../global-ids.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../page-arguments.ts';
import { CustomerCardNode } from './customer-cards.ts';
import { LedgerKindEnum } from './ledger.ts';
import { eventCursor, eventSequenceOf, StampEvent } from './stamp-events.ts';
import { StoreNode } from './stores.ts';

/**
 * The event log as a list: the balance changes the live stream sends, oldest first ("newest last",
 * so a feed appends both from here and from the stream), with the stream's cursors. A till shows the
 * last page (`last: 20`) after a reload, then subscribes with `after:` its last cursor.
 */
export const StampEventConnection = connectionOf(StampEvent, 'StampEvent', 'stamp events');

interface EventPageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

async function eventPage(ctx: GraphQLContext, filter: StampEventFilter, args: EventPageArgs) {
  for (const name of ['first', 'last'] as const) {
    const size = args[name];
    if (size != null && (size < 0 || size > MAX_PAGE_SIZE)) throw invalidPageArgument(`Argument "${name}" must be between 0 and ${MAX_PAGE_SIZE}`);
  }
  if (args.first != null && args.last != null) throw invalidPageArgument('Give "first" or "last", not both');
  if (args.after != null && args.last != null) throw invalidPageArgument('"after" pages with "first", not "last"');
  if (args.before != null && args.first != null) throw invalidPageArgument('"before" pages with "last", not "first"');
  const { storeId } = ctx.actor;
  const afterSequence = args.after != null ? eventSequenceOf(ctx.cursors, storeId, args.after, 'after') : undefined;
  const beforeSequence = args.before != null ? eventSequenceOf(ctx.cursors, storeId, args.before, 'before') : undefined;
  const fromNewest = args.last != null || (args.before != null && args.first == null);
  const size = args.last ?? args.first ?? DEFAULT_PAGE_SIZE;
  // One more than asked tells whether there are more in the direction of paging.
  const events = await readStampEvents(ctx.deps.db, storeId, filter, { afterSequence, beforeSequence, limit: size + 1, fromNewest });
  const more = events.length > size;
  const page: StampsChangedEvent[] = more ? (fromNewest ? events.slice(1) : events.slice(0, size)) : events;
  const edges = page.map((event) => ({ cursor: eventCursor(ctx.cursors, event), node: event }));
  return {
    edges,
    pageInfo: {
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
      hasNextPage: fromNewest ? beforeSequence !== undefined : more,
      hasPreviousPage: fromNewest ? more : afterSequence !== undefined,
    },
    // Counted only when asked for.
    totalCount: () => countStampEvents(ctx.deps.db, storeId, filter),
  };
}

builder.prismaObjectField(StoreNode, 'events', (t) =>
  t.connection(
    {
      type: StampEvent,
      nullable: true,
      description:
        "The store's stamp events (stamps, welcome stamps, redemptions, corrections) from the event log, oldest first, with the same cursors as `stampsChanged`: `last: 20` is the recent feed, and `stampsChanged(after: endCursor)` continues it live. Kept for the event log's retention (docs/subscriptions.md).",
      args: {
        kinds: t.arg({ type: [LedgerKindEnum], description: 'Only these kinds (every kind when absent).' }),
        customerCardId: t.arg.id({ description: 'Only events of this customer card (global id); an id that names nothing of the store lists nothing.' }),
      },
      resolve: async (_store, args, ctx) => {
        const filter: StampEventFilter = { ...(args.kinds ? { kinds: args.kinds as StampKind[] } : {}) };
        if (args.customerCardId != null) {
          const id = databaseIdOf('CustomerCard', String(args.customerCardId));
          // Nothing of the store: an empty list, as for a foreign id.
          filter.customerCardId = id ?? 0;
        }
        return eventPage(ctx, filter, args);
      },
    },
    StampEventConnection,
  ),
);

builder.prismaObjectField(CustomerCardNode, 'events', (t) =>
  t.connection(
    {
      type: StampEvent,
      nullable: true,
      description:
        "This customer card's stamp events from the event log, oldest first, with the same cursors as `stampsChanged(customerCardId:)`. A customer page lists its own card's recent events here.",
      args: { kinds: t.arg({ type: [LedgerKindEnum], description: 'Only these kinds (every kind when absent).' }) },
      resolve: (customerCard, args, ctx) =>
        eventPage(ctx, { customerCardId: customerCard.id, ...(args.kinds ? { kinds: args.kinds as StampKind[] } : {}) }, args),
    },
    StampEventConnection,
  ),
);
