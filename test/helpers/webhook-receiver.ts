import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll } from 'vitest';

/** One request a receiver got: its headers and raw body, as a receiver would verify them. */
export interface ReceivedWebhook {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export type Responder = (request: ReceivedWebhook, res: ServerResponse) => void;

const ok: Responder = (_request, res) => res.writeHead(204).end();

/**
 * A webhook receiver on a free loopback port. Each test points a subscription at its own path
 * (`receiver.url('/a')`) and reads what arrived there; `respond` sets how that path answers.
 */
export function useReceiver() {
  const received: ReceivedWebhook[] = [];
  const responders = new Map<string, Responder>();
  let connections = 0;
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([key, value]) => [key, String(value)]));
      const request = { path: req.url ?? '/', headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(request);
      (responders.get(request.path) ?? ok)(request, res);
    });
  });
  server.on('connection', () => connections++);
  const state = {
    base: '',
    url: (path: string) => `${state.base}${path}`,
    /** Every request that reached `path`, in order. */
    at: (path: string) => received.filter((request) => request.path === path),
    respond: (path: string, responder: Responder) => responders.set(path, responder),
    get connections() {
      return connections;
    },
  };
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    state.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return state;
}

/** Checks a delivery's signature with the standardwebhooks package, as a receiver would; returns the parsed body. */
export function verify(secret: string, request: ReceivedWebhook): unknown {
  return new Webhook(secret).verify(request.body, request.headers);
}
