import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type ExecutionArgs, GraphQLError } from 'graphql';
import { CloseCode, type OperationResult } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { type WebSocket, WebSocketServer } from 'ws';
import { MAX_BODY_BYTES } from '../http/limits.ts';
import { LiveConnections } from '../http/live-connections.ts';
import { limiterOf, rateLimitKeyOf } from '../http/rate-limit.ts';
import { clientAddressFrom } from '../http/trust-proxy.ts';
import type { Runtime } from '../runtime.ts';
import { authenticateViewer } from './viewer.ts';
import { GRAPHQL_PATH, type GraphQLServer } from './yoga.ts';

export interface GraphQLWebSocket {
  /** Open WebSocket connections. */
  connections(): number;
  /**
   * Closes every connection with 1001 (going away), so graphql-ws clients reconnect (to another
   * gateway, behind a balancer) and subscribe again; sockets that do not finish the closing
   * handshake within `graceMs` are cut.
   */
  close(graceMs?: number): Promise<void>;
}

interface ConnectionExtra {
  socket: WebSocket;
  request: IncomingMessage;
  /** The Authorization value the connection authenticated with, checked again for every operation. */
  authorization?: string;
  /** Whom its operations count against in the rate limit. */
  rateLimitKey?: string;
}

/** What yoga's envelope hands each operation, carried to graphql-ws's execute/subscribe in `rootValue`. */
interface Enveloped {
  execute: (args: ExecutionArgs) => OperationResult;
  subscribe: (args: ExecutionArgs) => OperationResult;
}

/** The upgrade request's X-Forwarded-For, several headers joined as one list. */
function forwardedFor(request: IncomingMessage): string | undefined {
  const value = request.headers['x-forwarded-for'];
  return Array.isArray(value) ? value.join(',') : value;
}

const CREDENTIAL_GONE = 'The API token (or customer card) this connection was opened with no longer works';

function codedError(message: string, code: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

/**
 * Serves the graphql-ws protocol on `path` of the gateway's own HTTP server, running every operation
 * through the same yoga envelope as HTTP (limits, cost, error masking, shared subscription results).
 * The token comes from the `connection_init` payload (`{"authorization": "Bearer …"}`, or a customer
 * page's `"CustomerCard <uuid>"`), else from the upgrade request's Authorization header; without a
 * valid one the socket is closed with 4401.
 *
 * A connection is not trusted for its lifetime: every operation is authorised again when it runs
 * (through the token cache, as an HTTP request is), counts against the token's request rate limit,
 * and must fit under the socket's cap on operations at once. A token revoked while the socket is open
 * gets `UNAUTHENTICATED` for its next operation, and the socket is closed with 4401; an idle socket is
 * closed the same way by the live-connection sweep or a revocation notice (http/live-connections.ts).
 */
export function attachGraphQLWebSocket(server: Server, yoga: GraphQLServer, runtime: Runtime): GraphQLWebSocket {
  // A client message is one operation; it gets no more room than a REST body (ws allows 100 MiB).
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY_BYTES });
  const live = LiveConnections.of(runtime);
  const limiter = limiterOf(runtime);
  const maxOperations = runtime.config.subscriptionsPerWebSocket;
  let closing = false;

  const refuseUpgrade = (socket: Duplex, status: string) => {
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'http://gateway').pathname;
    if (path !== GRAPHQL_PATH) return refuseUpgrade(socket, '404 Not Found');
    if (closing) return refuseUpgrade(socket, '503 Service Unavailable');
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  });

  useServer<Record<string, unknown> | undefined, Partial<ConnectionExtra>>(
    {
      onConnect: async (ctx) => {
        const extra = ctx.extra as ConnectionExtra;
        const params = ctx.connectionParams ?? {};
        const given = params.authorization ?? params.Authorization;
        const header = typeof given === 'string' ? given : extra.request.headers.authorization;
        const viewer = await authenticateViewer(runtime, header);
        if (!viewer) {
          // graphql-ws would close with 4403 Forbidden; a missing or wrong token is 4401, as in HTTP.
          extra.socket.close(CloseCode.Unauthorized, 'Unauthorized: send {"authorization": "Bearer <API token>"} in connection_init');
          return false;
        }
        const release = await live.open(viewer.credential, (reason) => extra.socket.close(CloseCode.Unauthorized, reason), 'websocket');
        if (!release) {
          extra.socket.close(4429, `Too many live connections for this API token (at most ${live.limit})`);
          return false;
        }
        // The socket may have gone while the slot was taken (a Redis round trip).
        if (extra.socket.readyState === extra.socket.CLOSING || extra.socket.readyState === extra.socket.CLOSED) {
          release();
          return false;
        }
        extra.socket.once('close', release);
        extra.authorization = header;
        // As over HTTP: a token spends its own budget, a customer page its card's.
        extra.rateLimitKey = rateLimitKeyOf(
          viewer.credential,
          clientAddressFrom(extra.request.socket.remoteAddress, forwardedFor(extra.request), runtime.config.trustProxy),
        );
        return true;
      },
      onSubscribe: async (ctx, _id, payload) => {
        // graphql-ws has already entered this operation among the socket's running ones; counted
        // before anything is awaited, so operations sent together cannot all pass.
        if (Object.keys(ctx.subscriptions).length > maxOperations) {
          return [
            codedError(`Too many operations at once on this WebSocket (at most ${maxOperations}); complete one first`, 'TOO_MANY_SUBSCRIPTIONS'),
          ];
        }
        const extra = ctx.extra as ConnectionExtra;
        const viewer = await authenticateViewer(runtime, extra.authorization);
        if (!viewer) {
          // After graphql-ws has sent this operation's error.
          setImmediate(() => extra.socket.close(CloseCode.Unauthorized, CREDENTIAL_GONE));
          return [codedError(CREDENTIAL_GONE, 'UNAUTHENTICATED')];
        }
        const decision = await limiter.hit(extra.rateLimitKey ?? '');
        if (!decision.allowed) {
          return [codedError('Rate limit exceeded', 'RATE_LIMITED', { retryAfter: decision.resetSeconds, limit: limiter.policy.limit })];
        }
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          viewer,
          websocket: true,
          params: payload,
        });
        let document: ReturnType<typeof parse>;
        try {
          document = parse(payload.query);
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        const errors = validate(schema, document);
        if (errors.length > 0) return errors;
        const rootValue = { execute, subscribe } as Enveloped;
        return {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: await contextFactory(),
          rootValue,
        };
      },
      execute: (args) => (args.rootValue as Enveloped).execute(args),
      subscribe: (args) => (args.rootValue as Enveloped).subscribe(args),
    },
    wss,
  );

  return {
    connections: () => wss.clients.size,
    async close(graceMs = 2000) {
      closing = true;
      const sockets = [...wss.clients];
      const closed = sockets.map((socket) => new Promise<void>((resolve) => socket.once('close', () => resolve())));
      for (const socket of sockets) socket.close(1001, 'Server shutting down; reconnect');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(closed),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, graceMs);
        }),
      ]);
      clearTimeout(timer);
      for (const socket of wss.clients) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
