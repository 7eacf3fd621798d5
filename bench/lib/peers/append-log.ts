/**
 * append-log.ts: the client of bench/append-log-server.ts and its bench:peers entries (no fsync
 * per group, the ceiling for ASYNC_FLUSH; fdatasync per group, the ceiling for SYNC_FLUSH).
 * Sends written in one tick leave in one writev (corked until the next tick); answers
 * ([count: u32 BE]) complete the oldest pending sends. A subscriber gets what is written from its
 * subscription on, as the server writes it (no backlog: no drain workload).
 */
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { startServer, freePort } from '../processes.js';
import type { Completion, MessagingSystem, Publisher, Subscription } from '../workload.js';
import { ROOT } from './ours.js';
import type { Peer, RunningPeer } from './peer.js';

/** Ends the connection once what was written has left. */
function closeSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    socket.end(() => resolve());
    socket.destroySoon();
  });
}

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
    return closeSocket(this.socket);
  }
}

/** Delivers the records the server forwards ([length: u32 BE][body]) to onMessage. */
class AppendLogSubscription implements Subscription {
  private partial: Buffer | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly onMessage: (body: Buffer) => void,
  ) {
    socket.on('data', (chunk: Buffer) => this.received(chunk));
    socket.on('error', () => undefined);
    socket.write(Buffer.alloc(4)); // An empty record: subscribe.
  }

  private received(chunk: Buffer): void {
    const data = this.partial === undefined ? chunk : Buffer.concat([this.partial, chunk]);
    let offset = 0;
    while (data.length - offset >= 4) {
      const length = data.readUInt32BE(offset);
      if (data.length - offset - 4 < length) break;
      this.onMessage(data.subarray(offset + 4, offset + 4 + length));
      offset += 4 + length;
    }
    this.partial = offset < data.length ? data.subarray(offset) : undefined;
  }

  close(): Promise<void> {
    return closeSocket(this.socket);
  }
}

const connected = <T>(port: number, wrap: (socket: Socket) => T): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, noDelay: true }, () => {
      socket.off('error', reject);
      resolve(wrap(socket));
    });
    socket.once('error', reject);
  });

function system(port: number): MessagingSystem {
  return {
    name: 'append-log',
    publisher: (_topic: string): Promise<Publisher> => connected(port, (socket) => new AppendLogPublisher(socket)),
    subscribe: (_topic: string, fromStart: boolean, onMessage: (body: Buffer) => void): Promise<Subscription> =>
      fromStart ? Promise.reject(new Error('the append-log server keeps no backlog to read from the start')) : connected(port, (socket) => new AppendLogSubscription(socket, onMessage)),
  };
}

function appendLogPeer(sync: boolean): Peer {
  return {
    name: sync ? 'append-log-sync' : 'append-log',
    label: `Node.js append-only log with group commit (bench/append-log-server.ts)${sync ? ', fdatasync per group' : ', no fsync; subscribers get each group as it is written'}`,
    workloads: sync ? 'publish' : 'publish+latency',
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
