/**
 * lifecycle.ts: how our server processes start and stop. A user error (bad config, bad flag) is
 * one clear message and exit status 1, never a stack trace; SIGINT/SIGTERM shut down cleanly
 * (a second signal forces the exit); an unexpected error is logged and exits with status 1.
 */
import { ConfigError } from '../config/index.js';

export interface Running {
  shutdown(): Promise<void>;
}

/** Prints a user error and exits; anything else is a bug and shows its stack. */
export function exitWithError(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else if (error instanceof Error && (error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    process.stderr.write(`cannot listen: ${error.message}\n`);
  } else {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
}

/** Runs `start`, then waits for SIGINT/SIGTERM to shut what it started down. */
export async function runUntilSignal(start: () => Promise<Running>): Promise<void> {
  let running: Running;
  try {
    running = await start();
  } catch (error) {
    exitWithError(error);
  }
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      process.stderr.write(`${signal} again: exiting without a clean shutdown\n`);
      process.exit(130);
    }
    stopping = true;
    running.shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** Warnings from config loading, one per line on stderr. */
export function printWarnings(warnings: readonly string[]): void {
  for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
}
