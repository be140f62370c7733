import { Hono } from 'hono';
import { mountGraphQL } from './graphql/mount.ts';
import { apiCaching } from './http/caching.ts';
import { cors } from './http/cors.ts';
import { mountHealth, type ReadinessCheck } from './http/health.ts';
import { httpMetrics, mountMetrics } from './http/metrics.ts';
import { requestId } from './http/request-id.ts';
import { secureHeaders } from './http/security-headers.ts';
import { traceRequests } from './http/tracing.ts';
import type { GraphQLServer } from './graphql/yoga.ts';
import { mountPages } from './pages/mount.ts';
import { mountRest } from './rest/mount.ts';
import type { Runtime } from './runtime.ts';
import { mountWallet } from './wallet/mount.ts';

/**
 * The gateway as one fetch handler: health and readiness (the database, plus `readiness`), metrics, GraphQL, the REST compatibility layer, the wallet
 * routes and the browser pages (customer card page and till). It never listens; `server.ts` does.
 */
export function createApp(runtime: Runtime, graphql: GraphQLServer, readiness: Record<string, ReadinessCheck> = {}): Hono {
  const app = new Hono();
  const https = runtime.config.publicUrl.startsWith('https:');
  app.use('*', requestId({ log: runtime.config.logRequests }));
  app.use('*', traceRequests());
  app.use('*', httpMetrics(runtime.metrics));
  app.use('*', cors({ origins: runtime.config.corsOrigins }));
  app.use('*', secureHeaders({ https }));
  mountHealth(app, runtime, readiness);
  mountMetrics(app, runtime);
  app.use('/api/*', apiCaching());
  app.use('/graphql', apiCaching());
  mountGraphQL(app, graphql, runtime);
  mountRest(app, runtime);
  mountWallet(app, runtime);
  mountPages(app, runtime);
  return app;
}
