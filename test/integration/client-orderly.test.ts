/**
 * client-orderly.test.ts: our orderly PushConsumer against an in-process NameServer and Broker.
 *
 * Ordered messages go to eight queues by a selector on their sharding key (Java's hash); one
 * orderly consumer consumes them while a second joins and later leaves, and the producer keeps
 * sending throughout. What is asserted, per key, over the listener calls in the order they began:
 * - nothing is lost: every message sent is consumed;
 * - each key starts at its first message, and a call is either the key's next message or, only
 *   where the key's queue changed hands (the calls are by different clients), a replay from the
 *   group's committed offset (an earlier message). That is what Java's orderly consumer allows at a
 *   rebalance; it never skips ahead;
 * - two clients never consume the same queue at the same time (the broker locks);
 * and at the end nobody holds a lock: shutdown gave them back (the broker's locks last 60 s, so a
 * third client locking every queue at once proves it).
 *
 * A second test: SUSPEND_CURRENT_QUEUE_A_MOMENT (and a thrown error) consume the same message
 * again in place, later messages of the queue wait; past maxReconsumeTimes the message is in the
 * group's DLQ and the queue moves on; the committed offset covers exactly what was consumed.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { decodeLockBatchResponse, encodeLockBatchRequest, QueryConsumerOffsetResponseHeader, RequestCode, ResponseCode } from '../../src/protocol/index.js';
import type { RemotingClient } from '../../src/remoting/index.js';
import { ConsumeResult, Message, Producer, PushConsumer, selectMessageQueueByHash, type MessageExt } from '../../src/index.js';
import { decodeRecords, pullMessage, queryConsumerOffset } from '../harness/broker-requests.js';
import { adminClient, createTopic, startBroker, startNamesrv, waitFor, type TestBroker, type TestNamesrv } from '../harness/cluster.js';
import { FAST_CLIENT } from '../harness/client.js';

const TOPIC = 'OrderlyTopic';
const GROUP = 'GID_orderly';
/** startBroker's default broker name. */
const BROKER_NAME = 'broker-a';
const KEYS = Array.from({ length: 16 }, (_, index) => `order-${index}`);
let namesrv: TestNamesrv;
let broker: TestBroker;
let admin: RemotingClient;
/** Clients a test started; stopped after each test even when it failed (shutdown twice is harmless). */
const started: { shutdown(): Promise<void> }[] = [];

interface Delivery {
  readonly key: string;
  readonly seq: number;
  readonly client: string;
  readonly queueId: number;
}

function orderlyConsumer(group: string, topic: string, listener: (messages: MessageExt[], client: string) => Promise<ConsumeResult> | ConsumeResult, extra: object = {}): PushConsumer {
  const { persistConsumerOffsetInterval, logger } = FAST_CLIENT;
  const consumer = new PushConsumer({
    groupName: group,
    namesrvAddr: namesrv.address,
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    persistConsumerOffsetInterval,
    logger,
    orderly: true,
    ...extra,
  });
  consumer.subscribe(topic, '*');
  consumer.onMessage((messages) => listener(messages, consumer.clientId));
  started.push(consumer);
  return consumer;
}

/** Checks the per-key rule stated at the top; returns how many calls were replays. */
function checkOrder(deliveries: readonly Delivery[]): number {
  let replays = 0;
  for (const key of KEYS) {
    const calls = deliveries.filter((delivery) => delivery.key === key);
    assert.equal(calls[0]?.seq, 0, `${key} starts at its first message`);
    for (let index = 1; index < calls.length; index++) {
      const [before, now] = [calls[index - 1], calls[index]];
      if (before === undefined || now === undefined) continue;
      if (now.seq === before.seq + 1) continue;
      assert.ok(now.seq <= before.seq, `${key}: ${now.seq} after ${before.seq} skips ahead`);
      assert.notEqual(now.client, before.client, `${key}: ${now.seq} after ${before.seq} by the same client is out of order`);
      replays++;
    }
  }
  return replays;
}

/** A name server and broker for the tests of one describe block, with `topic` of `queues` queues. */
function clusterForTests(topic: string, queues: number, conf: Record<string, string> = {}): void {
  before(async () => {
    admin = adminClient();
    namesrv = await startNamesrv();
    broker = await startBroker({ namesrvAddr: namesrv.address, conf });
    await createTopic(admin, broker.address, namesrv.address, topic, queues);
  });

  afterEach(async () => {
    await Promise.all(started.splice(0).map((client) => client.shutdown().catch(() => undefined)));
  });

  after(async () => {
    await admin.close();
    await broker.stop(true);
    await namesrv.stop();
  });
}

