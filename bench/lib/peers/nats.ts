/**
 * nats.ts: NATS JetStream (Debian's nats-server, -js) as a bench:peers peer: a stream on file
 * storage per topic, js.publish() (a send is acknowledged by its PubAck), durable pull consumers
 * with explicit acks read through consumer.consume() (1,000 messages buffered).
 */
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { AckPolicy, DeliverPolicy, StorageType, connect, type NatsConnection } from 'nats';
import { freePort, startServer } from '../processes.js';
import type { Completion, MessagingSystem, Publisher, Subscription } from '../workload.js';
import { closeAll, type Peer, type RunningPeer } from './peer.js';

let consumers = 0;

async function ensureStream(connection: NatsConnection, topic: string): Promise<void> {
  const manager = await connection.jetstreamManager();
  try {
    await manager.streams.info(topic);
  } catch {
    await manager.streams.add({ name: topic, subjects: [topic], storage: StorageType.File });
  }
}

function system(servers: string, closers: (() => Promise<unknown>)[]): MessagingSystem {
  return {
    name: 'nats',
    async publisher(topic: string): Promise<Publisher> {
      const connection = await connect({ servers });
      closers.push(() => connection.close());
      await ensureStream(connection, topic);
      const stream = connection.jetstream();
      return {
        send(body: Buffer, completion: Completion): void {
          stream.publish(topic, body).then(completion.ok, completion.fail);
        },
        close: () => connection.close(),
      };
    },
    async subscribe(topic: string, fromStart: boolean, onMessage: (body: Buffer) => void): Promise<Subscription> {
      const connection = await connect({ servers });
      closers.push(() => connection.close());
      await ensureStream(connection, topic);
      consumers++;
      const durable = `bench${consumers}`;
      const manager = await connection.jetstreamManager();
      await manager.consumers.add(topic, { durable_name: durable, ack_policy: AckPolicy.Explicit, deliver_policy: fromStart ? DeliverPolicy.All : DeliverPolicy.New });
      const consumer = await connection.jetstream().consumers.get(topic, durable);
      const messages = await consumer.consume({ max_messages: 1000 });
      const loop = (async () => {
        for await (const message of messages) {
          const data = message.data;
          onMessage(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
          message.ack();
        }
      })().catch((error: unknown) => process.stderr.write(`nats subscriber: ${error instanceof Error ? error.message : String(error)}\n`));
      return {
        close: async () => {
          messages.stop();
          await loop;
          await connection.close();
        },
      };
    },
  };
}

async function start(dir: string): Promise<RunningPeer> {
  const port = await freePort();
  const server = await startServer({
    name: 'nats-server',
    command: 'nats-server',
    args: ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', join(dir, 'jetstream')],
    dir,
    ready: /Server is ready/,
  });
  const closers: (() => Promise<unknown>)[] = [];
  return {
    system: system(`127.0.0.1:${port}`, closers),
    pid: server.pid,
    bootMs: server.bootMs,
    stop: async () => {
      await closeAll(closers);
      await server.stop();
    },
  };
}

export const nats: Peer = {
  name: 'nats',
  label: 'NATS JetStream, file storage, PubAck per publish, explicit acks',
  debianPackage: 'nats-server',
  workloads: 'all',
  start,
  version: async () => {
    const { stdout } = await promisify(execFile)('nats-server', ['--version']).catch(() => ({ stdout: 'not installed' }));
    return stdout.trim();
  },
};
