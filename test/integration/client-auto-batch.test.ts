/**
 * client-auto-batch.test.ts: the Producer's autoBatch against an in-process NameServer and Broker:
 * sends wait for their batch until it passes batchMaxBytes, go out as one SEND_BATCH_MESSAGE, and
 * each caller's SendResult names where its own message is stored (read back by a consumer);
 * messages that must go alone (delay levels, a send with its own timeout) do; shutdown sends what
 * is held.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Message, MessageQueue, MQClientError, Producer, type SendResult } from '../../src/index.js';
import { createTopic } from '../harness/cluster.js';
import { collect, FAST_CLIENT, shutdownCollectors, startClientCluster, type ClientCluster } from '../harness/client.js';

let cluster: ClientCluster;
const producers: Producer[] = [];

async function batchingProducer(group: string, options: { batchMaxBytes: number; batchMaxDelayMs: number }): Promise<Producer> {
  const producer = new Producer({ ...FAST_CLIENT, groupName: group, namesrvAddr: cluster.namesrv.address, autoBatch: true, ...options });
  producers.push(producer);
  await producer.start();
  return producer;
}

/** Whether `promise` settles within `ms` (it should not, while its batch is not full). */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setTimeout(resolve, ms));
  return settled;
}

describe('client producer autoBatch', { timeout: 120_000 }, () => {
  before(async () => {
    cluster = await startClientCluster('PID_auto_batch_cluster');
  });

  after(async () => {
    await shutdownCollectors();
    await Promise.allSettled(producers.map((producer) => producer.shutdown()));
    await cluster.stop();
  });

  test('autoBatch - sends wait until their bodies pass batchMaxBytes, then each result names its own stored message', async () => {
    await createTopic(cluster.admin, cluster.broker.address, cluster.namesrv.address, 'AutoBatchTopic', 4);
    // 30 s of delay: only the size sends a batch in this test.
    const producer = await batchingProducer('PID_auto_batch', { batchMaxBytes: 1_000, batchMaxDelayMs: 30_000 });
    const bodies = Array.from({ length: 11 }, (_, index) => `auto batch ${String(index).padStart(2, '0')} ${'x'.repeat(86)}`);
    assert.ok(bodies.every((body) => body.length === 100));
    const first = bodies.slice(0, 10).map((body, index) => producer.send(new Message({ topic: 'AutoBatchTopic', tags: 'TagA', keys: `key${index}`, body })));
    assert.equal(await settlesWithin(Promise.race(first), 300), false, '10 x 100 bytes is not more than batchMaxBytes: the batch waits');
    const last = producer.send(new Message({ topic: 'AutoBatchTopic', tags: 'TagA', keys: 'key10', body: bodies[10] as string }));
    const results: SendResult[] = await Promise.all([...first, last]);
    assert.ok(results.every((result) => result.sendStatus === 'SEND_OK'));
    const queue = results[0]?.messageQueue;
    assert.ok(results.every((result) => result.messageQueue.equals(queue as MessageQueue)), 'one batch, one queue');
    assert.deepEqual(
      results.map((result) => result.queueOffset),
      results.map((_, index) => (results[0] as SendResult).queueOffset + index),
      'consecutive offsets in the order sent',
    );
    assert.equal(new Set(results.map((result) => result.msgId)).size, 11);
    assert.equal(new Set(results.map((result) => result.offsetMsgId)).size, 11);
    assert.ok(results.every((result) => /^[0-9A-F]{32}$/.test(result.msgId) && /^[0-9A-F]{32}$/.test(result.offsetMsgId)));

    const collector = await collect(cluster.namesrv.address, 'GID_auto_batch', 'AutoBatchTopic');
    await collector.waitForCount(11);
    const byId = new Map(collector.received.map((message) => [message.msgId, message]));
    for (const [index, result] of results.entries()) {
      const stored = byId.get(result.msgId);
      assert.equal(stored?.body.toString(), bodies[index]);
      assert.equal(stored?.offsetMsgId, result.offsetMsgId);
      assert.equal(stored?.queueOffset, result.queueOffset);
      assert.equal(stored?.queueId, result.messageQueue.queueId);
      assert.equal(stored?.keys, `key${index}`);
      assert.equal(stored?.tags, 'TagA');
    }
  });

  test('autoBatch - a delay level, a send with its own timeout and a lone message each go out at once', async () => {
    await createTopic(cluster.admin, cluster.broker.address, cluster.namesrv.address, 'AutoBatchAlone', 2);
    const producer = await batchingProducer('PID_auto_batch_alone', { batchMaxBytes: 1_000_000, batchMaxDelayMs: 30_000 });
    const delayed = await producer.send(new Message({ topic: 'AutoBatchAlone', body: 'delayed', delayLevel: 1 }));
    assert.equal(delayed.sendStatus, 'SEND_OK');
    const timed = await producer.send(new Message({ topic: 'AutoBatchAlone', body: 'own timeout' }), { timeoutMs: 3_000 });
    assert.equal(timed.sendStatus, 'SEND_OK');
    // A plain send waits for its batch; shutdown sends it.
    const held = producer.send(new Message({ topic: 'AutoBatchAlone', body: 'held' }));
    assert.equal(await settlesWithin(held, 200), false);
    await producer.shutdown();
    const sent = await held;
    assert.equal(sent.sendStatus, 'SEND_OK');
    const collector = await collect(cluster.namesrv.address, 'GID_auto_batch_alone', 'AutoBatchAlone');
    await collector.waitForCount(3);
    assert.deepEqual(collector.bodies().sort(), ['delayed', 'held', 'own timeout']);
  });

  test('autoBatch - a batch to an explicit queue is stored there; bad messages and options out of range are refused', async () => {
    await createTopic(cluster.admin, cluster.broker.address, cluster.namesrv.address, 'AutoBatchQueue', 4);
    const producer = await batchingProducer('PID_auto_batch_queue', { batchMaxBytes: 10, batchMaxDelayMs: 5 });
    const target = new MessageQueue('AutoBatchQueue', 'broker-a', 2);
    const results = await Promise.all(Array.from({ length: 6 }, (_, index) => producer.send(new Message({ topic: 'AutoBatchQueue', body: `q${index}` }), { queue: target })));
    assert.ok(results.every((result) => result.messageQueue.queueId === 2 && result.sendStatus === 'SEND_OK'));
    assert.deepEqual(results.map((result) => result.queueOffset).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5]);
    const notATopic = producer.send(new Message({ topic: 42 as unknown as string, body: 'x' }));
    await assert.rejects(notATopic, (error) => error instanceof MQClientError && /the topic is not a string/.test(error.message));
    await assert.rejects(producer.send(new Message({ topic: 'AutoBatchQueue', body: '' })), (error) => error instanceof MQClientError && /body length is zero/.test(error.message));
    assert.throws(() => new Producer({ groupName: 'PID_bad', autoBatch: true, batchMaxBytes: 3 * 1024 * 1024 }), /batchMaxBytes/);
    assert.throws(() => new Producer({ groupName: 'PID_bad', autoBatch: true, batchMaxDelayMs: 0 }), /batchMaxDelayMs/);
  });
});
