/**
 * peer.ts: what bench:peers knows of a system it compares: how to start its server in a fresh
 * folder on loopback, the client seam its workloads use, and its version for the results table.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { MessagingSystem } from '../workload.js';

export interface RunningPeer {
  readonly system: MessagingSystem;
  /** The server process, for its RSS. */
  readonly pid: number;
  readonly bootMs: number;
  stop(): Promise<void>;
}

export interface Peer {
  /** Short name for --only and the tables: "rabbitmq", "ours-async". */
  readonly name: string;
  /** What is measured: "RabbitMQ quorum queue, publisher confirms". */
  readonly label: string;
  /** Debian package the server comes from, installed when missing. */
  readonly debianPackage?: string;
  /**
   * Which workloads it runs: all; only publishing (the SYNC comparisons); or publishing and the
   * end-to-end latency (no backlog to drain).
   */
  readonly workloads: 'all' | 'publish' | 'publish+latency';
  start(dir: string): Promise<RunningPeer>;
  version(): Promise<string>;
}

const run = promisify(execFile);

/** The installed version of a Debian package, or undefined when it is not installed. */
export async function debianVersion(name: string): Promise<string | undefined> {
  try {
    const { stdout } = await run('dpkg-query', ['-W', '-f=${Status}|${Version}', name]);
    const [status, version] = stdout.split('|');
    return status?.includes('installed') === true && status.includes('not-installed') === false ? version : undefined;
  } catch {
    return undefined;
  }
}

/** Closes every client in order, then stops the server, even when a close fails. */
export async function closeAll(closers: readonly (() => Promise<unknown>)[]): Promise<void> {
  for (const close of closers) await close().catch(() => undefined);
}
