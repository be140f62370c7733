// The small protocol between bench/http.ts (the load generator) and each server it forks.

/** CPU time (user and system) the process has used so far, in microseconds. */
export function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** What a server reports once it listens, and what it answers when asked for its usage. */
export type TargetMessage =
  | { type: 'ready'; url: string }
  | { type: 'usage'; rssBytes: number; maxRssKiB: number; cpuMicros: number; statements: number | undefined };
export type TargetControl = { type: 'usage' } | { type: 'stop' };

/**
 * Tells the parent process that the server listens at `url`, then answers its requests: usage
 * (resident memory, peak resident memory, CPU time and, when the server counts them, SQL statements
 * sent so far) and stop.
 */
export function serveTarget(url: string, options: { statements?: () => number; stop(): Promise<void> }): void {
  process.send?.({ type: 'ready', url } satisfies TargetMessage);
  process.on('message', (message: TargetControl) => {
    if (message.type === 'usage') {
      process.send?.({
        type: 'usage',
        rssBytes: process.memoryUsage.rss(),
        maxRssKiB: process.resourceUsage().maxRSS,
        cpuMicros: cpuMicros(),
        statements: options.statements?.(),
      } satisfies TargetMessage);
    } else if (message.type === 'stop') {
      void options.stop().finally(() => process.exit(0));
    }
  });
}
