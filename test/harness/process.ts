/**
 * process.ts: our compiled entry points (src/bin/*.js) run as child processes, for tests of what
 * an operator sees: boot lines, exit codes, one-line errors, clean shutdown on a signal.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** The compiled entry `name` (e.g. "standalone") beside the compiled tests (dist/ or dist-*). */
export function entryPoint(name: string): string {
  return fileURLToPath(new URL(`../../src/bin/${name}.js`, import.meta.url));
}

export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Started {
  readonly child: ChildProcess;
  /** The boot-line matches, in the order of the patterns. */
  readonly matches: RegExpExecArray[];
  output(): { stdout: string; stderr: string };
  /** Sends `signal` and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<Finished>;
}

/** Runs an entry to completion (for commands that exit on their own). */
export async function runToEnd(name: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Finished> {
  const child = spawn(process.execPath, [entryPoint(name), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  return { code, signal, stdout, stderr };
}

/** Starts an entry (node given `nodeArgs`) and resolves once stdout matched every pattern; rejects if it exits first. */
export async function startUntil(
  name: string,
  args: readonly string[],
  patterns: readonly RegExp[],
  env: NodeJS.ProcessEnv = process.env,
  nodeArgs: readonly string[] = [],
): Promise<Started> {
  const child = spawn(process.execPath, [...nodeArgs, entryPoint(name), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const matches = await new Promise<RegExpExecArray[]>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const found = patterns.map((pattern) => pattern.exec(stdout));
      if (found.every((match) => match !== null)) resolve(found as RegExpExecArray[]);
    });
    void exited.then(([code]) => reject(new Error(`${name} exited (${code}) before booting:\n${stdout}\n${stderr}`)));
  });
  return {
    child,
    matches,
    output: () => ({ stdout, stderr }),
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const [code, exitSignal] = await exited;
      return { code, signal: exitSignal, stdout, stderr };
    },
  };
}
