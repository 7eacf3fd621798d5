/**
 * append-log.ts: the client of bench/append-log-server.ts and its bench:peers entries (no fsync
 * per group, the ceiling for ASYNC_FLUSH; fdatasync per group, the ceiling for SYNC_FLUSH).
 * Publishing only: the server has no read side. Sends written in one tick leave in one writev
 * (corked until the next tick); answers ([count: u32 BE]) complete the oldest pending sends.
 */
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { startServer, freePort } from '../processes.js';
import type { Completion, MessagingSystem, Publisher, Subscription } from '../workload.js';
import { ROOT } from './ours.js';
import type { Peer, RunningPeer } from './peer.js';

class AppendLogPublisher implements Publisher {
  private readonly pending: Completion[] = [];
  private head = 0;
  private corked = false;
  private partial: Buffer | undefined;

  constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.answered(chunk));
    socket.on('close', () => this.failAll(new Error('append-log connection closed')));
    socket.on('error', () => undefined);
  }

  send(body: Buffer, completion: Completion): void {
    if (this.socket.destroyed) {
      completion.fail(new Error('append-log connection closed'));
      return;
    }
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    const header = Buffer.allocUnsafe(4);
    header.writeUInt32BE(body.length, 0);
    this.socket.write(header);
    this.socket.write(body);
    this.pending.push(completion);
  }

  private answered(chunk: Buffer): void {
    const data = this.partial === undefined ? chunk : Buffer.concat([this.partial, chunk]);
    let offset = 0;
    for (; data.length - offset >= 4; offset += 4) {
      const count = data.readUInt32BE(offset);
      for (let index = 0; index < count && this.head < this.pending.length; index++) this.pending[this.head++]!.ok();
    }
    this.partial = offset < data.length ? data.subarray(offset) : undefined;
    if (this.head > 4096 && this.head * 2 > this.pending.length) {
      this.pending.splice(0, this.head);
      this.head = 0;
    }
  }

  private failAll(error: Error): void {
    while (this.head < this.pending.length) this.pending[this.head++]!.fail(error);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.socket.end(() => resolve());
      this.socket.destroySoon();
    });
  }
}

function system(port: number): MessagingSystem {
  return {
    name: 'append-log',
    publisher: (_topic: string) =>
      new Promise<Publisher>((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port, noDelay: true }, () => {
          socket.off('error', reject);
          resolve(new AppendLogPublisher(socket));
        });
        socket.once('error', reject);
      }),
    subscribe: (): Promise<Subscription> => Promise.reject(new Error('the append-log server has no read side')),
  };
}

function appendLogPeer(sync: boolean): Peer {
  return {
    name: sync ? 'append-log-sync' : 'append-log',
    label: `Node.js append-only log with group commit (bench/append-log-server.ts)${sync ? ', fdatasync per group' : ', no fsync'}`,
    workloads: 'publish',
    async start(dir: string): Promise<RunningPeer> {
      const port = await freePort();
      const args = [join(ROOT, 'dist-bench/bench/append-log-server.js'), '--port', String(port), '--dir', dir, ...(sync ? ['--sync'] : [])];
      const server = await startServer({ name: 'append-log', command: process.execPath, args, dir, ready: /append-log listening/ });
      return { system: system(port), pid: server.pid, bootMs: server.bootMs, stop: () => server.stop() };
    },
    version: async () => `Node ${process.version}`,
  };
}

export const appendLog = appendLogPeer(false);
export const appendLogSync = appendLogPeer(true);
