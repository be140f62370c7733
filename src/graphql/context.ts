import type { Actor, Deps } from '../domain/context.ts';
import type { Credential } from '../http/auth.ts';
import type { Runtime } from '../runtime.ts';
import type { StampFeed } from '../live/stamp-feed.ts';
import type { CursorSeal } from './cursors.ts';
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
  /** What the viewer authenticated with; a live stream is ended when it stops working. */
  credential: Credential;
  deps: Deps;
  loaders: Loaders;
  /** Seals the cursors lists hand out and reads back the ones clients send (cursors.ts). */
  cursors: CursorSeal;
  feed: StampFeed;
  /**
   * The `Last-Event-ID` header of a subscription over HTTP: an EventSource (or fetch-based client)
   * reconnecting with the last `id:` it received, which `stampsChanged` resumes after when it has no `after`.
   */
  lastEventId?: string;
  /** Aborts when the HTTP client goes away; WebSocket operations end through graphql-ws instead. */
  signal: AbortSignal | undefined;
}
