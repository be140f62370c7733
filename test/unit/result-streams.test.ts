import { type ExecutionResult, GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { PushStream } from '../../src/live/push-stream.ts';
import { pushMapped } from '../../src/graphql/result-streams.ts';

/** A push stream of numbers driven by hand: `emit` pushes one, `finish` ends it, `fail` fails it. */
function source() {
  let onValue: ((value: number) => void) | undefined;
  let settle: { resolve: (step: IteratorResult<number>) => void; reject: (error: unknown) => void } | undefined;
  const state = { returned: false, paused: false };
  const stream: PushStream<number> = {
    [Symbol.asyncIterator]: () => stream,
    next: () => new Promise((resolve, reject) => (settle = { resolve, reject })),
    return: async () => {
      state.returned = true;
      return { done: true, value: undefined };
    },
    push: (take) => (onValue = take),
    pause: () => (state.paused = true),
    resume: () => (state.paused = false),
  };
  return {
    stream,
    state,
    emit: (value: number) => onValue?.(value),
    finish: () => settle?.resolve({ done: true, value: undefined }),
    fail: (error: Error) => settle?.reject(error),
  };
}

/** A result per number, ready at once or when `release(n)` is called; odd numbers above 100 carry an error. */
function executions() {
  const pending = new Map<number, (result: ExecutionResult) => void>();
  const resultOf = (n: number): ExecutionResult => (n > 100 && n % 2 === 1 ? { errors: [new GraphQLError(`e${n}`)] } : { data: { n } });
  return {
    map: (n: number) => (n < 0 ? new Promise<ExecutionResult>((resolve) => pending.set(-n, (r) => resolve(r))) : resultOf(n)),
    release: (n: number) => pending.get(n)?.(resultOf(n)),
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('results pushed as they come', () => {
  it('keeps the order of the events when a later execution finishes first', async () => {
    const { stream, emit } = source();
    const { map, release } = executions();
    const pushed: unknown[] = [];
    const mapped = pushMapped(stream, map);
    mapped.push((result) => pushed.push(result.data?.n));
    void mapped.next();
    emit(-1);
    emit(2);
    emit(-3);
    emit(4);
    await tick();
    expect(pushed).toEqual([]);
    release(3);
    await tick();
    expect(pushed).toEqual([]);
    release(1);
    await tick();
    expect(pushed).toEqual([1, 2, 3, 4]);
  });

  it('sends a result with errors through next() in its place; what follows waits for the next read', async () => {
    const { stream, emit, finish } = source();
    const { map } = executions();
    const pushed: unknown[] = [];
    const mapped = pushMapped(stream, map);
    mapped.push((result) => pushed.push(result.data?.n));
    const read = mapped.next();
    emit(102);
    emit(103);
    emit(104);
    const carried = await read;
    expect(carried.done).toBe(false);
    expect((carried.value as ExecutionResult).errors?.[0]?.message).toBe('e103');
    expect(pushed).toEqual([102]);
    const end = mapped.next();
    expect(pushed).toEqual([102, 104]);
    finish();
    expect(await end).toEqual({ done: true, value: undefined });
  });

  it("answers the source's end or failure only after the results before it", async () => {
    const { stream, emit, fail } = source();
    const { map, release } = executions();
    const pushed: unknown[] = [];
    const mapped = pushMapped(stream, map);
    mapped.push((result) => pushed.push(result.data?.n));
    const ended = mapped.next().then(
      () => 'ended',
      (error: Error) => error.message,
    );
    emit(-5);
    fail(new Error('behind'));
    await tick();
    expect(pushed).toEqual([]);
    release(5);
    expect(await ended).toBe('behind');
    expect(pushed).toEqual([5]);
  });

  it('pushes nothing more once returned, and releases the source', async () => {
    const { stream, state, emit } = source();
    const { map, release } = executions();
    const pushed: unknown[] = [];
    const mapped = pushMapped(stream, map);
    mapped.push((result) => pushed.push(result.data?.n));
    const read = mapped.next();
    emit(-7);
    void mapped.return?.();
    release(7);
    emit(8);
    await tick();
    expect(pushed).toEqual([]);
    expect(state.returned).toBe(true);
    expect(await read).toEqual({ done: true, value: undefined });
  });

  it('pauses the source while results cannot go out, and keeps it paused while the consumer does', async () => {
    const { stream, state, emit } = source();
    const { map, release } = executions();
    const pushed: unknown[] = [];
    const mapped = pushMapped(stream, map);
    mapped.push((result) => pushed.push(result.data?.n));
    const read = mapped.next();
    emit(-1);
    expect(state.paused).toBe(true);
    release(1);
    await tick();
    expect([pushed, state.paused]).toEqual([[1], false]);
    mapped.pause();
    emit(103);
    expect((await read).value?.errors?.[0]?.message).toBe('e103');
    // Unpaused by the consumer, the source stays paused until the carried result has gone (the next read).
    mapped.resume();
    expect(state.paused).toBe(true);
    void mapped.next();
    expect(state.paused).toBe(false);
  });
});
