import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { createApp } from './app.ts';
import type { Runtime } from './runtime.ts';
import { Wallet } from './wallet/wallet.ts';

export interface RunningServer {
  url: string;
  server: ServerType;
  close(): Promise<void>;
}

/** Serves the gateway over HTTP on the runtime's host and port (0 picks a free one). */
export async function startServer(runtime: Runtime): Promise<RunningServer> {
  const app = createApp(runtime);
  // Wallet credentials load (or the development signer is created) before the first request.
  await Wallet.of(runtime).ready;
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: runtime.config.port, hostname: runtime.config.host }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const host = runtime.config.host.includes(':') ? `[${runtime.config.host}]` : runtime.config.host;
  return {
    url: `http://${host}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Idle keep-alive sockets would hold close() open; in-flight requests still finish.
        (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      }),
  };
}
