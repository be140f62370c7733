import { OpenAPIHono } from '@hono/zod-openapi';
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { MAX_BODY_BYTES } from '../http/limits.ts';
import { limiterOf } from '../http/rate-limit.ts';
import type { Runtime } from '../runtime.ts';
import { identify } from './auth.ts';
import { errorResponse, RestError } from './http.ts';
import { openApiDocument } from './openapi.ts';
import { rateLimit } from './rate-limit.ts';
import { API_PREFIX, registerRoute, type RestEnv } from './route.ts';
import { accountRoutes } from './routes/accounts.ts';
import { cardRoutes } from './routes/cards.ts';
import { customerCardRoutes } from './routes/customer-cards.ts';
import { customerRoutes } from './routes/customers.ts';
import { locationRoutes } from './routes/locations.ts';
import { posterRoutes } from './routes/posters.ts';
import { rewardRoutes } from './routes/rewards.ts';
import { statusRoutes } from './routes/status.ts';
import { webhookSubscriptionRoutes } from './routes/webhook-subscriptions.ts';


/** Every route of the layer, in the order of the Leal reference. */
export const restRoutes = [
  ...accountRoutes,
  ...cardRoutes,
  ...customerCardRoutes,
  ...customerRoutes,
  ...locationRoutes,
  ...posterRoutes,
  ...rewardRoutes,
  ...statusRoutes,
  ...webhookSubscriptionRoutes,
];

/** Adds the Leal-compatible REST API under /api/v1, with its OpenAPI document. */
export function mountRest(app: Hono, runtime: Runtime): void {
  const api = new OpenAPIHono<RestEnv>();
  api.onError((error, c) => errorResponse(c, error));
  api.use('*', identify(runtime));
  api.use('*', rateLimit(limiterOf(runtime), runtime));
  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    // The unread rest of the body would be parsed as the next request: close the connection.
    onError: (c) =>
      errorResponse(
        c,
        new RestError(413, 'Request body too large', { body: [`must be at most ${MAX_BODY_BYTES} bytes`] }, { Connection: 'close' }),
      ),
  });
  // No route reads the body of a GET or HEAD, so the limit (a stream wrapper per request) is skipped.
  api.use('*', (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limitBody(c, next)));
  for (const route of restRoutes) registerRoute(api, runtime, route);
  let document: unknown;
  api.get('/openapi.json', (c) => c.json((document ??= openApiDocument(api, runtime))));
  // Like Rails, an unknown path is a 404 whatever the token; the message says it is the route.
  api.all('*', (c) => errorResponse(c, new RestError(404, `No route matches [${c.req.method}] "${c.req.path}"`)));
  app.route(API_PREFIX, api);
}
