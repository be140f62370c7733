import type { Actor, Deps } from '../domain/context.ts';
import type { Runtime } from '../runtime.ts';
import type { Loaders } from './loaders.ts';

/** What every resolver receives: the authenticated store, the services' dependencies and this request's loaders. */
export interface GraphQLContext {
  runtime: Runtime;
  actor: Actor;
  deps: Deps;
  loaders: Loaders;
}
