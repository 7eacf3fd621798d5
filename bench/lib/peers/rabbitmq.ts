/**
 * rabbitmq.ts: RabbitMQ (Debian's rabbitmq-server) as a bench:peers peer: a quorum queue per
 * topic, publisher confirms (a send is acknowledged by its confirm), consumers with manual acks and
 * a prefetch of 1,000. The node gets its own name, ports, epmd port, config, cookie and Mnesia
 * folder under the run's temp folder, so it never meets a system RabbitMQ.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import amqp from 'amqplib';
import { freePort, onStopAll, startServer } from '../processes.js';
import type { Completion, MessagingSystem, Publisher, Subscription } from '../workload.js';
import { closeAll, debianVersion, type Peer, type RunningPeer } from './peer.js';

const SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server';
const QUEUE = { durable: true, arguments: { 'x-queue-type': 'quorum' } };

/** A connection whose errors are reported, not thrown from an 'error' event (the workload sees the failures). */
async function open(url: string, closers: (() => Promise<unknown>)[]): Promise<amqp.ChannelModel> {
  const connection = await amqp.connect(url);
  connection.on('error', (error: Error) => process.stderr.write(`rabbitmq connection: ${error.message}\n`));
  closers.push(() => connection.close());
  return connection;
}

function system(url: string, closers: (() => Promise<unknown>)[]): MessagingSystem {
  return {
    name: 'rabbitmq',
    async publisher(topic: string): Promise<Publisher> {
      const connection = await open(url, closers);
      const channel = await connection.createConfirmChannel();
      channel.on('error', (error: Error) => process.stderr.write(`rabbitmq channel: ${error.message}\n`));
      await channel.assertQueue(topic, QUEUE);
      return {
        send(body: Buffer, completion: Completion): void {
          channel.publish('', topic, body, { persistent: true }, completion.callback);
        },
        close: () => connection.close().catch(() => undefined),
      };
    },
    async subscribe(topic: string, _fromStart: boolean, onMessage: (body: Buffer) => void): Promise<Subscription> {
      const connection = await open(url, closers);
      const channel = await connection.createChannel();
      channel.on('error', (error: Error) => process.stderr.write(`rabbitmq channel: ${error.message}\n`));
      await channel.assertQueue(topic, QUEUE);
      await channel.prefetch(1000);
      await channel.consume(topic, (message) => {
        if (message === null) return;
        onMessage(message.content);
        channel.ack(message);
      });
      return { close: () => connection.close().catch(() => undefined) };
    },
  };
}

async function start(dir: string): Promise<RunningPeer> {
  const [port, distPort, epmdPort] = [await freePort(), await freePort(), await freePort()];
  await writeFile(join(dir, 'rabbitmq.conf'), `listeners.tcp.1 = 127.0.0.1:${port}\nloopback_users = none\n`);
  await writeFile(join(dir, 'enabled_plugins'), '[].\n');
  await writeFile(join(dir, 'rabbitmq-env.conf'), '');
  const env = {
    HOME: dir,
    RABBITMQ_NODENAME: `bench${process.pid}@localhost`,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    ERL_EPMD_PORT: String(epmdPort),
    ERL_EPMD_ADDRESS: '127.0.0.1',
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_PID_FILE: join(dir, 'rabbitmq.pid'),
  };
  // epmd daemonizes out of the server's process group; ask ours (on its own port) to go.
  const stopEpmd = (): Promise<unknown> => promisify(execFile)('epmd', ['-kill'], { env: { ...process.env, ERL_EPMD_PORT: String(epmdPort) } }).catch(() => undefined);
  const forget = onStopAll(stopEpmd);
  const ready = /Starting broker\.\.\. completed|Server startup complete/;
  const server = await startServer({ name: 'rabbitmq', command: SERVER, args: [], dir, env, ready, timeoutMs: 120_000 }).catch(async (error: unknown) => {
    await stopEpmd();
    throw error;
  });
  const closers: (() => Promise<unknown>)[] = [];
  return {
    system: system(`amqp://guest:guest@127.0.0.1:${port}`, closers),
    pid: await beamPid(dir, server.pid),
    bootMs: server.bootMs,
    stop: async () => {
      await closeAll(closers);
      await server.stop();
      await stopEpmd();
      forget();
    },
  };
}

/** The Erlang VM's pid (RABBITMQ_PID_FILE), whose RSS is the server's; the script's pid if absent. */
async function beamPid(dir: string, fallback: number): Promise<number> {
  const text = await readFile(join(dir, 'rabbitmq.pid'), 'utf8').catch(() => '');
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : fallback;
}

export const rabbitmq: Peer = {
  name: 'rabbitmq',
  label: 'RabbitMQ, quorum queue, publisher confirms, manual acks (prefetch 1,000)',
  debianPackage: 'rabbitmq-server',
  workloads: 'all',
  start,
  version: async () => (await debianVersion('rabbitmq-server')) ?? 'not installed',
};
