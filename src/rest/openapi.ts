import type { Runtime } from '../runtime.ts';
import type { RestApp } from './route.ts';
import { API_VERSION } from './routes/status.ts';

/**
 * The OpenAPI 3.1 document of the REST layer. Its operations come from the registry the routes fill
 * as they are registered, with the very schemas that validate requests, so the two cannot drift.
 */
export function openApiDocument(api: RestApp, runtime: Runtime) {
  api.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API token of the store: `Authorization: Bearer <token>`',
  });
  return api.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Stampline REST API (Leal v1 compatible)',
      version: API_VERSION,
      description:
        'Drop-in compatible with Leal’s v1 REST API. Bodies may be JSON or form-encoded (`card[name]=…`). ' +
        'Errors are `{"error": "<summary>", "errors": {"<field>": ["<message>"]}}`. Every response carries ' +
        'RateLimit-* headers. Decisions the Leal reference leaves open are listed in docs/rest-api.md.',
    },
    servers: [{ url: runtime.config.publicUrl }],
  });
}
