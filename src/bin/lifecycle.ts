/**
 * lifecycle.ts: how our server processes start and stop. A user error (bad config, bad flag) is
 * one clear message and exit status 1, never a stack trace; SIGINT/SIGTERM shut down cleanly
 * (a second signal forces the exit); an unexpected error is logged and exits with status 1.
 */
import { ConfigError } from '../config/index.js';
import { KVConfigError } from '../namesrv/index.js';

export interface Running {
  shutdown(): Promise<void>;
}

/**
 * Prints why the program cannot go on and exits 1. A user or operating error (bad config, a
 * corrupt state file, a port in use) is its message alone; anything else is a bug and shows its stack.
 */
export function exitWithError(program: string, error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`${program}: ${error.message}\n`);
  } else if (error instanceof KVConfigError || (error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string')) {
    process.stderr.write(`${program}: ${error.message}\n`);
  } else {
    process.stderr.write(`${program}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
}

/**
 * Runs `start`, then waits for SIGINT/SIGTERM to shut what it started down. The handlers are in
 * place before `start` runs (a boot line can be printed inside it): a signal during the start
 * shuts down as soon as the start is over.
 */
export async function runUntilSignal(program: string, start: () => Promise<Running>): Promise<void> {
  let running: Running | undefined;
  let stopSignal: string | undefined;
  const shutDown = (target: Running): void => {
    target.shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`${program}: shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  const stop = (signal: string): void => {
    if (stopSignal !== undefined) {
      process.stderr.write(`${program}: ${signal} again: exiting without a clean shutdown\n`);
      process.exit(130);
    }
    stopSignal = signal;
    if (running !== undefined) shutDown(running);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  try {
    running = await start();
  } catch (error) {
    exitWithError(program, error);
  }
  if (stopSignal !== undefined) shutDown(running);
}

/** Warnings from config loading, one per line on stderr. */
export function printWarnings(warnings: readonly string[]): void {
  for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
}
