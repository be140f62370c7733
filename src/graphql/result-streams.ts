import type { ExecutionResult } from 'graphql';
import type { PushStream } from '../live/push-stream.ts';

export type PromiseOrValue<T> = T | Promise<T>;

export type Ended<I extends AsyncIterator<unknown>> = I & Required<Pick<I, 'return' | 'throw'>>;

/**
 * The events of `source` mapped to results; `return()` releases the source (and its subscription).
 * Every subscriber reads through this for every event, so a read chains one step onto the source's
 * promise rather than running an async function around it.
 */
export function mapStream<T, U>(source: AsyncIterator<T>, map: (value: T) => PromiseOrValue<U>): Ended<AsyncIterableIterator<U>> {
  const mapped: Ended<AsyncIterableIterator<U>> = {
    [Symbol.asyncIterator]: () => mapped,
    next() {
      return source.next().then((step): PromiseOrValue<IteratorResult<U>> => {
        if (step.done) return { done: true, value: undefined };
        const value = map(step.value);
        return value instanceof Promise ? value.then((done) => ({ done: false, value: done })) : { done: false, value };
      });
    },
    async return() {
      await source.return?.();
      return { done: true, value: undefined };
    },
    async throw(error?: unknown) {
      await source.return?.();
      throw error;
    },
  };
  return mapped;
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * `mapStream` over a push stream, itself a push stream: read with `next()` it is `mapStream`; after
 * `push(onResult)` each event's result goes to `onResult` in the order of the events, a pending
 * execution holding back the results after it. A result with errors is not pushed but answers
 * `next()` (whatever wraps this stream masks it there); the results after it wait for the next read,
 * i.e. until it has been sent. The source's end or failure answers `next()` after the results before it.
 * While results wait (an execution, or a result with errors on its way) the source is paused, so a
 * consumer that stops reading makes it fall behind and end as an unread stream does.
 */
export function pushMapped<T, R extends ExecutionResult>(source: PushStream<T>, map: (value: T) => PromiseOrValue<R>): PushStream<R> {
  const pulled = mapStream(source, map);
  const queued: PromiseOrValue<R>[] = [];
  let onResult: ((result: R) => void) | undefined;
  let stopped = false;
  let settling = false;
  // A result with errors waiting for a read, then on its way (until the next read).
  let carried: R | undefined;
  let inTransit = false;
  let last: { step: IteratorResult<R> } | { error: unknown } | undefined;
  let reader: { resolve: (step: IteratorResult<R>) => void; reject: (error: unknown) => void } | undefined;
  // The source is paused while the consumer asks (`held`) or while results cannot go out (`blocked`):
  // events then wait in the source, whose bounded queue ends a stream that falls too far behind,
  // instead of piling up here, each with its execution.
  let held = false;
  let sourcePaused = false;
  const holdSource = (blocked: boolean) => {
    const pause = held || blocked;
    if (pause === sourcePaused) return;
    sourcePaused = pause;
    if (pause) source.pause();
    else source.resume();
  };

  const answer = () => {
    if (!reader || (queued.length > 0 && carried === undefined)) return;
    const { resolve, reject } = reader;
    if (carried !== undefined) {
      reader = undefined;
      const value = carried;
      carried = undefined;
      inTransit = true;
      resolve({ done: false, value });
    } else if (last) {
      reader = undefined;
      if ('step' in last) resolve(last.step);
      else reject(last.error);
    }
  };
  const flush = () => {
    for (let head = queued[0]; head !== undefined && !stopped && carried === undefined && !inTransit; head = queued[0]) {
      if (head instanceof Promise) {
        if (settling) break;
        settling = true;
        head.then(
          (result) => {
            settling = false;
            if (stopped) return;
            queued[0] = result;
            guarded(flush);
          },
          (error: unknown) => {
            settling = false;
            queued.length = 0;
            last = { error };
            answer();
          },
        );
        break;
      }
      queued.shift();
      if (head.errors?.length) carried = head;
      else onResult?.(head);
    }
    answer();
    // Last: resuming the source may push its held events, flushing again from here.
    if (!stopped) holdSource(queued.length > 0 || carried !== undefined || inTransit);
  };

  // Called from the source's loop over every subscriber, or from a settled execution: a throw (from an
  // execution, or from onResult) fails this stream there and then instead of escaping into the loop.
  const failWith = (error: unknown) => {
    queued.length = 0;
    carried = undefined;
    last = { error };
    answer();
  };
  const guarded = (run: () => void) => {
    try {
      run();
    } catch (error) {
      failWith(error);
    }
  };
  // One function per stream, not a closure per event: the source calls it for every subscriber.
  const take = (event: T) => {
    if (stopped || (last && 'error' in last)) return;
    try {
      queued.push(map(event));
      flush();
    } catch (error) {
      failWith(error);
    }
  };

  const stream: PushStream<R> = {
    [Symbol.asyncIterator]: () => stream,
    next() {
      if (!onResult) return pulled.next();
      if (stopped) return Promise.resolve(DONE);
      return new Promise((resolve, reject) => {
        reader = { resolve, reject };
        inTransit = false;
        flush();
      });
    },
    return() {
      stopped = true;
      queued.length = 0;
      reader?.resolve(DONE);
      reader = undefined;
      return pulled.return();
    },
    throw(error?: unknown) {
      stopped = true;
      queued.length = 0;
      return pulled.throw(error);
    },
    push(consumer) {
      onResult = consumer;
      source.push(take);
      // In push mode the source's next() settles only when it ends or fails.
      source.next().then(
        () => {
          last = { step: DONE };
          answer();
        },
        (error: unknown) => {
          last = { error };
          answer();
        },
      );
    },
    pause() {
      held = true;
      holdSource(true);
    },
    resume() {
      held = false;
      holdSource(queued.length > 0 || carried !== undefined || inTransit);
    },
  };
  return stream;
}
