/**
 * client-producer.test.ts: our Producer against an in-process NameServer and Broker: every send
 * mode (sync, pipelined async, oneway, batch, selector, explicit queue), compression both ways,
 * the size check, topics auto-created from TBW102, namespaces, retries on another broker, and the
 * send timeout against a broker that never answers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MessageSysFlag } from '../../src/message/index.js';
import { RequestCode, ResponseCode } from '../../src/protocol/index.js';
import type { RemotingClient } from '../../src/remoting/index.js';
import { ClientErrorCode, Message, MQClientError, Producer, selectMessageQueueByHash, type SendResult } from '../../src/index.js';
import { createTopic, startNamesrv, waitFor, type TestBroker, type TestNamesrv } from '../harness/cluster.js';
import { collect, FAST_CLIENT, startClientCluster, type ClientCluster } from '../harness/client.js';
import { startFakeServer } from '../harness/fake-server.js';

let namesrv: TestNamesrv;
let broker: TestBroker;
let admin: RemotingClient;
let producer: Producer;
let cluster: ClientCluster;

async function rejection(promise: Promise<unknown>): Promise<MQClientError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof MQClientError, `an MQClientError, not ${String(error)}`);
    return error;
  }
  assert.fail('no error');
}

describe('client producer', { timeout: 120_000 }, () => {
  before(async () => {
    cluster = await startClientCluster('PID_modes');
    ({ namesrv, broker, admin, producer } = cluster);
  });

  after(() => cluster.stop());

  test('producer - sync send answers SEND_OK with the UNIQ_KEY as msgId and the broker\'s offset id', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'SyncTopic', 4);
    const results: SendResult[] = [];
    for (let index = 0; index < 8; index++) results.push(await producer.send(new Message({ topic: 'SyncTopic', tags: 'TagA', keys: `k${index}`, body: `sync ${index}` })));
    for (const result of results) {
      assert.equal(result.sendStatus, 'SEND_OK');
      assert.match(result.msgId, /^[0-9A-F]{32}$/);
      assert.match(result.offsetMsgId, /^[0-9A-F]{32}$/);
      assert.equal(result.messageQueue.topic, 'SyncTopic');
      assert.equal(result.messageQueue.brokerName, 'broker-a');
    }
    assert.equal(new Set(results.map((result) => result.messageQueue.queueId)).size, 4, 'round robin over the four queues');
    const collector = await collect(namesrv.address, 'GID_sync', 'SyncTopic');
    await collector.waitForCount(8);
    await collector.consumer.shutdown();
    const byId = new Map(collector.received.map((message) => [message.msgId, message]));
    for (const [index, result] of results.entries()) {
      const message = byId.get(result.msgId);
      assert.equal(message?.body.toString(), `sync ${index}`);
      assert.equal(message?.offsetMsgId, result.offsetMsgId);
      assert.equal(message?.queueOffset, result.queueOffset);
      assert.equal(message?.tags, 'TagA');
      assert.equal(message?.keys, `k${index}`);
      assert.equal(message?.topic, 'SyncTopic');
    }
  });

  test('producer - both header encodings (serializeType JSON and ROCKETMQ) send, route and consume alike', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'SerializeTopic', 2);
    const jsonProducer = new Producer({ ...FAST_CLIENT, groupName: 'PID_json', namesrvAddr: namesrv.address, serializeType: 'JSON' });
    await jsonProducer.start();
    try {
      const sent = [];
      for (let index = 0; index < 4; index++) {
        sent.push(await jsonProducer.send(new Message({ topic: 'SerializeTopic', keys: `j${index}`, body: `json ${index}` })));
        sent.push(await producer.send(new Message({ topic: 'SerializeTopic', keys: `r${index}`, body: `binary ${index}`, properties: { note: 'ünïcödé 值' } })));
      }
      assert.ok(sent.every((result) => result.sendStatus === 'SEND_OK'));
      const collector = await collect(namesrv.address, 'GID_serialize_json', 'SerializeTopic', { serializeType: 'JSON' });
      await collector.waitForCount(8);
      await collector.consumer.shutdown();
      assert.deepEqual(new Set(collector.bodies()), new Set([0, 1, 2, 3].flatMap((index) => [`json ${index}`, `binary ${index}`])));
      const binary = collector.received.filter((message) => message.keys?.startsWith('r') === true);
      assert.deepEqual(binary.map((message) => message.properties['note']), Array.from({ length: 4 }, () => 'ünïcödé 值'));
    } finally {
      await jsonProducer.shutdown();
    }
  });

  test('producer - 2,000 async sends in flight at once all land, each at its own offset', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'AsyncTopic', 4);
    // The in-process broker shares this event loop: give the burst time, the test is about pipelining.
    const results = await Promise.all(Array.from({ length: 2000 }, (_, index) => producer.send({ topic: 'AsyncTopic', body: `async ${index}` }, { timeoutMs: 30_000 })));
    assert.ok(results.every((result) => result.sendStatus === 'SEND_OK'));
    const slots = new Set(results.map((result) => `${result.messageQueue.queueId}:${result.queueOffset}`));
    assert.equal(slots.size, 2000, 'no two messages share a queue offset');
    const collector = await collect(namesrv.address, 'GID_async', 'AsyncTopic');
    await collector.waitForCount(2000);
    await collector.consumer.shutdown();
    assert.deepEqual(new Set(collector.bodies()), new Set(results.map((_, index) => `async ${index}`)));
  });

  test('producer - oneway sends arrive without an answer', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'OnewayTopic', 2);
    for (let index = 0; index < 20; index++) await producer.sendOneway(new Message({ topic: 'OnewayTopic', body: `oneway ${index}` }));
    const collector = await collect(namesrv.address, 'GID_oneway', 'OnewayTopic');
    await collector.waitForCount(20);
    await collector.consumer.shutdown();
    assert.deepEqual(new Set(collector.bodies()), new Set(Array.from({ length: 20 }, (_, index) => `oneway ${index}`)));
  });

  test('producer - a batch is one SEND_BATCH_MESSAGE; each message keeps its own id, tags and body', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'BatchTopic', 4);
    const messages = Array.from({ length: 50 }, (_, index) => new Message({ topic: 'BatchTopic', tags: index % 2 === 0 ? 'even' : 'odd', body: `batch ${index}` }));
    const result = await producer.sendBatch(messages);
    assert.equal(result.sendStatus, 'SEND_OK');
    const ids = result.msgId.split(',');
    assert.equal(ids.length, 50);
    assert.deepEqual(ids, messages.map((message) => message.msgId));
    const collector = await collect(namesrv.address, 'GID_batch', 'BatchTopic', { expression: 'even' });
    await collector.waitForCount(25);
    await collector.consumer.shutdown();
    for (const message of collector.received) {
      const index = ids.indexOf(message.msgId);
      assert.equal(message.body.toString(), `batch ${index}`);
      assert.equal(index % 2, 0);
      assert.equal(message.queueId, result.messageQueue.queueId, 'a batch goes to one queue');
    }
    await assert.rejects(producer.sendBatch([new Message({ topic: 'BatchTopic', body: 'a' }), new Message({ topic: 'Other', body: 'b' })]), /same/);
    await assert.rejects(producer.sendBatch([new Message({ topic: 'BatchTopic', body: 'a', delayLevel: 2 })]), /TimeDelayLevel is not supported/);
  });

  test('producer - a selector by sharding key pins each key to one queue, in send order', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'OrderTopic', 8);
    const selector = selectMessageQueueByHash((message) => message.keys ?? '');
    const queuesByKey = new Map<string, Set<number>>();
    for (let index = 0; index < 60; index++) {
      const key = `order-${index % 6}`;
      const result = await producer.send(new Message({ topic: 'OrderTopic', keys: key, body: `${key}:${index}` }), { selector });
      queuesByKey.set(key, (queuesByKey.get(key) ?? new Set()).add(result.messageQueue.queueId));
    }
    for (const [key, queues] of queuesByKey) assert.equal(queues.size, 1, `${key} went to one queue`);
    const queues = await producer.fetchPublishMessageQueues('OrderTopic');
    assert.equal(queues.length, 8);
    assert.equal([...(queuesByKey.get('order-0') ?? [])][0], selector(queues, new Message({ topic: 'OrderTopic', keys: 'order-0', body: 'x' })).queueId);
    const collector = await collect(namesrv.address, 'GID_order', 'OrderTopic');
    await collector.waitForCount(60);
    await collector.consumer.shutdown();
    for (const key of queuesByKey.keys()) {
      const ofKey = collector.received.filter((message) => message.keys === key).sort((a, b) => a.queueOffset - b.queueOffset);
      const sequence = ofKey.map((message) => Number(message.body.toString().split(':')[1]));
      assert.deepEqual(sequence, [...sequence].sort((a, b) => a - b), `${key} in send order by queue offset`);
    }
  });

  test('producer - an explicit queue gets the message; a queue of another topic is refused', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'QueueTopic', 4);
    const result = await producer.send({ topic: 'QueueTopic', body: 'to queue 2' }, { queue: { topic: 'QueueTopic', brokerName: 'broker-a', queueId: 2 } });
    assert.equal(result.messageQueue.queueId, 2);
    const error = await rejection(producer.send({ topic: 'QueueTopic', body: 'x' }, { queue: { topic: 'OtherTopic', brokerName: 'broker-a', queueId: 0 } }));
    assert.match(error.remark, /topic not equal/);
    assert.equal(error.retriable, false);
  });

  test('producer - bodies from compressMsgBodyOverHowmuch on are stored zlib-compressed and arrive whole', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'ZipTopic', 1);
    const small = Buffer.from('s'.repeat(100));
    const medium = Buffer.from('m'.repeat(5 * 1024));
    const large = Buffer.alloc(200 * 1024, 'large body ');
    for (const body of [small, medium, large]) await producer.send({ topic: 'ZipTopic', body });
    const collector = await collect(namesrv.address, 'GID_zip', 'ZipTopic');
    await collector.waitForCount(3);
    await collector.consumer.shutdown();
    const [first, second, third] = [...collector.received].sort((a, b) => a.queueOffset - b.queueOffset);
    assert.ok(first && second && third);
    assert.equal(first.sysFlag & MessageSysFlag.COMPRESSED_FLAG, 0, 'below the threshold: not compressed');
    assert.equal(second.sysFlag & 0x301, 0x301, 'compressed, type ZLIB');
    assert.equal(third.sysFlag & 0x301, 0x301);
    assert.ok(second.body.equals(medium) && third.body.equals(large) && first.body.equals(small));
    assert.ok(third.bodyCRC !== 0);
  });

  test('producer - a body over maxMessageSize is refused before sending; empty bodies too', async () => {
    const error = await rejection(producer.send({ topic: 'ZipTopic', body: Buffer.alloc(4 * 1024 * 1024 + 1) }));
    assert.equal(error.code, ResponseCode.MESSAGE_ILLEGAL);
    assert.equal(error.retriable, false);
    assert.match(error.remark, /over max value, MAX: 4194304/);
    assert.equal((await rejection(producer.send({ topic: 'ZipTopic', body: '' }))).code, ResponseCode.MESSAGE_ILLEGAL);
    assert.match((await rejection(producer.send({ topic: 'bad topic!', body: 'x' }))).remark, /illegal characters|outside/);
    assert.match((await rejection(producer.send({ topic: 'SCHEDULE_TOPIC_XXXX', body: 'x' }))).remark, /forbidden/);
  });

  test('producer - a topic without a route is created from TBW102 on the first send', async () => {
    const result = await producer.send({ topic: 'AutoCreated', body: 'first' });
    assert.equal(result.sendStatus, 'SEND_OK');
    assert.ok(result.messageQueue.queueId < 4, 'defaultTopicQueueNums caps the new topic');
    await waitFor(async () => (await producer.fetchPublishMessageQueues('AutoCreated')).length > 0, 'the route of the new topic');
  });

  test('producer - a namespace prefixes topics and groups on the wire and nowhere else', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'ns1%NsTopic', 2);
    const nsProducer = new Producer({ ...FAST_CLIENT, groupName: 'PID_ns', namesrvAddr: namesrv.address, namespace: 'ns1' });
    await nsProducer.start();
    const result = await nsProducer.send({ topic: 'NsTopic', body: 'namespaced' });
    await nsProducer.shutdown();
    assert.equal(result.messageQueue.topic, 'NsTopic');
    const raw = await collect(namesrv.address, 'GID_ns_raw', 'ns1%NsTopic');
    await raw.waitForCount(1);
    await raw.consumer.shutdown();
    assert.equal(raw.received[0]?.msgId, result.msgId);
    const namespaced = await collect(namesrv.address, 'GID_ns', 'NsTopic', { namespace: 'ns1' });
    await namespaced.waitForCount(1);
    await namespaced.consumer.shutdown();
    assert.equal(namespaced.received[0]?.topic, 'NsTopic');
  });

  test('producer - no name server and no route are typed errors', async () => {
    assert.throws(() => new Producer({ groupName: 'PID_x', namesrvAddr: '' }), (error: unknown) => error instanceof MQClientError && error.code === ClientErrorCode.NO_NAME_SERVER_EXCEPTION);
    const lonely = await startNamesrv();
    const orphan = new Producer({ ...FAST_CLIENT, groupName: 'PID_orphan', namesrvAddr: lonely.address });
    await orphan.start();
    const error = await rejection(orphan.send({ topic: 'Nowhere', body: 'x' }));
    assert.equal(error.code, ClientErrorCode.NOT_FOUND_TOPIC_EXCEPTION);
    await orphan.shutdown();
    await lonely.stop();
    await assert.rejects(orphan.send({ topic: 'Nowhere', body: 'x' }), /state not OK/);
  });

  test('producer - a broker that never answers: the send fails at sendMsgTimeout, retriable', async () => {
    const stalled = await startFakeServer((request) => {
      if (request.code === RequestCode.SEND_MESSAGE_V2) return undefined;
      if (request.code !== RequestCode.GET_ROUTEINFO_BY_TOPIC) return {};
      return {
        body: Buffer.from(JSON.stringify({
          brokerDatas: [{ brokerAddrs: { '0': stalled.address }, brokerName: 'stalled', cluster: 'C' }],
          filterServerTable: {},
          queueDatas: [{ brokerName: 'stalled', perm: 6, readQueueNums: 1, topicSysFlag: 0, writeQueueNums: 1 }],
        })),
      };
    });
    const slow = new Producer({ ...FAST_CLIENT, groupName: 'PID_stalled', namesrvAddr: stalled.address, sendMsgTimeout: 300 });
    await slow.start();
    // Route and connection first: then each send is written at once, before its deadline can pass.
    await slow.fetchPublishMessageQueues('Stalled');
    const sends = Array.from({ length: 100 }, (_, index) => rejection(slow.send({ topic: 'Stalled', body: `x${index}` })));
    const errors = await Promise.all(sends);
    for (const error of errors) {
      assert.equal(error.code, ClientErrorCode.ACCESS_BROKER_TIMEOUT);
      assert.equal(error.retriable, true);
    }
    assert.equal(stalled.of(RequestCode.SEND_MESSAGE_V2).length, 100, 'one attempt each: the deadline ended them');
    await slow.shutdown();
    await stalled.stop();
  });

  test('producer - a dead name server first in namesrvAddr: routes come from the next one', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'FailoverTopic', 1);
    // Each client starts at a random name server: eight of them all but surely try the dead one first.
    for (let client = 0; client < 8; client++) {
      const failover = new Producer({ ...FAST_CLIENT, groupName: 'PID_failover', namesrvAddr: `127.0.0.1:1;${namesrv.address}` });
      await failover.start();
      assert.equal((await failover.send({ topic: 'FailoverTopic', body: `f${client}` })).sendStatus, 'SEND_OK');
      await failover.shutdown();
    }
  });
});
