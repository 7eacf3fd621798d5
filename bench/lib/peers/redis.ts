/**
 * redis.ts: Redis Streams (Debian's redis-server) as a bench:peers peer: XADD per message (a send
 * is acknowledged by the reply; ioredis pipelines pending commands, autopipelining on), consumer
 * groups read with XREADGROUP (COUNT 1,000, BLOCK) and acknowledged with one XACK per batch.
 * appendonly yes with appendfsync everysec, or always for the SYNC comparison; no RDB snapshots.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort, startServer } from '../processes.js';
import type { Completion, MessagingSystem, Publisher, Subscription } from '../workload.js';
import { closeAll, debianVersion, type Peer, type RunningPeer } from './peer.js';

type Entries = [Buffer, [Buffer, Buffer[]][]][] | null;

let groups = 0;

/** A connection; autopipelining for publishers (blocking reads have a connection of their own). */
function client(port: number, closers: (() => Promise<unknown>)[], enableAutoPipelining: boolean): Redis {
  const redis = new Redis({ host: '127.0.0.1', port, enableAutoPipelining, maxRetriesPerRequest: 1 });
  closers.push(() => redis.quit());
  return redis;
}

function system(port: number, closers: (() => Promise<unknown>)[]): MessagingSystem {
  return {
    name: 'redis',
    async publisher(topic: string): Promise<Publisher> {
      const redis = client(port, closers, true);
      return {
        send(body: Buffer, completion: Completion): void {
          redis.xadd(topic, '*', 'b', body).then(completion.ok, completion.fail);
        },
        close: () => redis.quit().then(() => undefined, () => undefined),
      };
    },
    async subscribe(topic: string, fromStart: boolean, onMessage: (body: Buffer) => void): Promise<Subscription> {
      const redis = client(port, closers, false);
      const read = redis.xreadgroupBuffer.bind(redis) as unknown as (...args: string[]) => Promise<Entries>;
      groups++;
      const group = `bench${groups}`;
      await redis.xgroup('CREATE', topic, group, fromStart ? '0' : '$', 'MKSTREAM');
      let open = true;
      let failure: unknown;
      const loop = (async () => {
        while (open) {
          const reply = await read('GROUP', group, 'c', 'COUNT', '1000', 'BLOCK', '200', 'STREAMS', topic, '>');
          const entries = reply?.[0]?.[1];
          if (entries === undefined || entries.length === 0) continue;
          const ids: Buffer[] = [];
          for (const [id, fields] of entries) {
            ids.push(id);
            const body = fields[1];
            if (body !== undefined) onMessage(body);
          }
          await redis.xack(topic, group, ...ids);
        }
      })().catch((error: unknown) => {
        // The workload sees a stalled count; the reason is printed once.
        if (open) process.stderr.write(`redis subscriber: ${error instanceof Error ? error.message : String(error)}\n`);
        failure = error;
      });
      return {
        close: async () => {
          open = false;
          await loop;
          await redis.quit().catch(() => undefined);
          if (failure !== undefined && !(failure instanceof Error && /Connection is closed/.test(failure.message))) throw failure;
        },
      };
    },
  };
}

function redisPeer(fsync: 'everysec' | 'always'): Peer {
  return {
    name: `redis-${fsync}`,
    label: `Redis Streams, appendonly yes, appendfsync ${fsync}`,
    debianPackage: 'redis-server',
    workloads: fsync === 'everysec' ? 'all' : 'publish',
    async start(dir: string): Promise<RunningPeer> {
      const port = await freePort();
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', fsync, '--save', '', '--daemonize', 'no'];
      const server = await startServer({ name: 'redis-server', command: 'redis-server', args, dir, ready: /Ready to accept connections/ });
      const closers: (() => Promise<unknown>)[] = [];
      return {
        system: system(port, closers),
        pid: server.pid,
        bootMs: server.bootMs,
        stop: async () => {
          await closeAll(closers);
          await server.stop();
        },
      };
    },
    version: async () => {
      const { stdout } = await promisify(execFile)('redis-server', ['--version']).catch(() => ({ stdout: '' }));
      return (/v=(\S+)/.exec(stdout)?.[1] ?? (await debianVersion('redis-server'))) ?? 'not installed';
    },
  };
}

export const redisEverysec = redisPeer('everysec');
export const redisAlways = redisPeer('always');
