/**
 * logger.ts: structured logging for every server component, on pino. A component asks for a
 * child logger named after itself; tests pass `silentLogger` (or LOG_LEVEL=debug to see everything).
 */
import { pino } from 'pino';

export type Logger = pino.Logger;

export interface LoggerOptions {
  /** pino level name; defaults to LOG_LEVEL or "info". */
  readonly level?: string;
  /** File descriptor or path to write to; stdout when omitted. */
  readonly destination?: number | string;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env['LOG_LEVEL'] ?? 'info';
  const destination = pino.destination({ dest: options.destination ?? 1, sync: false });
  return pino({ level, base: { pid: process.pid } }, destination);
}

/** A logger that drops everything below LOG_LEVEL (default: silent), for tests. */
export function testLogger(): Logger {
  return pino({ level: process.env['LOG_LEVEL'] ?? 'silent' });
}

/** A line a captureLogger() logger wrote, parsed. */
export interface CapturedLine {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

/** A debug-level logger that keeps every line in memory, for tests that assert on logs. */
export function captureLogger(): { logger: Logger; lines: CapturedLine[] } {
  const lines: CapturedLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as CapturedLine) });
  return { logger, lines };
}
