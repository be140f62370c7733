// The GraphQL ceiling: the gateway's own Pothos schema, resolvers, Prisma client and per-request
// context (token lookup, loaders), executed by plain graphql-js behind a bare node:http server. Every
// request is parsed, validated and executed afresh, as graphql-js does on its own. What it leaves
// out is the server layer: Hono, yoga and its envelop plugins (limits, cost, error masking, SSE),
// which is the cost this ceiling isolates.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execute, parse, validate } from 'graphql';
import { loadConfig } from '../src/config.ts';
import type { GraphQLContext } from '../src/graphql/context.ts';
import { loadCursorSeal } from '../src/graphql/cursors.ts';
import { createLoaders } from '../src/graphql/loaders.ts';
import { schema } from '../src/graphql/schema.ts';
import { authenticateViewer } from '../src/graphql/viewer.ts';
import { createLivePubSub } from '../src/live/pubsub.ts';
import { startRuntime } from '../src/runtime.ts';
import { createStampFeed } from '../src/live/stamp-feed.ts';
import { serveTarget } from './target-ipc.ts';

const runtime = await startRuntime(
  loadConfig({ ...process.env, PORT: '4000', DATABASE_URL: process.env.BENCH_DATABASE_URL, SEED_DEMO: 'false' }),
  { migrate: false },
);
const live = await createLivePubSub(runtime);
const feed = createStampFeed(live, runtime.deps.db);
const cursors = await loadCursorSeal(runtime.deps.db);

function send(response: ServerResponse, status: number, body: unknown) {
  const json = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
  response.end(json);
}

async function handle(request: IncomingMessage, response: ServerResponse) {
  if (request.method !== 'POST' || request.url !== '/graphql') return send(response, 404, { errors: [{ message: 'Not found' }] });
  let raw = '';
  for await (const chunk of request) raw += chunk;
  const params = JSON.parse(raw) as { query: string; variables?: Record<string, unknown>; operationName?: string };
  const viewer = await authenticateViewer(runtime, request.headers.authorization);
  if (!viewer) return send(response, 401, { errors: [{ message: 'Unauthenticated', extensions: { code: 'UNAUTHENTICATED' } }] });
  const document = parse(params.query);
  const errors = validate(schema, document);
  if (errors.length > 0) return send(response, 400, { errors });
  const contextValue: GraphQLContext = {
    runtime,
    ...viewer,
    deps: runtime.deps,
    loaders: createLoaders(runtime.deps),
    cursors,
    feed,
    signal: undefined,
  };
  const result = await execute({ schema, document, contextValue, variableValues: params.variables, operationName: params.operationName });
  send(response, 200, result);
}

const server = createServer((request, response) => {
  handle(request, response).catch((error: unknown) => {
    // The load generator cuts its connections at the end of each slice, mid-request.
    if (request.destroyed) return;
    console.error(error);
    send(response, 500, { errors: [{ message: 'Internal error' }] });
  });
});
server.keepAliveTimeout = 60_000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;

serveTarget(`http://127.0.0.1:${port}`, {
  stop: async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    feed.close();
    await live.close();
    await runtime.close();
  },
});