describe('client orderly consumer', { timeout: 240_000 }, () => {
  clusterForTests(TOPIC, 8, { messageDelayLevel: Array.from({ length: 18 }, () => '1s').join(' ') });

  test('orderly consumer - per-key order kept while a second consumer joins and leaves, nothing lost, locks given back', async (t) => {
    const producer = new Producer({ ...FAST_CLIENT, groupName: 'PID_orderly', namesrvAddr: namesrv.address });
    started.push(producer);
    await producer.start();
    const sent: string[] = [];
    const deliveries: Delivery[] = [];
    const consuming = new Map<number, string>();
    let overlaps = 0;
    const listener = async (messages: MessageExt[], client: string): Promise<ConsumeResult> => {
      const [first] = messages;
      if (first === undefined) return ConsumeResult.SUCCESS;
      const owner = consuming.get(first.queueId);
      if (owner !== undefined && owner !== client) overlaps++;
      consuming.set(first.queueId, client);
      for (const message of messages) deliveries.push({ key: message.keys ?? '', seq: Number(message.properties['seq']), client, queueId: message.queueId });
      // Let other work (the other client, pulls, rebalances) run while this call is in progress.
      await new Promise((resolve) => setTimeout(resolve, 1));
      consuming.delete(first.queueId);
      return ConsumeResult.SUCCESS;
    };
    let producing = true;
    t.after(() => {
      producing = false;
    });
    let sendError: unknown;
    const producing$ = (async () => {
      for (let seq = 0; producing; seq++) {
        for (const key of KEYS) {
          const message = new Message({ topic: TOPIC, keys: key, body: `${key}:${seq}`, properties: { seq: String(seq) } });
          await producer.send(message, { selector: selectMessageQueueByHash((m) => m.keys ?? '') });
          sent.push(`${key}:${seq}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })().catch((error: unknown) => {
      sendError = error;
    });
    const consumed = (): Set<string> => new Set(deliveries.map((delivery) => `${delivery.key}:${delivery.seq}`));
    const progress = async (what: string): Promise<void> => {
      const target = sent.length + 160;
      await waitFor(() => sent.length >= target && consumed().size >= target - 64, what, 60_000);
    };
    const holds = (consumer: PushConsumer): number => consumer.assignedQueues().filter((queue) => queue.topic === TOPIC).length;

    const first = orderlyConsumer(GROUP, TOPIC, listener);
    await first.start();
    await waitFor(() => holds(first) === 8, 'the first consumer holds all 8 queues');
    await progress('messages flowing to one consumer');
    const second = orderlyConsumer(GROUP, TOPIC, listener);
    await second.start();
    await waitFor(() => holds(first) === 4 && holds(second) === 4, 'a 4/4 split', 60_000);
    await progress('messages flowing to two consumers');
    assert.ok(deliveries.some((delivery) => delivery.client === second.clientId), 'the second consumer consumed');
    await second.shutdown();
    await waitFor(() => holds(first) === 8, 'the first consumer takes every queue back', 60_000);
    await progress('messages flowing to one consumer again');
    producing = false;
    await producing$;
    assert.equal(sendError, undefined, 'every send succeeded');
    await waitFor(() => consumed().size === sent.length, `all ${sent.length} messages consumed`, 60_000);
    await first.shutdown();
    await producer.shutdown();

    assert.deepEqual(sent.filter((body) => !consumed().has(body)), [], 'no message lost');
    const replays = checkOrder(deliveries);
    assert.equal(overlaps, 0, 'no queue consumed by two clients at once');
    t.diagnostic(`${sent.length} messages, ${deliveries.length} deliveries, ${replays} replays at hand-overs`);

    const queues = Array.from({ length: 8 }, (_, queueId) => ({ topic: TOPIC, brokerName: BROKER_NAME, queueId }));
    const body = encodeLockBatchRequest({ consumerGroup: GROUP, clientId: '127.0.0.1@someone-else', onlyThisBroker: false, mqSet: queues });
    const response = await admin.invoke(broker.address, { code: RequestCode.LOCK_BATCH_MQ, extFields: {}, body }, 5000);
    assert.equal(response.code, ResponseCode.SUCCESS);
    assert.equal(decodeLockBatchResponse(response.body).length, 8, 'shutdown unlocked every queue');
  });

  test('orderly consumer - SUSPEND_CURRENT_QUEUE_A_MOMENT consumes again in place; past maxReconsumeTimes the DLQ; offsets follow', async () => {
    const topic = 'OrderlySuspendTopic';
    const group = 'GID_orderly_suspend';
    await createTopic(admin, broker.address, namesrv.address, topic, 1);
    const producer = new Producer({ ...FAST_CLIENT, groupName: 'PID_orderly_suspend', namesrvAddr: namesrv.address });
    started.push(producer);
    await producer.start();
    for (let index = 0; index < 5; index++) await producer.send(new Message({ topic, body: `m${index}` }), { queue: { topic, brokerName: BROKER_NAME, queueId: 0 } });
    const calls: string[] = [];
    const consumer = orderlyConsumer(
      group,
      topic,
      (messages) => {
        const message = messages[0];
        const body = message?.body.toString() ?? '';
        calls.push(`${body}#${message?.reconsumeTimes ?? -1}`);
        if (body === 'm1') return ConsumeResult.SUSPEND_CURRENT_QUEUE_A_MOMENT;
        if (body === 'm3' && message?.reconsumeTimes === 0) throw new Error('the listener failed once');
        return ConsumeResult.SUCCESS;
      },
      { maxReconsumeTimes: 2, suspendCurrentQueueTimeMillis: 10 },
    );
    await consumer.start();
    await waitFor(() => calls.includes('m4#0'), 'the last message consumed');
    assert.deepEqual(calls, ['m0#0', 'm1#0', 'm1#1', 'm1#2', 'm2#0', 'm3#0', 'm3#1', 'm4#0'], 'each message in place until it succeeds or is dead');
    const committed = async (): Promise<number> => QueryConsumerOffsetResponseHeader.decode((await queryConsumerOffset(admin, broker.address, group, topic, 0)).extFields).offset;
    await waitFor(async () => (await committed()) === 5 || undefined, 'offset 5 committed');
    await consumer.shutdown();
    await producer.shutdown();
    const dead = await waitFor(async () => {
      const response = await pullMessage(admin, broker.address, { group: 'GID_orderly_reader', topic: `%DLQ%${group}` });
      return response.code === ResponseCode.SUCCESS ? decodeRecords(response.body) : undefined;
    }, 'the DLQ message');
    assert.deepEqual(dead.map((record) => record.body.toString()), ['m1'], 'm1 is in the DLQ, and only it');
  });
});

describe('client orderly consumer, a lock lost to another client', { timeout: 120_000 }, () => {
  clusterForTests('OrderlyLostTopic', 1);

  test('orderly consumer - a renewal the broker refuses drops the queue: nothing is consumed until the lock is free again', async () => {
    const topic = 'OrderlyLostTopic';
    const group = 'GID_orderly_lost';
    const queue = { topic, brokerName: BROKER_NAME, queueId: 0 };
    const received: string[] = [];
    const consumer = orderlyConsumer(group, topic, (messages) => {
      for (const message of messages) received.push(message.body.toString());
      return ConsumeResult.SUCCESS;
    });
    await consumer.start();
    const producer = new Producer({ ...FAST_CLIENT, groupName: 'PID_orderly_lost', namesrvAddr: namesrv.address });
    started.push(producer);
    await producer.start();
    await producer.send(new Message({ topic, body: 'before' }));
    await waitFor(() => received.includes('before'), 'the first message consumed under our lock', 30_000);

    // Another client takes the lock behind our consumer's back: ours is given up in its name, the intruder locks.
    const lockRequest = (code: number, clientId: string) =>
      admin.invoke(broker.address, { code, extFields: {}, body: encodeLockBatchRequest({ consumerGroup: group, clientId, onlyThisBroker: false, mqSet: [queue] }) }, 5000);
    assert.equal((await lockRequest(RequestCode.UNLOCK_BATCH_MQ, consumer.clientId)).code, ResponseCode.SUCCESS);
    const intruder = await lockRequest(RequestCode.LOCK_BATCH_MQ, '127.0.0.1@intruder');
    assert.equal(decodeLockBatchResponse(intruder.body).length, 1, 'the intruder holds the lock');

    // The consumer learns at its next renewal (every 20 s) and must stop; then the queue stays idle.
    await new Promise((resolve) => setTimeout(resolve, 22_000));
    await producer.send(new Message({ topic, body: 'while locked elsewhere' }));
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    assert.deepEqual(received, ['before'], 'nothing consumed while another client holds the lock');

    // The intruder lets go: a rebalance locks the queue again and consumption resumes where it was.
    assert.equal((await lockRequest(RequestCode.UNLOCK_BATCH_MQ, '127.0.0.1@intruder')).code, ResponseCode.SUCCESS);
    await waitFor(() => received.includes('while locked elsewhere'), 'consumption resumes once the lock is free', 30_000);
    assert.deepEqual(received, ['before', 'while locked elsewhere']);
  });
});
