import type { Actor, Deps } from '../domain/context.ts';
import type { Runtime } from '../runtime.ts';
import type { StampFeed } from '../live/stamp-feed.ts';
import type { Loaders } from './loaders.ts';
import type { CardHolder } from './viewer.ts';

/**
 * What every resolver receives: the authenticated store, the services' dependencies, this request's
 * loaders and the live feed subscriptions draw from.
 */
export interface GraphQLContext {
  runtime: Runtime;
  actor: Actor;
  /** Set for a customer page: the one customer card it may read and watch (see card-holder-scope.ts). */
  cardHolder?: CardHolder;
  deps: Deps;
  loaders: Loaders;
  feed: StampFeed;
  /** Aborts when the HTTP client goes away; WebSocket operations end through graphql-ws instead. */
  signal: AbortSignal | undefined;
}
