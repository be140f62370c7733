import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Actor } from '../domain/context.ts';
import { checkOwnStore } from '../domain/stores/store.service.ts';
import { readJsonHeaders } from '../http/caching.ts';
import type { Credential } from '../http/auth.ts';
import type { Runtime } from '../runtime.ts';
import { readParams, readQuery } from './body.ts';
import { PathId, parseOrThrow, pathIdOf } from './fields.ts';
import { errorResponse, RestError } from './http.ts';
import { ErrorSchema, errorResponses, type ErrorStatus, RATE_LIMIT_HEADERS } from './openapi-parts.ts';

/** What the REST middleware leaves on the context: the caller, when its token is valid. */
export type RestEnv = { Variables: { actor: Actor | undefined; credential: Credential | undefined } };
export type RestApp = OpenAPIHono<RestEnv>;

type ParamNames<P extends string> = P extends `${string}{${infer Name}}${infer Rest}` ? Name | ParamNames<Rest> : never;
/** Every path parameter of the API is an integer id. */
export type PathParams<P extends string> = { [K in ParamNames<P>]: number };
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteInput<Path extends string, Q, B, Public extends boolean> {
  params: PathParams<Path>;
  query: Out<Q>;
  body: Out<B>;
  actor: Public extends true ? Actor | undefined : Actor;
  /** The `Idempotency-Key` header, on routes that honour it. */
  idempotencyKey: string | undefined;
  runtime: Runtime;
}

type Method = 'get' | 'post' | 'patch' | 'delete';

export interface RouteSpec<Path extends string, Q, B, Public extends boolean> {
  method: Method;
  /** Below /api/v1, in OpenAPI syntax: `/accounts/{account_id}/cards/{id}`. */
  path: Path;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  /** What the path's `{id}` names, for its 404 message. */
  resource?: string;
  public?: Public;
  query?: Q;
  body?: B;
  /** The attributes hash of the body (`card`), named without it in errors and filled by JSON wrapping. */
  wrapper?: string;
  idempotent?: boolean;
  success: { status: 200 | 201 | 204; description: string; schema?: z.ZodType };
  /** Failure statuses besides 401 and 403 (added unless public) and 429 (always). */
  errors: readonly ErrorStatus[];
  handle(input: RouteInput<Path, Q, B, Public>): Promise<unknown>;
}

/** A route with its types erased, ready to register. */
export interface RestRoute {
  readonly spec: RouteSpec<string, z.ZodType | undefined, z.ZodType | undefined, boolean>;
}

export function defineRoute<
  Path extends string,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  Public extends boolean = false,
>(spec: RouteSpec<Path, Q, B, Public>): RestRoute {
  return { spec: spec as unknown as RestRoute['spec'] };
}

export const API_PREFIX = '/api/v1';

function paramNames(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] as string);
}

function notFoundMessage(param: string, resource: string | undefined): string {
  if (param === 'account_id') return 'Store not found';
  if (param === 'customer_id') return 'Customer not found';
  return `${resource ?? 'Record'} not found`;
}

/**
 * Rails wraps a JSON body that lacks the attributes hash (`{"name": …}` for a card) into it, taking
 * the keys the hash knows; Leal clients may rely on that, so it is done here too.
 */
function wrapJson(params: Record<string, unknown>, body: z.ZodType, wrapper: string): Record<string, unknown> {
  if (Object.hasOwn(params, wrapper)) return params;
  const attributes = (body as unknown as { shape?: Record<string, unknown> }).shape?.[wrapper] as
    | { shape?: Record<string, unknown> }
    | undefined;
  const known = Object.keys(attributes?.shape ?? {}).filter((key) => Object.hasOwn(params, key));
  if (known.length === 0) return params;
  return { ...params, [wrapper]: Object.fromEntries(known.map((key) => [key, params[key]])) };
}

