/**
 * client-interop.test.ts: our client and ali-ons (the real pure-JS RocketMQ 4.x client from npm)
 * on one broker, both ways: what our Producer sends an ali-ons Consumer reads (bodies, tags, keys,
 * user properties, zlib bodies, offset msgIds), and what an ali-ons Producer sends our PushConsumer
 * reads.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Consumer, Message as OnsMessage, Producer as OnsProducer, type ClientOptions, type OnsLogger } from 'ali-ons';
import type { RemotingClient } from '../../src/remoting/index.js';
import { Message, Producer, type SendResult } from '../../src/index.js';
import { adminClient, createTopic, startBroker, startNamesrv, waitFor, type TestBroker, type TestNamesrv } from '../harness/cluster.js';
import { collect, FAST_CLIENT, shutdownCollectors } from '../harness/client.js';

const quietLogger: OnsLogger = { info() {}, debug() {}, warn() {}, error() {} };
// ali-ons' scheduled tasks sleep their whole interval even after close(): short intervals let the process exit.
const FAST_ONS = { rebalanceInterval: 500, persistConsumerOffsetInterval: 500, heartbeatBrokerInterval: 1000, pollNameServerInteval: 1000 };

let namesrv: TestNamesrv;
let broker: TestBroker;
let admin: RemotingClient;
let instance = 0;

function onsOptions(): ClientOptions {
  instance++;
  return { ...FAST_ONS, httpclient: {}, nameSrv: namesrv.address, logger: quietLogger, instanceName: `interop-${process.pid}-${instance}` };
}

const LARGE = 'z'.repeat(10 * 1024);

describe('client interop with ali-ons', { timeout: 120_000 }, () => {
  before(async () => {
    admin = adminClient();
    namesrv = await startNamesrv();
    broker = await startBroker({ namesrvAddr: namesrv.address });
    // ali-ons' process-wide internal producer reports a new group's missing %RETRY% route as an
    // error event (expected here); create it first so it has a listener.
    const warm = new OnsProducer({ ...onsOptions(), producerGroup: 'PID_interop_warm' });
    warm.on('error', () => undefined);
    await warm.ready();
    OnsProducer.defaultProducer?.on('error', () => undefined);
    await warm.close();
  });

  after(async () => {
    await shutdownCollectors();
    // ali-ons starts one internal producer per process and never closes it on its own.
    await OnsProducer.defaultProducer?.close();
    OnsProducer.defaultProducer = null;
    await admin.close();
    await broker.stop(true);
    await namesrv.stop();
  });

  test('interop - our producer, an ali-ons consumer: bodies, tags, keys, properties, compressed bodies', async () => {
    const topic = 'InteropToOns';
    await createTopic(admin, broker.address, namesrv.address, topic, 4);
    const producer = new Producer({ ...FAST_CLIENT, groupName: 'PID_interop_ours', namesrvAddr: namesrv.address });
    await producer.start();
    const sent = new Map<string, SendResult>();
    for (let index = 0; index < 40; index++) {
      const body = index === 8 ? LARGE : `ours ${index}`;
      const result = await producer.send(new Message({ topic, tags: index % 2 === 0 ? 'TagA' : 'TagB', keys: [`key-${index}`, 'common'], body, properties: { index: String(index) } }));
      sent.set(String(index), result);
    }
    await producer.shutdown();
    const received: OnsMessage[] = [];
    const consumer = new Consumer({ ...onsOptions(), consumerGroup: 'GID_interop_ons', consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
    consumer.on('error', () => undefined);
    consumer.subscribe(topic, 'TagA', async (message) => void received.push(message));
    await waitFor(() => received.length >= 20, 'the 20 TagA messages at ali-ons');
    await consumer.close();
    for (const message of received) {
      const index = message.properties['index'] ?? '';
      const result = sent.get(index);
      assert.ok(result, `message ${index} was one of ours`);
      assert.equal(message.body.toString(), index === '8' ? LARGE : `ours ${index}`);
      assert.equal(message.tags, 'TagA');
      assert.equal(message.keys, `key-${index} common`);
      assert.equal(message.msgId, result.offsetMsgId, 'ali-ons msgId is the broker\'s offset id');
      assert.equal(message.properties['UNIQ_KEY'], result.msgId);
    }
    assert.ok(received.some((message) => message.properties['index'] === '8'), 'the compressed body arrived');
  });

  test('interop - an ali-ons producer, our consumer: bodies, tags, keys, msgIds', async () => {
    const topic = 'InteropFromOns';
    await createTopic(admin, broker.address, namesrv.address, topic, 4);
    const producer = new OnsProducer({ ...onsOptions(), producerGroup: 'PID_interop_ons' });
    producer.on('error', () => undefined);
    await producer.ready();
    const offsetIds = new Map<string, string>();
    for (let index = 0; index < 40; index++) {
      const message = new OnsMessage(topic, 'TagA', index === 5 ? LARGE : `ons ${index}`);
      message.keys = [`key-${index}`];
      offsetIds.set(index === 5 ? LARGE : `ons ${index}`, (await producer.send(message)).msgId);
    }
    await producer.close();
    const collector = await collect(namesrv.address, 'GID_interop_ours', topic, { expression: 'TagA || TagB' });
    await collector.waitForCount(40);
    await collector.consumer.shutdown();
    for (const message of collector.received) {
      const body = message.body.toString();
      assert.ok(offsetIds.has(body), `a body ali-ons sent: ${body.slice(0, 20)}`);
      assert.equal(message.offsetMsgId, offsetIds.get(body));
      assert.equal(message.tags, 'TagA');
      assert.match(message.keys ?? '', /^key-\d+$/);
      assert.equal(message.topic, topic);
    }
    assert.ok(collector.received.some((message) => message.body.toString() === LARGE), 'ali-ons\' zlib body arrived inflated');
  });
});
