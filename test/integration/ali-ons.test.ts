/**
 * ali-ons.test.ts: the real pure-JS RocketMQ 4.x client from npm, unmodified, against our
 * NameServer and Broker started in-process: produce, consume with tag filtering, clustering and
 * broadcasting, and resuming from committed offsets across a broker restart.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Consumer, Message, Producer, type ClientOptions, type OnsLogger } from 'ali-ons';
import {
  OffsetResponseHeader,
  QueryConsumerOffsetRequestHeader,
  RequestCode,
  ResponseCode,
  GetMaxOffsetRequestHeader,
} from '../../src/protocol/index.js';
import type { RemotingClient } from '../../src/remoting/index.js';
import { adminClient, createTopic, startBroker, startNamesrv, waitFor, type TestBroker, type TestNamesrv } from '../harness/cluster.js';

const errors: unknown[] = [];
const quietLogger: OnsLogger = {
  info() {},
  debug() {},
  warn() {},
  error(...args: unknown[]) {
    errors.push(args);
  },
};

// ali-ons' scheduled tasks sleep their whole interval even after close(), so short intervals also let
// the test process exit promptly.
const FAST = { rebalanceInterval: 500, persistConsumerOffsetInterval: 500, heartbeatBrokerInterval: 1000, pollNameServerInteval: 1000 };

let namesrv: TestNamesrv;
let broker: TestBroker;
let admin: RemotingClient;
let instance = 0;

function clientOptions(): ClientOptions {
  instance++;
  return { ...FAST, httpclient: {}, nameSrv: namesrv.address, logger: quietLogger, instanceName: `test-${process.pid}-${instance}` };
}

async function startProducer(group: string): Promise<Producer> {
  const producer = new Producer({ ...clientOptions(), producerGroup: group });
  producer.on('error', (error) => errors.push(error));
  await producer.ready();
  return producer;
}

interface Received {
  readonly index: number;
  readonly message: Message;
}

function startConsumer(group: string, topic: string, expression: string, into: Received[], extra: { isBroadcast?: boolean } = {}): Consumer {
  const consumer = new Consumer({ ...clientOptions(), ...extra, consumerGroup: group, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
  consumer.on('error', (error) => errors.push(error));
  consumer.subscribe(topic, expression, async (message) => {
    into.push({ index: (JSON.parse(message.body.toString()) as { index: number }).index, message });
  });
  return consumer;
}

async function queryOffset(brokerAddr: string, group: string, topic: string, queueId: number): Promise<number> {
  const extFields = QueryConsumerOffsetRequestHeader.encode({ consumerGroup: group, topic, queueId, setZeroIfNotFound: false });
  const response = await admin.invoke(brokerAddr, { code: RequestCode.QUERY_CONSUMER_OFFSET, extFields }, 3000);
  return response.code === ResponseCode.SUCCESS ? OffsetResponseHeader.decode(response.extFields).offset : -1;
}

async function maxOffset(brokerAddr: string, topic: string, queueId: number): Promise<number> {
  const response = await admin.invoke(brokerAddr, { code: RequestCode.GET_MAX_OFFSET, extFields: GetMaxOffsetRequestHeader.encode({ topic, queueId }) }, 3000);
  assert.equal(response.code, ResponseCode.SUCCESS);
  return OffsetResponseHeader.decode(response.extFields).offset;
}

function tagOf(index: number): string {
  return ['TagA', 'TagB', 'TagC', ''][index % 4] ?? '';
}

describe('ali-ons interop', { timeout: 300_000 }, () => {
  before(async () => {
    admin = adminClient();
    namesrv = await startNamesrv();
    broker = await startBroker({ namesrvAddr: namesrv.address });
  });

  after(async () => {
    // ali-ons starts one internal producer per process and never closes it on its own.
    await Producer.defaultProducer?.close();
    Producer.defaultProducer = null;
    await admin.close();
    await broker.stop(true);
    await namesrv.stop();
  });

  test('ali-ons - 1,000 tagged messages, consumed by TagA || TagB with bodies, keys and msgIds intact', async () => {
    const topic = 'AliOnsTags';
    await createTopic(admin, broker.address, namesrv.address, topic, 4);
    const producer = await startProducer('PID_tags');
    const sent = new Map<number, string>();
    for (let index = 0; index < 1000; index++) {
      const message = new Message(topic, tagOf(index), JSON.stringify({ index }));
      message.keys = [`key-${index}`, `order-${index % 7}`];
      const result = await producer.send(message);
      assert.equal(result.sendStatus, 'SEND_OK');
      sent.set(index, result.msgId);
    }
    const received: Received[] = [];
    const consumer = startConsumer('GID_tags', topic, 'TagA || TagB', received);
    const expected = [...sent.keys()].filter((index) => index % 4 < 2);
    await waitFor(() => received.length >= expected.length, 'TagA and TagB messages');
    // The consumer has pulled past every message (its offsets reach the end of each queue), so
    // anything of another tag would have arrived by now.
    await waitFor(async () => {
      for (let queueId = 0; queueId < 4; queueId++) {
        if ((await queryOffset(broker.address, 'GID_tags', topic, queueId)) < (await maxOffset(broker.address, topic, queueId))) return false;
      }
      return true;
    }, 'committed offsets at the end of every queue');
    await consumer.close();
    await producer.close();
    assert.deepEqual(received.map((r) => r.index).sort((a, b) => a - b), expected);
    for (const { index, message } of received) {
      assert.equal(message.tags, tagOf(index));
      assert.equal(message.keys, `key-${index} order-${index % 7}`);
      assert.equal(message.msgId, sent.get(index), `msgId of message ${index}`);
      assert.equal(message.topic, topic);
    }
  });

  test('ali-ons - two clustering consumers of one group split the queues', async () => {
    const topic = 'AliOnsSplit';
    await createTopic(admin, broker.address, namesrv.address, topic, 4);
    const first: Received[] = [];
    const second: Received[] = [];
    const consumers = [startConsumer('GID_split', topic, '*', first), startConsumer('GID_split', topic, '*', second)];
    const queuesOf = (consumer: Consumer): string[] => [...consumer.processQueueTable.keys()].filter((key) => key.includes(`"${topic}"`));
    await waitFor(() => {
      const [a, b] = consumers.map(queuesOf);
      return a && b && a.length > 0 && b.length > 0 && a.length + b.length === 4 && !a.some((key) => b.includes(key));
    }, 'both consumers to own queues');
    const producer = await startProducer('PID_split');
    for (let index = 0; index < 200; index++) await producer.send(new Message(topic, 'TagA', JSON.stringify({ index })));
    await waitFor(() => new Set([...first, ...second].map((r) => r.index)).size === 200, 'all 200 messages');
    await Promise.all(consumers.map((consumer) => consumer.close()));
    await producer.close();
    const queues = (list: Received[]): Set<number> => new Set(list.map((r) => r.message.queueId));
    assert.ok(first.length > 0 && second.length > 0, 'each consumer got messages');
    assert.deepEqual([...queues(first)].filter((queueId) => queues(second).has(queueId)), [], 'no queue went to both');
  });

  test('ali-ons - a broadcasting pair each get every message', async () => {
    const topic = 'AliOnsBroadcast';
    await createTopic(admin, broker.address, namesrv.address, topic, 4);
    const first: Received[] = [];
    const second: Received[] = [];
    const consumers = [
      startConsumer('GID_broadcast', topic, '*', first, { isBroadcast: true }),
      startConsumer('GID_broadcast', topic, '*', second, { isBroadcast: true }),
    ];
    const queuesOf = (consumer: Consumer): number => [...consumer.processQueueTable.keys()].filter((key) => key.includes(`"${topic}"`)).length;
    await waitFor(() => consumers.every((consumer) => queuesOf(consumer) === 4), 'both consumers to read all 4 queues');
    const producer = await startProducer('PID_broadcast');
    for (let index = 0; index < 100; index++) await producer.send(new Message(topic, 'TagA', JSON.stringify({ index })));
    const all = (list: Received[]): number => new Set(list.map((r) => r.index)).size;
    await waitFor(() => all(first) === 100 && all(second) === 100, 'every message at both consumers');
    await Promise.all(consumers.map((consumer) => consumer.close()));
    await producer.close();
  });

  test('ali-ons - a consumer resumes from its committed offset after a broker restart', async () => {
    let restarting = await startBroker({ namesrvAddr: namesrv.address, brokerName: 'broker-restart' });
    const port = restarting.broker.port;
    const storeDir = restarting.storeDir;
    const topic = 'AliOnsRestart';
    try {
      await createTopic(admin, restarting.address, namesrv.address, topic, 4);
      const producer = await startProducer('PID_restart');
      for (let index = 0; index < 400; index++) await producer.send(new Message(topic, 'TagA', JSON.stringify({ index })));
      const before: Received[] = [];
      const consumer = startConsumer('GID_restart', topic, '*', before);
      await waitFor(() => before.length >= 150, 'some messages consumed');
      await consumer.close();
      const committed: number[] = [];
      const maxOffsets: number[] = [];
      for (let queueId = 0; queueId < 4; queueId++) {
        committed.push(await queryOffset(restarting.address, 'GID_restart', topic, queueId));
        maxOffsets.push(await maxOffset(restarting.address, topic, queueId));
      }
      await restarting.stop();
      restarting = await startBroker({ namesrvAddr: namesrv.address, brokerName: 'broker-restart', storeDir, listenPort: port });
      for (let queueId = 0; queueId < 4; queueId++) {
        assert.equal(await maxOffset(restarting.address, topic, queueId), maxOffsets[queueId], `max offset of queue ${queueId} after restart`);
        assert.equal(await queryOffset(restarting.address, 'GID_restart', topic, queueId), committed[queueId], `committed offset of queue ${queueId}`);
      }
      for (let index = 400; index < 600; index++) await producer.send(new Message(topic, 'TagA', JSON.stringify({ index })));
      const afterRestart: Received[] = [];
      const resumed = startConsumer('GID_restart', topic, '*', afterRestart);
      await waitFor(() => new Set([...before, ...afterRestart].map((r) => r.index)).size === 600, 'every message consumed once at least');
      await resumed.close();
      await producer.close();
      assert.ok(committed.some((offset) => offset > 0), 'the first consumer committed progress somewhere');
      for (let queueId = 0; queueId < 4; queueId++) {
        const offsets = afterRestart.filter((r) => r.message.queueId === queueId).map((r) => r.message.queueOffset);
        // A queue the first consumer never reached has no committed offset: it starts at 0 (FIRST_OFFSET).
        const expected = Math.max(committed[queueId] ?? -1, 0);
        assert.equal(Math.min(...offsets), expected, `queue ${queueId} resumed at its committed offset`);
      }
    } finally {
      await restarting.stop(true);
    }
  });
});
