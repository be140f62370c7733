// Request and answer over the IPC channel of a forked benchmark server, shared by the load generators.
import type { ChildProcess } from 'node:child_process';

/** The next message `child` sends; rejects if it exits first. */
export function nextMessage<M>(child: ChildProcess, name: string): Promise<M> {
  return new Promise<M>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`${name} server exited with ${code}`));
    child.once('exit', onExit);
    child.once('message', (message: M) => {
      child.off('exit', onExit);
      resolve(message);
    });
  });
}

/** The next message, which must be of `type`. */
export async function expectMessage<M extends { type: string }, T extends M['type']>(
  reply: Promise<M>,
  name: string,
  type: T,
): Promise<Extract<M, { type: T }>> {
  const message = await reply;
  if (message.type !== type) throw new Error(`${name}: unexpected ${message.type}`);
  return message as Extract<M, { type: T }>;
}

/** Sends `stop` and waits for the server to exit. */
export async function stopChild(child: ChildProcess, stop: unknown): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send(stop as object);
  await exited;
}
