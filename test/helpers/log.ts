import { onTestFinished } from 'vitest';
import { redirectLog } from '../../src/observability/log.ts';

/** One line of the gateway's JSON log. */
export type LogLine = Record<string, unknown> & { level: string; msg: string };

export interface CapturedLog {
  /** Every line written since `captureLog()`, parsed. */
  lines: LogLine[];
  /** The messages of the lines at `level`. */
  messages(level: string): string[];
}

/**
 * Collects the log lines the gateway in this process writes, instead of printing them, until the
 * current test finishes.
 */
export function captureLog(): CapturedLog {
  const lines: LogLine[] = [];
  const restore = redirectLog((line) => void lines.push(JSON.parse(line) as LogLine));
  onTestFinished(restore);
  return { lines, messages: (level) => lines.filter((line) => line.level === level).map((line) => line.msg) };
}
