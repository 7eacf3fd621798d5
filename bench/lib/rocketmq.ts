/**
 * rocketmq.ts: the workload seam over our client SDK (the package root, src/index.ts), so the
 * same code measures our broker and Apache RocketMQ behind any NameServer.
 *
 * A publisher is one Producer (its own instanceName); modes: async (the send's promise is the
 * acknowledgement), oneway (acknowledged once handed to the connection). A subscription is a
 * PushConsumer of a fresh group, from the first offset or the last one; returning SUCCESS is the
 * acknowledgement (offsets are committed by the client, as RocketMQ's).
 */
import { ConsumeResult, Producer, PushConsumer } from '../../src/index.js';
import { AdminClient, runMqadmin } from '../../src/admin/index.js';
import { createLogger } from '../../src/log/index.js';
import type { Completion, MessagingSystem, Publisher, Subscription } from './workload.js';

export type SendMode = 'async' | 'oneway';

let instances = 0;

function uniqueName(prefix: string): string {
  instances++;
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${instances}`;
}

// Errors only: a send retried under overload would print a warning per message.
const logger = createLogger({ destination: 2, level: process.env['LOG_LEVEL'] ?? 'error' });

class RocketMQPublisher implements Publisher {
  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
    private readonly mode: SendMode,
  ) {}

  send(body: Buffer, completion: Completion): void {
    if (this.mode === 'oneway') this.producer.sendOneway({ topic: this.topic, body }).then(completion.ok, completion.fail);
    else this.producer.send({ topic: this.topic, body }).then(completion.ok, completion.fail);
  }

  close(): Promise<void> {
    return this.producer.shutdown();
  }
}

export interface RocketMQOptions {
  readonly namesrvAddr: string;
  readonly mode?: SendMode;
  /** PushConsumer pullBatchSize (RocketMQ's default: 32). */
  readonly pullBatchSize?: number;
  readonly name?: string;
  /** Create topics up front on every master of this cluster (mqadmin updateTopic) instead of on the first send. */
  readonly cluster?: string;
  /** Read and write queues of a topic created up front (mqadmin's default: 8). */
  readonly queues?: number;
  /** Producer autoBatch (RocketMQ 5's ProduceAccumulator, defaults: 32 KiB or 10 ms a batch). */
  readonly autoBatch?: boolean;
}

/** mqadmin updateTopic -c <cluster>, then waits until the name server routes the topic. */
async function createTopic(options: RocketMQOptions, cluster: string, topic: string): Promise<void> {
  const queues = String(options.queues ?? 8);
  let output = '';
  const io = { stdout: (text: string) => (output += text), stderr: (text: string) => (output += text), env: {}, logger };
  const status = await runMqadmin(['updateTopic', '-n', options.namesrvAddr, '-c', cluster, '-t', topic, '-r', queues, '-w', queues], io);
  if (status !== 0) throw new Error(`mqadmin updateTopic ${topic}: ${output.trim()}`);
  const admin = new AdminClient(options.namesrvAddr.split(';'), logger);
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const routed = await admin.topicRoute(topic).then((route) => route.queueDatas.length > 0, () => false);
      if (routed) return;
      if (Date.now() > deadline) throw new Error(`the name server has no route of ${topic} 30 s after updateTopic`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await admin.close();
  }
}

export function rocketmqSystem(options: RocketMQOptions): MessagingSystem {
  return {
    name: options.name ?? 'rocketmq',
    ...(options.cluster === undefined ? {} : { prepare: (topic: string) => createTopic(options, options.cluster!, topic) }),
    async publisher(topic: string): Promise<Publisher> {
      const producer = new Producer({
        groupName: uniqueName('PID_bench'),
        instanceName: uniqueName('bench'),
        namesrvAddr: options.namesrvAddr,
        autoBatch: options.autoBatch ?? false,
        logger,
      });
      await producer.start();
      return new RocketMQPublisher(producer, topic, options.mode ?? 'async');
    },
    async subscribe(topic: string, fromStart: boolean, onMessage: (body: Buffer) => void): Promise<Subscription> {
      const consumer = new PushConsumer({
        groupName: uniqueName('GID_bench'),
        instanceName: uniqueName('bench'),
        namesrvAddr: options.namesrvAddr,
        consumeFromWhere: fromStart ? 'CONSUME_FROM_FIRST_OFFSET' : 'CONSUME_FROM_LAST_OFFSET',
        pullBatchSize: options.pullBatchSize ?? 32,
        logger,
      });
      consumer.subscribe(topic, '*');
      consumer.onMessage((messages) => {
        for (const message of messages) onMessage(message.body);
        return ConsumeResult.SUCCESS;
      });
      await consumer.start();
      return { close: () => consumer.shutdown() };
    },
  };
}
