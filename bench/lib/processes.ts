/**
 * processes.ts: the servers bench:peers starts, and their end. Each child runs in its own process
 * group (detached), so stopping it also stops what it started (RabbitMQ's shell script starts the
 * Erlang VM); its output goes to a log file in its data folder, and the last lines are quoted when
 * it fails to start. Every child started is in `running` until stopped; stopAll() runs on Ctrl-C,
 * SIGTERM, errors and exit, so no server outlives the benchmark. Only processes started here are
 * ever signalled, by their own pid or process group.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { nowNs } from './histogram.js';

export interface Started {
  readonly name: string;
  readonly pid: number;
  /** Milliseconds from spawn to the ready line. */
  readonly bootMs: number;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is gone already.
  }
}

function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    running.delete(child);
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      running.delete(child);
      // What the group leader started may outlive it by a moment: make sure the group is gone.
      signalGroup(child, 'SIGKILL');
      resolve();
    });
    signalGroup(child, 'SIGTERM');
  });
}

/** Cleanups of what outlives a process group (RabbitMQ's epmd daemon), run once by stopAll(). */
const cleanups = new Set<() => Promise<unknown>>();

export function onStopAll(cleanup: () => Promise<unknown>): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((child) => stopChild(child)));
  for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  cleanups.clear();
}

let hooked = false;

/** Stops every child on Ctrl-C, SIGTERM and exit (SIGKILL at exit, where nothing can wait). */
export function stopOnExit(): void {
  if (hooked) return;
  hooked = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping the servers\n`);
      void stopAll().finally(() => process.exit(130));
    });
  }
  const fatal = (error: unknown): void => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\nstopping the servers\n`);
    void stopAll().finally(() => process.exit(1));
  };
  process.once('uncaughtException', fatal);
  process.once('unhandledRejection', fatal);
  process.once('exit', () => {
    for (const child of running) signalGroup(child, 'SIGKILL');
  });
}

export interface StartOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly dir: string;
  readonly env?: NodeJS.ProcessEnv;
  /** A line of stdout or stderr that says the server is ready. */
  readonly ready: RegExp;
  readonly timeoutMs?: number;
}

async function tail(file: string): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').slice(-15).join('\n');
}

/** Spawns a server and resolves once it printed its ready line; rejects (and stops it) on exit or timeout. */
export async function startServer(options: StartOptions): Promise<Started> {
  const logFile = join(options.dir, `${options.name}.out`);
  const log = createWriteStream(logFile);
  const startNs = nowNs();
  const child = spawn(options.command, options.args, { cwd: options.dir, env: { ...process.env, ...options.env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let seen = '';
  const bootMs = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${options.name} printed no ready line within ${options.timeoutMs ?? 60_000} ms`)), options.timeoutMs ?? 60_000);
    const watch = (chunk: Buffer): void => {
      log.write(chunk);
      if (seen.length < 1 << 20) seen += chunk.toString('utf8');
      if (options.ready.test(seen)) {
        clearTimeout(timer);
        seen = '';
        resolve((nowNs() - startNs) / 1e6);
      }
    };
    child.stdout?.on('data', watch);
    child.stderr?.on('data', watch);
    child.once('error', (error) => reject(error));
    child.once('exit', (code, signal) => reject(new Error(`${options.name} exited (${code ?? signal}) before it was ready`)));
  }).catch(async (error: unknown) => {
    await stopChild(child, 2000);
    log.end();
    throw new Error(`${error instanceof Error ? error.message : String(error)}; last lines of ${logFile}:\n${await tail(logFile)}`);
  });
  return {
    name: options.name,
    pid: child.pid ?? 0,
    bootMs,
    stop: async () => {
      await stopChild(child);
      log.end();
    },
  };
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resident set size of a process in MiB (VmRSS), or 0 once it is gone. */
export async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match === null ? 0 : Number(match[1]) / 1024;
}

/** Samples a process's RSS every 200 ms until stopped; resolves with the largest sample. */
export function sampleRss(pid: number): { stop(): Promise<number> } {
  let peak = 0;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void rssMiB(pid).then((value) => {
      peak = Math.max(peak, value);
      busy = false;
    });
  }, 200);
  return {
    async stop(): Promise<number> {
      clearInterval(timer);
      return Math.max(peak, await rssMiB(pid));
    },
  };
}
