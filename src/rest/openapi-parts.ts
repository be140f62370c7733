import { z } from '@hono/zod-openapi';

/** Pieces every operation of the OpenAPI document shares. */

export type ErrorStatus = 400 | 401 | 403 | 404 | 413 | 415 | 422 | 429;

export const ErrorSchema = z
  .object({
    error: z.string().openapi({ description: 'Human-readable summary', example: 'Validation failed' }),
    errors: z
      .record(z.string(), z.array(z.string()))
      .optional()
      .openapi({
        description: 'Messages keyed by snake_case parameter name; present on 400, 403 (`scope`), 413, 415 and 422',
        example: { stamps_required: ['must be less than or equal to 21'] },
      }),
    retry_at: z.string().optional().openapi({
      description: 'For a stamp refused by the card’s cooldown or daily limit (422): from when the same stamps would be taken (ISO 8601 UTC)',
      example: '2026-12-07T17:05:00.000Z',
    }),
  })
  .openapi('Error');

const DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: 'Malformed body (invalid JSON, a JSON value that is not an object, conflicting form parameters)',
  401: 'Unauthorized – invalid or missing API token',
  403: "Forbidden – the token's scope does not allow this; `errors.scope` says why, and nothing changed",
  404: 'The store, or the record the path or an id names, does not exist for this token',
  413: 'Body larger than 1 MB',
  415: 'Body of a media type other than JSON, form-encoded or multipart',
  422: 'Validation failed – check the `errors` object for details',
  429: 'Rate limit exceeded; retry after `Retry-After` seconds',
};

const integerHeader = (description: string) => ({ description, schema: { type: 'integer' as const } });

export const RATE_LIMIT_HEADERS = {
  'RateLimit-Limit': integerHeader('Requests allowed per window'),
  'RateLimit-Remaining': integerHeader('Requests left in the current window'),
  'RateLimit-Reset': integerHeader('Seconds until the window resets'),
  'RateLimit-Policy': { description: 'The policy, e.g. `600;w=60`', schema: { type: 'string' as const } },
};

export function errorResponses(statuses: readonly ErrorStatus[], schema: z.ZodType) {
  return Object.fromEntries(
    [...new Set(statuses)].map((status) => [
      status,
      {
        description: DESCRIPTIONS[status],
        headers:
          status === 429
            ? { ...RATE_LIMIT_HEADERS, 'Retry-After': integerHeader('Seconds to wait before retrying') }
            : RATE_LIMIT_HEADERS,
        content: { 'application/json': { schema } },
      },
    ]),
  );
}
