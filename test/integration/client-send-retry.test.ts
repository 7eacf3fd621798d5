/**
 * client-send-retry.test.ts: the producer's retry rules (DefaultMQProducerImpl.sendDefaultImpl)
 * against a scripted server that plays the name server and two brokers (b1, b2, one address):
 * a retriable broker code moves the send to the other broker, a non-retriable one ends it at
 * once, retries end after retryTimesWhenSendFailed with the attempts listed, and a stored-but-not-
 * flushed answer is retried only with retryAnotherBrokerWhenNotStoreOK.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RequestCode, ResponseCode, type RemotingCommand } from '../../src/protocol/index.js';
import { MQClientError, Producer } from '../../src/index.js';
import { FAST_CLIENT } from '../harness/client.js';
import { startFakeServer, type FakeAnswer, type FakeServer } from '../harness/fake-server.js';

const TOPIC = 'RetryTopic';

/** What the next SEND_MESSAGE_V2 gets: a response code per attempt, in order (then SUCCESS). */
let script: number[] = [];

function routeOf(address: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      brokerDatas: ['b1', 'b2'].map((brokerName) => ({ brokerAddrs: { '0': address }, brokerName, cluster: 'C' })),
      filterServerTable: {},
      queueDatas: ['b1', 'b2'].map((brokerName) => ({ brokerName, perm: 6, readQueueNums: 1, topicSysFlag: 0, writeQueueNums: 1 })),
    }),
  );
}

function answer(request: RemotingCommand, address: string, sent: number): FakeAnswer {
  if (request.code === RequestCode.GET_ROUTEINFO_BY_TOPIC) return { body: routeOf(address) };
  if (request.code !== RequestCode.SEND_MESSAGE_V2) return {};
  const code = script.shift() ?? ResponseCode.SUCCESS;
  const stored = code === ResponseCode.SUCCESS || code === ResponseCode.FLUSH_DISK_TIMEOUT;
  if (!stored) return { code, remark: `refused with ${code}` };
  return { code, extFields: { msgId: '7F00000100002A9F0000000000000000', queueId: '0', queueOffset: String(sent) } };
}

async function rejection(promise: Promise<unknown>): Promise<MQClientError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof MQClientError, String(error));
    return error;
  }
  assert.fail('expected the send to fail');
}

describe('producer retries', () => {
  let server: FakeServer;
  let sends = 0;
  const brokersOfSends = (from: number): string[] => server.of(RequestCode.SEND_MESSAGE_V2).slice(from).map((request) => request.extFields['n'] ?? '?');

  before(async () => {
    server = await startFakeServer((request) => answer(request, server.address, sends++));
  });
  after(async () => {
    await server.stop();
  });

  async function withProducer(options: { retryAnotherBrokerWhenNotStoreOK?: boolean }, body: (producer: Producer) => Promise<void>): Promise<void> {
    const producer = new Producer({ ...FAST_CLIENT, groupName: 'PID_retry', namesrvAddr: server.address, sendLatencyFaultEnable: false, ...options });
    await producer.start();
    try {
      await producer.fetchPublishMessageQueues(TOPIC);
      await body(producer);
    } finally {
      await producer.shutdown();
    }
  }

  test('a retriable broker code moves the send to the other broker', async () => {
    await withProducer({}, async (producer) => {
      const from = server.of(RequestCode.SEND_MESSAGE_V2).length;
      script = [ResponseCode.SYSTEM_BUSY];
      const result = await producer.send({ topic: TOPIC, body: 'x' });
      const brokers = brokersOfSends(from);
      assert.equal(result.sendStatus, 'SEND_OK');
      assert.equal(brokers.length, 2);
      assert.notEqual(brokers[0], brokers[1], 'the second attempt avoids the broker that just failed');
      assert.equal(result.messageQueue.brokerName, brokers[1]);
    });
  });

  test('retries end after retryTimesWhenSendFailed, naming every attempt; the last code is the error code', async () => {
    await withProducer({}, async (producer) => {
      const from = server.of(RequestCode.SEND_MESSAGE_V2).length;
      script = [ResponseCode.SYSTEM_ERROR, ResponseCode.SYSTEM_BUSY, ResponseCode.SERVICE_NOT_AVAILABLE];
      const error = await rejection(producer.send({ topic: TOPIC, body: 'x' }));
      assert.equal(brokersOfSends(from).length, 3, 'one send and retryTimesWhenSendFailed (2) retries');
      assert.equal(error.code, ResponseCode.SERVICE_NOT_AVAILABLE);
      assert.match(error.remark, /^Send \[3\] times, still failed, cost \[\d+\]ms, Topic: RetryTopic, BrokersSent: \[b[12], b[12], b[12]\]: refused with 14/);
    });
  });

  test('a non-retriable broker code ends the send at once', async () => {
    await withProducer({}, async (producer) => {
      const from = server.of(RequestCode.SEND_MESSAGE_V2).length;
      script = [ResponseCode.MESSAGE_ILLEGAL];
      const error = await rejection(producer.send({ topic: TOPIC, body: 'x' }));
      assert.equal(error.code, ResponseCode.MESSAGE_ILLEGAL);
      assert.equal(brokersOfSends(from).length, 1);
      assert.equal(script.length, 0);
    });
  });

  test('FLUSH_DISK_TIMEOUT is an answer; retried on another broker only with retryAnotherBrokerWhenNotStoreOK', async () => {
    await withProducer({}, async (producer) => {
      const from = server.of(RequestCode.SEND_MESSAGE_V2).length;
      script = [ResponseCode.FLUSH_DISK_TIMEOUT];
      assert.equal((await producer.send({ topic: TOPIC, body: 'x' })).sendStatus, 'FLUSH_DISK_TIMEOUT');
      assert.equal(brokersOfSends(from).length, 1);
    });
    await withProducer({ retryAnotherBrokerWhenNotStoreOK: true }, async (producer) => {
      let from = server.of(RequestCode.SEND_MESSAGE_V2).length;
      script = [ResponseCode.FLUSH_DISK_TIMEOUT];
      assert.equal((await producer.send({ topic: TOPIC, body: 'x' })).sendStatus, 'SEND_OK');
      assert.equal(brokersOfSends(from).length, 2);
      from = server.of(RequestCode.SEND_MESSAGE_V2).length;
      script = [ResponseCode.FLUSH_DISK_TIMEOUT, ResponseCode.FLUSH_DISK_TIMEOUT, ResponseCode.FLUSH_DISK_TIMEOUT];
      assert.equal((await producer.send({ topic: TOPIC, body: 'x' })).sendStatus, 'FLUSH_DISK_TIMEOUT', 'the last not-stored-OK answer when every attempt gave one');
      assert.equal(brokersOfSends(from).length, 3);
    });
  });

  test('an explicit queue gets one attempt, whatever the code', async () => {
    await withProducer({}, async (producer) => {
      const from = server.of(RequestCode.SEND_MESSAGE_V2).length;
      script = [ResponseCode.SYSTEM_BUSY];
      const error = await rejection(producer.send({ topic: TOPIC, body: 'x' }, { queue: { topic: TOPIC, brokerName: 'b2', queueId: 0 } }));
      assert.equal(error.code, ResponseCode.SYSTEM_BUSY);
      assert.deepEqual(brokersOfSends(from), ['b2']);
    });
  });
});
