/**
 * append-log-server.ts: the smallest durable log a Node.js process can serve, the ceiling that
 * bench:peers sets our broker against (what one Node process on this machine reaches for the same
 * publish workload, with none of a broker's work: no routing, queues, indexes or headers).
 *
 *   node dist-bench/bench/append-log-server.js --port 0 --dir <folder> [--sync]
 *
 * Protocol: a client sends records, [length: u32 BE][payload]; the server answers [count: u32 BE]
 * when the next `count` records of that connection are in the log file (written; with --sync also
 * fdatasync'ed). Group commit: records that arrive while a write is under way (from every
 * connection) go out together in the next writev (and fdatasync), so one system call pays for many
 * records; the first group of a quiet log waits for the end of the event-loop turn that staged it. The log file holds the records as they came (length-prefixed).
 * A connection whose record is empty ([0: u32 BE]) subscribes instead: from then on it gets every
 * record written after it, in the same framing, as soon as its group is written (the end-to-end
 * latency a Node.js process can reach, publisher to subscriber through a write).
 *
 * Bounds: a record over 16 MiB closes its connection; while more than 64 MiB wait to be written,
 * every connection is paused; a subscriber more than 64 MiB behind is closed. An I/O error stops
 * the server (exit 1): it never answers a record it did not write.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const RECORD_MAX = 16 * 1024 * 1024;
const STAGED_MAX = 64 * 1024 * 1024;

interface Connection {
  readonly socket: Socket;
  /** The start of a record not yet complete. */
  rest: Buffer | undefined;
  subscriber: boolean;
}

class GroupCommitLog {
  private staged: Buffer[] = [];
  private stagedBytes = 0;
  private stagedCounts = new Map<Connection, number>();
  private writing = false;
  private readonly paused = new Set<Connection>();
  private readonly subscribers = new Set<Connection>();

  constructor(
    private readonly file: FileHandle,
    private readonly sync: boolean,
  ) {}

  /** Takes a chunk of a connection's stream; stages its complete records. */
  receive(connection: Connection, chunk: Buffer): void {
    if (connection.subscriber) return;
    const data = connection.rest === undefined ? chunk : Buffer.concat([connection.rest, chunk]);
    let offset = 0;
    let count = 0;
    while (data.length - offset >= 4) {
      const length = data.readUInt32BE(offset);
      if (length > RECORD_MAX) {
        connection.socket.destroy(new Error(`record of ${length} bytes is over ${RECORD_MAX}`));
        return;
      }
      if (data.length - offset - 4 < length) break;
      if (length === 0) {
        connection.subscriber = true;
        this.subscribers.add(connection);
        break;
      }
      offset += 4 + length;
      count++;
    }
    connection.rest = offset < data.length && !connection.subscriber ? Buffer.from(data.subarray(offset)) : undefined;
    if (count === 0) return;
    this.staged.push(data.subarray(0, offset));
    this.stagedBytes += offset;
    this.stagedCounts.set(connection, (this.stagedCounts.get(connection) ?? 0) + count);
    if (this.stagedBytes > STAGED_MAX) {
      connection.socket.pause();
      this.paused.add(connection);
    }
    if (!this.writing) {
      // Wait for the rest of this event-loop turn: every connection's reads join the first group.
      this.writing = true;
      setImmediate(() => void this.commit());
    }
  }

  forget(connection: Connection): void {
    this.paused.delete(connection);
    this.subscribers.delete(connection);
  }

  /** Writes staged groups until none is left; answers each connection after its group is durable. */
  private async commit(): Promise<void> {
    try {
      while (this.staged.length > 0) {
        const buffers = this.staged;
        const bytes = this.stagedBytes;
        const counts = this.stagedCounts;
        this.staged = [];
        this.stagedBytes = 0;
        this.stagedCounts = new Map();
        await this.writeAll(buffers, bytes);
        if (this.sync) await this.file.datasync();
        this.forward(buffers);
        for (const [connection, count] of counts) {
          const answer = Buffer.allocUnsafe(4);
          answer.writeUInt32BE(count, 0);
          if (!connection.socket.destroyed) connection.socket.write(answer);
        }
        if (this.stagedBytes <= STAGED_MAX) this.resumeAll();
      }
    } catch (error) {
      process.stderr.write(`append-log: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    } finally {
      this.writing = false;
    }
  }

  /** Sends a written group to every subscriber, in one writev each. */
  private forward(buffers: readonly Buffer[]): void {
    for (const { socket } of this.subscribers) {
      if (socket.writableLength > STAGED_MAX) socket.destroy(new Error(`subscriber over ${STAGED_MAX} bytes behind`));
      if (socket.destroyed) continue;
      socket.cork();
      for (const buffer of buffers) socket.write(buffer);
      socket.uncork();
    }
  }

  private async writeAll(buffers: Buffer[], bytes: number): Promise<void> {
    let written = (await this.file.writev(buffers)).bytesWritten;
    // A short write is rare on a regular file; finish it from where it stopped.
    while (written < bytes) written += (await this.file.write(Buffer.concat(buffers).subarray(written))).bytesWritten;
  }

  private resumeAll(): void {
    for (const connection of this.paused) connection.socket.resume();
    this.paused.clear();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, dir: { type: 'string' }, sync: { type: 'boolean', default: false } } });
  if (values.dir === undefined) throw new Error('--dir <folder> is required');
  const file = await open(join(values.dir, 'append.log'), 'a');
  const log = new GroupCommitLog(file, values.sync === true);
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    const connection: Connection = { socket, rest: undefined, subscriber: false };
    socket.on('data', (chunk: Buffer) => log.receive(connection, chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => log.forget(connection));
  });
  server.listen(Number(values.port), '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`append-log listening on port ${typeof address === 'object' && address !== null ? address.port : '?'}${values.sync === true ? ' (fdatasync per group)' : ''}\n`);
  });
  const stop = (): void => {
    server.close();
    void file.close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`append-log: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
