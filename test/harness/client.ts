/**
 * client.ts: helpers for tests of our client SDK against the in-process cluster: a push consumer
 * that collects what it receives, and quiet, fast options (short intervals, so a test waits for
 * rebalances and commits in milliseconds rather than Java's seconds). Nothing here asserts.
 */
import { ConsumeResult, Message, Producer, PushConsumer, type MessageExt, type PushConsumerOptions, type SubscriptionExpression } from '../../src/index.js';
import { testLogger } from '../../src/log/index.js';
import type { RemotingClient } from '../../src/remoting/index.js';
import { adminClient, startBroker, startNamesrv, waitFor, type TestBroker, type TestNamesrv } from './cluster.js';

export const FAST_CLIENT = {
  pollNameServerInterval: 500,
  heartbeatBrokerInterval: 1000,
  persistConsumerOffsetInterval: 200,
  logger: testLogger(),
} as const;

export interface Collector {
  readonly consumer: PushConsumer;
  readonly received: MessageExt[];
  /** Waits until `count` distinct msgIds have arrived. */
  waitForCount(count: number, what?: string): Promise<void>;
  bodies(): string[];
}

/** Every consumer `collect` started in this test file, for shutdownCollectors. */
const collectors = new Set<PushConsumer>();

/**
 * Shuts down every consumer `collect` started and has not seen shut down (shutdown is idempotent):
 * call it first in after(), so a test that failed before its own shutdown does not leave a consumer
 * polling and the test file never ending.
 */
export async function shutdownCollectors(): Promise<void> {
  const open = [...collectors];
  collectors.clear();
  await Promise.allSettled(open.map((consumer) => consumer.shutdown()));
}

/** Starts a push consumer of `topic` that records every message and answers SUCCESS. */
export async function collect(
  namesrvAddr: string,
  group: string,
  topic: string,
  options: Partial<PushConsumerOptions> & { expression?: SubscriptionExpression } = {},
): Promise<Collector> {
  const { expression, ...rest } = options;
  const consumer = new PushConsumer({ ...FAST_CLIENT, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', rebalanceInterval: 1000, ...rest, groupName: group, namesrvAddr });
  const received: MessageExt[] = [];
  consumer.subscribe(topic, expression ?? '*');
  consumer.onMessage((messages) => {
    received.push(...messages);
    return ConsumeResult.SUCCESS;
  });
  collectors.add(consumer);
  await consumer.start();
  return {
    consumer,
    received,
    async waitForCount(count, what = `${count} messages`) {
      await waitFor(() => new Set(received.map((message) => message.msgId)).size >= count, what);
    },
    bodies: () => received.map((message) => message.body.toString()),
  };
}

/** A name server, a broker, an admin connection and a started producer, for SDK and mqadmin tests. */
export interface ClientCluster {
  readonly namesrv: TestNamesrv;
  readonly broker: TestBroker;
  readonly admin: RemotingClient;
  readonly producer: Producer;
  /** Sends `count` messages with bodies `${prefix}0`, `${prefix}1`, ... one after another. */
  sendAll(topic: string, count: number, prefix: string): Promise<void>;
  /** Shuts down collect()'s consumers, the producer and the admin connection, then both servers. */
  stop(): Promise<void>;
}

/** Starts a ClientCluster whose broker has `conf` and whose producer is of `producerGroup`. */
export async function startClientCluster(producerGroup: string, conf: Readonly<Record<string, string>> = {}): Promise<ClientCluster> {
  const admin = adminClient();
  const namesrv = await startNamesrv();
  const broker = await startBroker({ namesrvAddr: namesrv.address, conf });
  const producer = new Producer({ ...FAST_CLIENT, groupName: producerGroup, namesrvAddr: namesrv.address });
  await producer.start();
  return {
    namesrv,
    broker,
    admin,
    producer,
    async sendAll(topic, count, prefix) {
      for (let index = 0; index < count; index++) await producer.send(new Message({ topic, body: `${prefix}${index}` }));
    },
    async stop() {
      await shutdownCollectors();
      await producer.shutdown();
      await admin.close();
      await broker.stop(true);
      await namesrv.stop();
    },
  };
}
