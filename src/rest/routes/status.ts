import { z } from '@hono/zod-openapi';
import { defineRoute } from '../route.ts';
import { apiUrls } from '../../links.ts';

export const API_VERSION = 'v1';

export const StatusSchema = z
  .object({
    status: z.literal('ok'),
    api_version: z.string(),
    authentication: z.string(),
    documentation_url: z.string().openapi({ format: 'uri' }),
    openapi_url: z.string().openapi({ format: 'uri' }),
    developer_portal_url: z.string().openapi({ format: 'uri' }),
    rate_limit: z.object({
      limit: z.number().int(),
      scope: z.string().openapi({ description: '`token`: counted per API token (per client address without a valid token)' }),
      window_seconds: z.number().int(),
    }),
    versioning: z.object({
      current: z.string(),
      supported: z.array(z.string()),
      deprecated: z.array(z.string()),
      policy_url: z.string().openapi({ format: 'uri' }),
      signalling: z.string(),
    }),
  })
  .openapi('Status');

export const statusRoutes = [
  defineRoute({
    method: 'get',
    path: '/status',
    operationId: 'getStatus',
    tag: 'Status',
    summary: 'API status, version and rate limit (no token needed)',
    public: true,
    success: { status: 200, description: 'The API is serving', schema: StatusSchema },
    errors: [],
    handle: async ({ runtime }): Promise<z.infer<typeof StatusSchema>> => {
      const { rateLimit } = runtime.config;
      const api = apiUrls(runtime.config);
      return {
        status: 'ok',
        api_version: API_VERSION,
        authentication: 'Send "Authorization: Bearer <api token>"; create tokens with `npx stampline token create --account <id>`.',
        documentation_url: api.openapi,
        openapi_url: api.openapi,
        developer_portal_url: api.graphql,
        rate_limit: { limit: rateLimit.limit, scope: 'token', window_seconds: rateLimit.windowSeconds },
        versioning: {
          current: API_VERSION,
          supported: [API_VERSION],
          deprecated: [],
          policy_url: api.openapi,
          signalling: 'A deprecated version would answer with Deprecation and Sunset headers; v1 is current.',
        },
      };
    },
  }),
];
