/**
 * ali-ons-retry.test.ts: the real pure-JS RocketMQ 4.x client from npm, unmodified, against our
 * NameServer and Broker (short delay levels, "1s 1s 1s ..."): a failing handler sees its message
 * again through CONSUMER_SEND_MSG_BACK and %RETRY%<group>, past maxReconsumeTimes the message is in
 * %DLQ%<group> where another consumer can read it, our re-send request puts it back on its
 * original topic, and broadcasting consumers leave no offsets on the broker.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Consumer, Message, Producer, type ClientOptions, type OnsLogger } from 'ali-ons';
import { ResponseCode, SendMessageResponseHeader } from '../../src/protocol/index.js';
import type { RemotingClient } from '../../src/remoting/index.js';
import { adminClient, createTopic, startBroker, startNamesrv, waitFor, type TestBroker, type TestNamesrv } from '../harness/cluster.js';
import { queryConsumerOffset } from '../harness/broker-requests.js';
import { resendDeadLetter } from '../harness/retry-requests.js';

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
  return { ...FAST, httpclient: {}, nameSrv: namesrv.address, logger: quietLogger, instanceName: `retry-${process.pid}-${instance}` };
}

async function startProducer(group: string): Promise<Producer> {
  const producer = new Producer({ ...clientOptions(), producerGroup: group });
  producer.on('error', (error) => errors.push(error));
  await producer.ready();
  return producer;
}

interface Delivery {
  readonly topic: string;
  readonly body: string;
  readonly reconsumeTimes: number;
  readonly msgId: string;
  readonly properties: Readonly<Record<string, string>>;
}

function delivery(message: Message): Delivery {
  return {
    topic: message.topic,
    body: message.body.toString(),
    reconsumeTimes: message.reconsumeTimes,
    msgId: message.msgId,
    properties: { ...message.properties },
  };
}

function startConsumer(
  group: string,
  topic: string,
  handler: (message: Message) => Promise<unknown>,
  extra: { isBroadcast?: boolean; maxReconsumeTimes?: number } = {},
): Consumer {
  const consumer = new Consumer({ ...clientOptions(), ...extra, consumerGroup: group, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
  consumer.on('error', (error) => errors.push(error));
  consumer.subscribe(topic, '*', handler);
  return consumer;
}

describe('ali-ons retry interop', { timeout: 300_000 }, () => {
  before(async () => {
    admin = adminClient();
    namesrv = await startNamesrv();
    broker = await startBroker({ namesrvAddr: namesrv.address, conf: { messageDelayLevel: '1s 1s 1s 1s 1s 1s 1s 1s' } });
  });

  after(async () => {
    // ali-ons starts one internal producer per process and never closes it on its own.
    await Producer.defaultProducer?.close();
    Producer.defaultProducer = null;
    await admin.close();
    await broker.stop(true);
    await namesrv.stop();
  });

  test('ali-ons - a handler that throws sees its message again with reconsumeTimes 1 and its original topic', async () => {
    const topic = 'OnsRetryOnce';
    await createTopic(admin, broker.address, namesrv.address, topic, 2);
    const producer = await startProducer('PID_ons_retry_once');
    const deliveries: Delivery[] = [];
    const consumer = startConsumer('GID_ons_retry_once', topic, async (message) => {
      deliveries.push(delivery(message));
      if (message.reconsumeTimes === 0) throw new Error('first attempt fails on purpose');
    });
    const sent = await producer.send(new Message(topic, 'TagR', 'retry me'));
    await waitFor(() => deliveries.length >= 2, 'the message once more');
    await consumer.close();
    await producer.close();
    const [first, second] = deliveries as [Delivery, Delivery];
    assert.equal(first.reconsumeTimes, 0);
    assert.equal(first.msgId, sent.msgId);
    assert.equal(second.topic, topic, 'the retry comes back under the original topic');
    assert.equal(second.body, 'retry me');
    assert.equal(second.reconsumeTimes, 1);
    assert.equal(second.properties['RETRY_TOPIC'], topic);
    assert.equal(second.properties['ORIGIN_MESSAGE_ID'], sent.msgId);
    assert.equal(second.properties['TAGS'], 'TagR');
    assert.equal(deliveries.length, 2, 'consumed once it succeeded');
  });

  test('ali-ons - a message failing past maxReconsumeTimes lands in %DLQ%group, readable by a consumer; re-sent, it is consumed again', async () => {
    const topic = 'OnsDead';
    const group = 'GID_ons_dead';
    await createTopic(admin, broker.address, namesrv.address, topic, 1);
    const deliveries: Delivery[] = [];
    let failing = true;
    // ali-ons honours ACTION_RETRY only for messages of the original topic: its wrapper for the
    // %RETRY% subscription drops the handler's return value. Retries fail by throwing instead.
    const consumer = startConsumer(
      group,
      topic,
      async (message) => {
        deliveries.push(delivery(message));
        if (!failing) return undefined;
        if (message.reconsumeTimes === 0) return Consumer.ACTION_RETRY;
        throw new Error(`attempt ${message.reconsumeTimes} fails on purpose`);
      },
      { maxReconsumeTimes: 2 },
    );
    const producer = await startProducer('PID_ons_dead');
    const sent = await producer.send(new Message(topic, 'TagD', 'doomed'));
    await waitFor(() => deliveries.length >= 3, 'the first delivery and two retries');

    const dead: Delivery[] = [];
    const dlqReader = startConsumer('GID_ons_dlq_reader', `%DLQ%${group}`, async (message) => {
      dead.push(delivery(message));
    });
    await waitFor(() => dead.length >= 1, 'the dead letter at a consumer of the DLQ');
    await dlqReader.close();
    assert.deepEqual(deliveries.map((d) => d.reconsumeTimes), [0, 1, 2], 'no retry after maxReconsumeTimes');
    const [letter] = dead as [Delivery];
    assert.equal(letter.body, 'doomed');
    assert.equal(letter.reconsumeTimes, 3);
    assert.equal(letter.properties['RETRY_TOPIC'], topic);
    assert.equal(letter.properties['ORIGIN_MESSAGE_ID'], sent.msgId);

    failing = false;
    const response = await resendDeadLetter(admin, broker.address, { msgId: letter.msgId });
    assert.equal(response.code, ResponseCode.SUCCESS, response.remark);
    const resent = SendMessageResponseHeader.decode(response.extFields);
    await waitFor(() => deliveries.length >= 4, 'the re-sent message at the consumer');
    await consumer.close();
    await producer.close();
    const again = deliveries[3];
    assert.ok(again);
    assert.equal(again.topic, topic);
    assert.equal(again.body, 'doomed');
    assert.equal(again.reconsumeTimes, 0, 'with all its retries back');
    assert.equal(again.msgId, resent.msgId);
    assert.equal(deliveries.length, 4);
  });

  test('ali-ons - broadcasting consumers each get every message and the broker keeps no offsets for them', async () => {
    const topic = 'OnsBroadcastOffsets';
    const group = 'GID_ons_broadcast_offsets';
    await createTopic(admin, broker.address, namesrv.address, topic, 2);
    const first: string[] = [];
    const second: string[] = [];
    const consumers = [
      startConsumer(group, topic, async (message) => void first.push(message.body.toString()), { isBroadcast: true }),
      startConsumer(group, topic, async (message) => void second.push(message.body.toString()), { isBroadcast: true }),
    ];
    const producer = await startProducer('PID_ons_broadcast_offsets');
    for (let index = 0; index < 20; index++) await producer.send(new Message(topic, 'TagB', `b${index}`));
    await waitFor(() => new Set(first).size === 20 && new Set(second).size === 20, 'every message at both consumers');
    await Promise.all(consumers.map((consumer) => consumer.close()));
    await producer.close();
    for (let queueId = 0; queueId < 2; queueId++) {
      const response = await queryConsumerOffset(admin, broker.address, group, topic, queueId, false);
      assert.equal(response.code, ResponseCode.QUERY_NOT_FOUND, `no broker offset for queue ${queueId}`);
    }
  });
});
