/**
 * client-consumer.test.ts: our PushConsumer against an in-process NameServer and Broker: where a
 * new group starts (LAST_OFFSET, FIRST_OFFSET, TIMESTAMP), broadcasting with the local offsets file,
 * retries through CONSUMER_SEND_MSG_BACK and the broker's delay levels, batches, the concurrency
 * limit, flow control and a graceful shutdown that commits what was consumed.
 *
 * The broker runs with accessMessageInMemoryMaxRatio=0: otherwise RocketMQ starts a new group at
 * offset 0 of a queue whose first message is still in memory, whatever consumeFromWhere says.
 */
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeMessageQueueMap } from '../../src/protocol/index.js';
import type { RemotingClient } from '../../src/remoting/index.js';
import { ConsumeResult, MessageQueue, PushConsumer, type MessageExt, type Producer } from '../../src/index.js';
import { updateConsumerOffset } from '../harness/broker-requests.js';
import { createTopic, tempDir, waitFor, type TestBroker, type TestNamesrv } from '../harness/cluster.js';
import { collect, FAST_CLIENT, startClientCluster, type ClientCluster } from '../harness/client.js';

const SHORT_DELAY_LEVELS = Array.from({ length: 18 }, () => '1s').join(' ');

let namesrv: TestNamesrv;
let broker: TestBroker;
let admin: RemotingClient;
let producer: Producer;
let cluster: ClientCluster;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('client push consumer', { timeout: 180_000 }, () => {
  before(async () => {
    cluster = await startClientCluster('PID_consumer', { accessMessageInMemoryMaxRatio: '0', messageDelayLevel: SHORT_DELAY_LEVELS });
    ({ namesrv, broker, admin, producer } = cluster);
  });

  after(() => cluster.stop());

  test('push consumer - a new group starts at LAST_OFFSET, FIRST_OFFSET or TIMESTAMP as told', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'WhereTopic', 2);
    await cluster.sendAll('WhereTopic', 10, 'old');
    await sleep(20);
    const middle = Date.now();
    await sleep(20);
    await cluster.sendAll('WhereTopic', 10, 'mid');
    const last = await collect(namesrv.address, 'GID_where_last', 'WhereTopic', { consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET' });
    const first = await collect(namesrv.address, 'GID_where_first', 'WhereTopic', { consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
    const byTime = await collect(namesrv.address, 'GID_where_time', 'WhereTopic', { consumeFromWhere: 'CONSUME_FROM_TIMESTAMP', consumeTimestamp: middle });
    await waitFor(() => last.consumer.assignedQueues().length === 2 && byTime.consumer.assignedQueues().length === 2, 'the queues of both groups');
    await cluster.sendAll('WhereTopic', 5, 'new');
    await first.waitForCount(25);
    await last.waitForCount(5);
    await byTime.waitForCount(15);
    await sleep(200);
    for (const collector of [last, first, byTime]) await collector.consumer.shutdown();
    assert.deepEqual(new Set(last.bodies()), new Set(['new0', 'new1', 'new2', 'new3', 'new4']), 'LAST_OFFSET: only what came after the start');
    assert.equal(new Set(first.bodies()).size, 25, 'FIRST_OFFSET: everything');
    assert.deepEqual(new Set(byTime.bodies().map((body) => body.slice(0, 3))), new Set(['mid', 'new']), 'TIMESTAMP: from the time on');
    assert.equal(new Set(byTime.bodies()).size, 15);
  });

  test('push consumer - broadcasting gives every client every message and keeps offsets in offsets.json', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'BroadcastTopic', 4);
    const dir = await tempDir('offsets');
    const options = { messageModel: 'BROADCASTING' as const, offsetStoreDir: dir };
    const one = await collect(namesrv.address, 'GID_broadcast', 'BroadcastTopic', { ...options, instanceName: 'one' });
    const two = await collect(namesrv.address, 'GID_broadcast', 'BroadcastTopic', { ...options, instanceName: 'two' });
    await waitFor(() => one.consumer.assignedQueues().length === 4 && two.consumer.assignedQueues().length === 4, 'both hold all four queues');
    await cluster.sendAll('BroadcastTopic', 40, 'b');
    await one.waitForCount(40, 'all 40 at the first client');
    await two.waitForCount(40, 'all 40 at the second client');
    await one.consumer.shutdown();
    await two.consumer.shutdown();
    const file = join(dir, one.consumer.clientId, 'GID_broadcast', 'offsets.json');
    const entries = decodeMessageQueueMap(await readFile(file, 'utf8'), 'offsetTable');
    assert.equal(entries.length, 4);
    assert.equal(entries.reduce((sum, entry) => sum + entry.offset, 0), 40, 'the offsets sum to the messages consumed');
    const again = await collect(namesrv.address, 'GID_broadcast', 'BroadcastTopic', { ...options, instanceName: 'one' });
    await cluster.sendAll('BroadcastTopic', 4, 'after');
    await again.waitForCount(4);
    await sleep(300);
    await again.consumer.shutdown();
    assert.deepEqual(new Set(again.bodies()), new Set(['after0', 'after1', 'after2', 'after3']), 'a restarted client resumes from its file');
    const twin = new PushConsumer({ ...FAST_CLIENT, groupName: 'GID_broadcast', namesrvAddr: namesrv.address, ...options, instanceName: 'one' });
    twin.subscribe('BroadcastTopic');
    twin.onMessage(() => ConsumeResult.SUCCESS);
    const first = new PushConsumer({ ...FAST_CLIENT, groupName: 'GID_broadcast', namesrvAddr: namesrv.address, ...options, instanceName: 'one' });
    first.subscribe('BroadcastTopic');
    first.onMessage(() => ConsumeResult.SUCCESS);
    await first.start();
    await assert.rejects(twin.start(), /has been created before in this process/, 'one client id and group, one offsets file: the second is refused');
    await first.shutdown();
    await twin.shutdown();
    await rm(dir, { recursive: true, force: true });
  });

  test('push consumer - RECONSUME_LATER and thrown errors come back from %RETRY% with reconsumeTimes 1 under the original topic', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'RetryTopic', 2);
    const consumer = new PushConsumer({ ...FAST_CLIENT, groupName: 'GID_retry', namesrvAddr: namesrv.address, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', rebalanceInterval: 1000 });
    consumer.subscribe('RetryTopic', '*');
    const deliveries: { message: MessageExt; queue: MessageQueue }[] = [];
    consumer.onMessage((messages, context) => {
      for (const message of messages) deliveries.push({ message, queue: context.messageQueue });
      const message = messages[0];
      if (message?.reconsumeTimes === 0 && message.body.toString() === 'later') return ConsumeResult.RECONSUME_LATER;
      if (message?.reconsumeTimes === 0 && message.body.toString() === 'throw') throw new Error('listener failed');
      return ConsumeResult.SUCCESS;
    });
    await consumer.start();
    const later = await producer.send({ topic: 'RetryTopic', tags: 'TagR', body: 'later' });
    const thrown = await producer.send({ topic: 'RetryTopic', body: 'throw' });
    await waitFor(() => deliveries.filter((delivery) => delivery.message.reconsumeTimes === 1).length >= 2, 'both messages redelivered', 60_000);
    await consumer.shutdown();
    for (const sent of [later, thrown]) {
      const retried = deliveries.find((delivery) => delivery.message.reconsumeTimes === 1 && delivery.message.msgId === sent.msgId);
      assert.ok(retried, `message ${sent.msgId} came back with reconsumeTimes 1`);
      assert.equal(retried.message.topic, 'RetryTopic', 'under its original topic');
      assert.equal(retried.message.properties['RETRY_TOPIC'], 'RetryTopic');
      assert.equal(retried.queue.topic, '%RETRY%GID_retry', 'through the broker\'s retry topic, not a local re-run');
    }
    assert.equal(deliveries.find((delivery) => delivery.message.reconsumeTimes === 1 && delivery.message.msgId === later.msgId)?.message.tags, 'TagR');
  });

  test('push consumer - batches of consumeMessageBatchMaxSize, at most consumeThreadMax listeners at once', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'BatchConsumeTopic', 4);
    await cluster.sendAll('BatchConsumeTopic', 200, 'm');
    const consumer = new PushConsumer({
      ...FAST_CLIENT,
      groupName: 'GID_batch_consume',
      namesrvAddr: namesrv.address,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      consumeMessageBatchMaxSize: 7,
      consumeThreadMax: 3,
    });
    consumer.subscribe('BatchConsumeTopic', '*');
    let running = 0;
    let peak = 0;
    const sizes: number[] = [];
    const seen = new Set<string>();
    consumer.onMessage(async (messages) => {
      running++;
      peak = Math.max(peak, running);
      sizes.push(messages.length);
      await sleep(2);
      for (const message of messages) seen.add(message.body.toString());
      running--;
      return ConsumeResult.SUCCESS;
    });
    await consumer.start();
    await waitFor(() => seen.size === 200, 'all 200 messages');
    await consumer.shutdown();
    assert.ok(sizes.every((size) => size >= 1 && size <= 7), `batch sizes ${[...new Set(sizes)].join(',')}`);
    assert.ok(sizes.some((size) => size > 1), 'messages were batched');
    assert.ok(peak <= 3 && peak >= 2, `peak concurrency ${peak}`);
  });

  test('push consumer - flow control stops pulling a queue that holds pullThresholdForQueue messages', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'FlowTopic', 1);
    await cluster.sendAll('FlowTopic', 300, 'f');
    const consumer = new PushConsumer({
      ...FAST_CLIENT,
      groupName: 'GID_flow',
      namesrvAddr: namesrv.address,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      pullThresholdForQueue: 20,
      pullBatchSize: 10,
      consumeThreadMax: 1,
    });
    consumer.subscribe('FlowTopic', '*');
    let consumed = 0;
    let peakHeld = 0;
    consumer.onMessage(async () => {
      const held = consumer.processQueue(new MessageQueue('FlowTopic', 'broker-a', 0))?.msgCount ?? 0;
      peakHeld = Math.max(peakHeld, held);
      consumed++;
      await sleep(1);
      return ConsumeResult.SUCCESS;
    });
    await consumer.start();
    await waitFor(() => consumed === 300, 'all 300 consumed');
    await consumer.shutdown();
    assert.ok(peakHeld > 0 && peakHeld <= 20 + 10, `at most threshold + one pull held, saw ${peakHeld}`);
  });

  test('push consumer - shutdown waits for running listeners and commits their offsets', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'GracefulTopic', 1);
    await cluster.sendAll('GracefulTopic', 5, 'g');
    const consumer = new PushConsumer({ ...FAST_CLIENT, groupName: 'GID_graceful', namesrvAddr: namesrv.address, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', consumeMessageBatchMaxSize: 5 });
    consumer.subscribe('GracefulTopic', '*');
    let started = false;
    let finished = false;
    consumer.onMessage(async (messages) => {
      started = true;
      await sleep(500);
      finished = messages.length === 5;
      return ConsumeResult.SUCCESS;
    });
    await consumer.start();
    await waitFor(() => started, 'the listener to start');
    await consumer.shutdown();
    assert.equal(finished, true, 'shutdown returned after the running listener finished');
    const next = await collect(namesrv.address, 'GID_graceful', 'GracefulTopic');
    await cluster.sendAll('GracefulTopic', 1, 'after');
    await next.waitForCount(1);
    await sleep(300);
    await next.consumer.shutdown();
    assert.deepEqual(next.bodies(), ['after0'], 'nothing consumed before shutdown came again');
  });

  test('push consumer - an offset past the end (PULL_OFFSET_MOVED) is corrected to the broker\'s and consumption goes on', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'MovedTopic', 1);
    await cluster.sendAll('MovedTopic', 3, 'before');
    const first = await collect(namesrv.address, 'GID_moved', 'MovedTopic');
    await first.waitForCount(3);
    await first.consumer.shutdown();
    const moved = await updateConsumerOffset(admin, broker.address, 'GID_moved', 'MovedTopic', 0, 100);
    assert.equal(moved.code, 0);
    const second = await collect(namesrv.address, 'GID_moved', 'MovedTopic');
    await waitFor(() => second.consumer.assignedQueues().some((queue) => queue.topic === 'MovedTopic'), 'the queue assigned again');
    await cluster.sendAll('MovedTopic', 2, 'after');
    await second.waitForCount(2);
    await sleep(300);
    await second.consumer.shutdown();
    assert.deepEqual(new Set(second.bodies()), new Set(['after0', 'after1']), 'resumed at the end the broker named');
  });
});
