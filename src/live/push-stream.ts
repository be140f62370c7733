/**
 * A stream whose values can also be taken as they come instead of read one by one. Thousands of
 * subscribers that each read every event through their own chain of async iterators cost a chain of
 * promises (and their garbage) per subscriber and event; taken by `push`, an event costs a call.
 *
 * After `push(onValue)`, values go to `onValue` in order, synchronously as they come, and `next()`
 * serves only the end of the stream: it settles when the stream ends or fails (or when the stream
 * has a value that must travel the ordinary way, see result-streams.ts). `return()` stops it as
 * before. Push before the first `next()`: a read before it takes a value the ordinary way.
 */
export interface PushStream<T> extends AsyncIterableIterator<T> {
  push(onValue: (value: T) => void): void;
  /** Holds values back (counted against the stream's limit, as unread ones are) until `resume`. */
  pause(): void;
  resume(): void;
}

export function isPushStream<T>(stream: AsyncIterator<T>): stream is PushStream<T> {
  return typeof (stream as Partial<PushStream<T>>).push === 'function';
}
