import { afterAll, beforeAll } from 'vitest';
import { type RunningServer, startServer } from '../../src/server.ts';
import { type TestRuntime, useRuntime } from './runtime.ts';

export interface TestServer extends TestRuntime {
  /** Base URL of the gateway listening on a free loopback port. */
  url: string;
  server: RunningServer;
}

/** The whole gateway over real HTTP, on a scratch database, for one test file. */
export function useServer(env: Record<string, string> = {}): TestServer {
  const state = useRuntime(env) as TestServer;
  beforeAll(async () => {
    state.server = await startServer(state.runtime);
    state.url = state.server.url;
  });
  afterAll(async () => {
    await state.server?.close();
  });
  return state;
}
