import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener, type ServerType } from '@hono/node-server';
import { createApp } from './app.ts';
import { attachGraphQLWebSocket } from './graphql/websocket.ts';
import { loadCursorSeal } from './graphql/cursors.ts';
import { endForReconnect } from './graphql/event-stream.ts';
import { createGraphQLServer } from './graphql/yoga.ts';
import { withCompression } from './http/compression.ts';
import { LiveConnections } from './http/live-connections.ts';
import { SharedLimits } from './http/shared-limits.ts';
import { startJobWorker } from './jobs/worker.ts';
import { createLivePubSub } from './live/pubsub.ts';
import type { Runtime } from './runtime.ts';
import { createStampFeed, type StampFeedStats } from './live/stamp-feed.ts';
import { Wallet } from './wallet/wallet.ts';

export interface LiveStats extends StampFeedStats {
  /** Open graphql-ws connections. */
  websockets: number;
}

export interface RunningServer {
  url: string;
  server: ServerType;
  /** What the live API holds now: stores listened to, subscriptions, WebSocket connections. */
  liveStats(): LiveStats;
  /**
   * Stops listening, closes WebSocket connections (1001), ends every SSE stream, lets in-flight
   * requests finish and resolves once every connection is gone.
   */
  close(): Promise<void>;
}

// In-flight requests get this long to finish on shutdown before their connections are cut.
const SHUTDOWN_DEADLINE_MS = 10_000;

/**
 * A client that trickles its request (slowloris) holds a socket; Node cuts it with 408 once the
 * time is up. SSE and WebSocket are unaffected: the timeouts cover receiving the request, not the
 * answer. Node looks for such clients every `connectionsCheckingInterval`.
 */
function slowClientLimits(requestTimeoutMs: number) {
  return {
    requestTimeout: requestTimeoutMs,
    headersTimeout: Math.min(60_000, requestTimeoutMs),
    connectionsCheckingInterval: Math.min(30_000, Math.ceil(requestTimeoutMs / 4)),
  };
}

/**
 * Serves the gateway over HTTP on the runtime's host and port (0 picks a free one): the app, and
 * graphql-ws on the same server and path as GraphQL.
 */
export async function startServer(runtime: Runtime): Promise<RunningServer> {
  const live = await createLivePubSub(runtime);
  const feed = createStampFeed(live, runtime.deps.db);
  const connections = LiveConnections.of(runtime);
  runtime.metrics.countLiveConnectionsWith(() => connections.byTransport());
  const stopRevocations = live.onRevocation((tokenHash) => connections.revoked(tokenHash));
  const graphql = createGraphQLServer(runtime, feed, await loadCursorSeal(runtime.deps.db));
  const app = createApp(runtime, graphql, live.transport === 'redis' ? { redis: live.ping } : {});
  // With Redis, limits are shared from the first request on (a Redis still away is waited for briefly).
  await SharedLimits.of(runtime).connected();
  // Wallet credentials load (or the development signer is created) before the first request.
  await Wallet.of(runtime).ready;
  // One worker per process, for every topic the features above registered.
  startJobWorker(runtime);
  const listener = withCompression(getRequestListener(app.fetch, { hostname: runtime.config.host }));
  const http: Server = createServer(slowClientLimits(runtime.config.requestTimeoutMs), listener);
  await new Promise<void>((resolve) => http.listen(runtime.config.port, runtime.config.host, resolve));
  const server: ServerType = http;
  const websocket = attachGraphQLWebSocket(http, graphql, runtime);

  let closing = false;
  // Open responses, so that shutdown can tell event streams to reconnect (see endForReconnect).
  const responses = new Set<ServerResponse>();
  // A keep-alive connection whose response ends during shutdown (an SSE stream, a slow request) is
  // idle from then on; close it at once instead of after the keep-alive timeout.
  http.on('request', (_request, response) => {
    responses.add(response);
    response.once('close', () => {
      responses.delete(response);
      if (closing) setImmediate(() => http.closeIdleConnections());
    });
  });

  const { port } = server.address() as AddressInfo;
  const host = runtime.config.host.includes(':') ? `[${runtime.config.host}]` : runtime.config.host;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    server,
    liveStats: () => ({ ...feed.stats(), websockets: websocket.connections() }),
    close: () =>
      (closed ??= (async () => {
        closing = true;
        const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
        await websocket.close();
        // SSE streams end as a dropped connection would, with a retry hint, so clients come back
        // (to this gateway once restarted, or another) and resume; never with `complete`.
        for (const response of responses) endForReconnect(response);
        feed.close();
        http.closeIdleConnections();
        const deadline = setTimeout(() => http.closeAllConnections(), SHUTDOWN_DEADLINE_MS);
        await stopped;
        clearTimeout(deadline);
        stopRevocations();
        await live.close();
      })()),
  };
}