async function run(c: Context<RestEnv>, spec: RestRoute['spec'], runtime: Runtime, names: string[]): Promise<Response> {
  const actor = c.get('actor');
  if (!spec.public && !actor) throw new RestError(401, 'Unauthorized');
  const params: Record<string, number> = {};
  for (const name of names) {
    const id = pathIdOf(c.req.param(name));
    if (id === undefined) throw new RestError(404, notFoundMessage(name, spec.resource));
    params[name] = id;
  }
  if (actor && params.account_id !== undefined) checkOwnStore(actor, params.account_id);
  const query = spec.query ? parseOrThrow(spec.query, readQuery(c)) : undefined;
  let body: unknown;
  if (spec.body) {
    const read = await readParams(c);
    const raw = read.json && spec.wrapper ? wrapJson(read.params, spec.body, spec.wrapper) : read.params;
    body = parseOrThrow(spec.body, raw, spec.wrapper);
  }
  const result = await spec.handle({
    params,
    query,
    body,
    actor,
    idempotencyKey: spec.idempotent ? c.req.header('idempotency-key') : undefined,
    runtime,
  } as never);
  if (spec.success.status === 204) return c.body(null, 204);
  if (spec.method !== 'get') return c.json(result as object, spec.success.status);
  const text = JSON.stringify(result);
  return c.body(text, spec.success.status, readJsonHeaders(text));
}

function operation(spec: RestRoute['spec'], method: Method | 'put', operationId: string, summary: string) {
  const names = paramNames(spec.path);
  const params = names.length
    ? z.object(
        Object.fromEntries(
          names.map((name) => [
            name,
            PathId().openapi({ param: { name, in: 'path' }, description: name === 'id' ? `${spec.resource} id` : undefined }),
          ]),
        ),
      )
    : undefined;
  const idempotency = spec.idempotent
    ? z.object({
        'Idempotency-Key': z.string().min(1).max(255).optional().openapi({
          description: 'A retry with the same key returns the first response and changes nothing.',
        }),
      })
    : undefined;
  const failures: ErrorStatus[] = [...(spec.public ? [] : [401 as const, 403 as const]), ...spec.errors, 429];
  return createRoute({
    method,
    path: `${API_PREFIX}${spec.path}`,
    operationId,
    tags: [spec.tag],
    summary,
    ...(spec.description ? { description: spec.description } : {}),
    security: spec.public ? [] : [{ bearerAuth: [] }],
    request: {
      ...(params ? { params } : {}),
      ...(spec.query ? { query: spec.query as z.ZodObject } : {}),
      ...(idempotency ? { headers: idempotency } : {}),
      ...(spec.body
        ? {
            body: {
              required: true,
              content: {
                'application/json': { schema: spec.body },
                'application/x-www-form-urlencoded': { schema: spec.body },
              },
            },
          }
        : {}),
    },
    responses: {
      [spec.success.status]: {
        description: spec.success.description,
        headers: RATE_LIMIT_HEADERS,
        ...(spec.success.schema ? { content: { 'application/json': { schema: spec.success.schema } } } : {}),
      },
      ...errorResponses(failures, ErrorSchema),
    },
  });
}

/**
 * Adds a route to the app and its operation to the OpenAPI registry, from the same schemas. An update
 * is also routed for PUT, as Rails routes `resources`.
 */
export function registerRoute(api: RestApp, runtime: Runtime, route: RestRoute): void {
  const { spec } = route;
  const honoPath = spec.path.replace(/\{([^}]+)\}/g, ':$1');
  const names = paramNames(spec.path);
  const handler = async (c: Context<RestEnv>) => {
    try {
      return await run(c, spec, runtime, names);
    } catch (error) {
      return errorResponse(c, error);
    }
  };
  api.openAPIRegistry.registerPath(operation(spec, spec.method, spec.operationId, spec.summary));
  api.on(spec.method.toUpperCase(), honoPath, handler);
  if (spec.method === 'patch') {
    api.openAPIRegistry.registerPath(operation(spec, 'put', `${spec.operationId}Put`, `${spec.summary} (PUT, same as PATCH)`));
    api.on('PUT', honoPath, handler);
  }
}
