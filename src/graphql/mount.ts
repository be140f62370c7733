import type { Hono } from 'hono';
import type { Runtime } from '../runtime.ts';
import { createGraphQLServer, GRAPHQL_PATH } from './yoga.ts';

/** Serves GraphQL (and GraphiQL for browsers) at /graphql. */
export function mountGraphQL(app: Hono, runtime: Runtime): void {
  const yoga = createGraphQLServer(runtime);
  app.on(['GET', 'POST', 'OPTIONS'], GRAPHQL_PATH, (c) => yoga.fetch(c.req.raw));
}
