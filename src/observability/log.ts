import { AsyncLocalStorage } from 'node:async_hooks';
import { format } from 'node:util';
import { type DestinationStream, type Level, type Logger, pino } from 'pino';
import { redact } from '../log-redaction.ts';

/**
 * The gateway's log: one JSON object per line (pino), on stdout. Every line written while a request
 * is handled carries that request's `request_id` (the `X-Request-Id` it was answered with), whichever
 * module writes it: the id travels in an AsyncLocalStorage the request-id middleware opens, and pino's
 * mixin adds it to each line. Every line goes through `redact` last (see log-redaction.ts), so a
 * token or an email address in a message, an error or a field never reaches the log.
 */

export const LOG_LEVELS: readonly Level[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

interface RequestScope {
  requestId: string;
}

const requestScope = new AsyncLocalStorage<RequestScope>();

/** Runs `fn` (and everything it starts) as part of request `requestId`: its log lines carry the id. */
export function inRequestScope<T>(requestId: string, fn: () => T): T {
  return requestScope.run({ requestId }, fn);
}

/** The id of the request being handled, if any. */
export function currentRequestId(): string | undefined {
  return requestScope.getStore()?.requestId;
}

/**
 * Masks every string in a serialised line: the message, fields, an error's message and stack. The
 * line is parsed and written again rather than matched as text, so a replacement can never cut a JSON
 * escape (a token quoted inside an error message) and break the line.
 */
export function redactLine(line: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return redact(line);
  }
  return `${JSON.stringify(redactValue(parsed))}\n`;
}

function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactValue(item)]));
  }
  return value;
}

// Where lines go: stdout for the gateway; the CLI moves them to stderr, as its stdout is its answer.
const outputs = {
  stdout: pino.destination({ dest: 1, sync: true }),
  stderr: pino.destination({ dest: 2, sync: true }),
};
let output: DestinationStream = outputs.stdout;
const destination: DestinationStream = { write: (line: string) => output.write(line) };

function initialLevel(): Level {
  const wanted = process.env.LOG_LEVEL;
  // A wrong value is reported by loadConfig; until then the default stands.
  return LOG_LEVELS.includes(wanted as Level) ? (wanted as Level) : 'info';
}

export const log: Logger = pino(
  {
    level: initialLevel(),
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    // "level":"warn" reads better than pino's numbers, and log services map the names.
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => {
      const id = currentRequestId();
      return id ? { request_id: id } : {};
    },
    hooks: { streamWrite: redactLine },
  },
  destination,
);

/** Applies the configured level (`LOG_LEVEL`) and output stream. */
export function configureLog(options: { level?: Level; to?: keyof typeof outputs }): void {
  if (options.level) log.level = options.level;
  if (options.to) output = outputs[options.to];
}

/**
 * Sends the lines (redacted, as written) to `write` instead of the output until the returned function
 * is called: how tests read the log of a gateway running in their own process.
 */
export function redirectLog(write: (line: string) => void): () => void {
  const previous = output;
  output = { write };
  return () => {
    output = previous;
  };
}

/** A logger for one part of the gateway: its lines carry `component`. */
export function logger(component: string): Logger {
  return log.child({ component });
}

/**
 * Writes a line from console-style arguments (a message and an error, say), for callers that were
 * written against `console`: an Error among them becomes the line's `err`.
 */
export function logArgs(target: Logger, level: 'debug' | 'info' | 'warn' | 'error', args: unknown[]): void {
  const error = args.find((arg): arg is Error => arg instanceof Error);
  const rest = args.filter((arg) => arg !== error);
  const message = rest.length > 0 ? format(...rest) : (error?.message ?? '');
  if (error) target[level]({ err: error }, message);
  else target[level](message);
}
