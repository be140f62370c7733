import type { Hono } from 'hono';
import { GRAPHQL_PATH, type GraphQLServer } from './yoga.ts';

/** Serves GraphQL (and GraphiQL for browsers) at /graphql; subscriptions over SSE come through here too. */
export function mountGraphQL(app: Hono, yoga: GraphQLServer): void {
  app.on(['GET', 'POST', 'OPTIONS'], GRAPHQL_PATH, (c) => yoga.fetch(c.req.raw));
}
