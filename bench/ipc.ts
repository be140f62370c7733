// The small protocol between bench/subscriptions.ts (the load generator) and the server it forks.

/** What a benchmarked server tells the load generator once it listens. */
export interface TargetInfo {
  url: string;
  /** Bearer token for every request; empty when the server has no auth. */
  token: string;
  /** The subscription every subscriber runs, with its variables. */
  subscription: string;
  variables: Record<string, unknown>;
  /** The GraphQL mutation that makes the server publish one event. */
  trigger: { query: string; variables: Record<string, unknown> };
}

export interface Usage {
  memory: NodeJS.MemoryUsage;
  cpu: NodeJS.CpuUsage;
  /** Subscriptions the server holds, when it can tell. */
  subscribers: number | undefined;
}

export type ServerMessage = { type: 'ready'; target: TargetInfo } | ({ type: 'usage' } & Usage);
export type ControlMessage = { type: 'usage' } | { type: 'stop' };

/** Reports `target` to the parent process and answers its requests for usage and for stopping. */
export function serveBenchmark(
  target: TargetInfo & { subscribers(): number | undefined; stop(): Promise<void> },
): void {
  const send = (message: ServerMessage) => process.send?.(message);
  const { subscribers, stop, ...info } = target;
  send({ type: 'ready', target: info });
  process.on('message', (message: ControlMessage) => {
    if (message.type === 'usage') {
      // Twice: the first pass only queues finalizers of what the second frees.
      globalThis.gc?.();
      globalThis.gc?.();
      send({ type: 'usage', memory: process.memoryUsage(), cpu: process.cpuUsage(), subscribers: subscribers() });
    } else if (message.type === 'stop') {
      void stop().finally(() => process.exit(0));
    }
  });
}
