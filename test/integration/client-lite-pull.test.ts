/**
 * client-lite-pull.test.ts: our LitePullConsumer against an in-process NameServer and Broker:
 * assign and poll, seek to an offset, to the beginning, to the end and to a time, commit and the
 * committed offset on the broker, `for await`, and subscribe mode splitting queues between two
 * clients with auto-commit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RemotingClient } from '../../src/remoting/index.js';
import { LitePullConsumer, MQClientError, type MessageExt, type MessageQueue, type Producer } from '../../src/index.js';
import { createTopic, waitFor, type TestBroker, type TestNamesrv } from '../harness/cluster.js';
import { FAST_CLIENT, startClientCluster, type ClientCluster } from '../harness/client.js';

let namesrv: TestNamesrv;
let broker: TestBroker;
let admin: RemotingClient;
let producer: Producer;
let cluster: ClientCluster;

/** Polls until `count` messages came, or fails. */
async function pollCount(consumer: LitePullConsumer, count: number): Promise<MessageExt[]> {
  const messages: MessageExt[] = [];
  await waitFor(async () => {
    messages.push(...(await consumer.poll(200)));
    return messages.length >= count;
  }, `${count} messages from poll()`);
  return messages;
}

describe('client lite pull consumer', { timeout: 120_000 }, () => {
  before(async () => {
    cluster = await startClientCluster('PID_lite');
    ({ namesrv, broker, admin, producer } = cluster);
  });

  after(() => cluster.stop());

  test('lite pull - assign, poll, seek to an offset, the beginning, the end and a time; commit', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'LiteTopic', 1);
    const queue: MessageQueue = (await producer.fetchPublishMessageQueues('LiteTopic'))[0] as MessageQueue;
    for (let index = 0; index < 10; index++) await producer.send({ topic: 'LiteTopic', body: `first ${index}` }, { queue });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const middle = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 20));
    for (let index = 0; index < 10; index++) await producer.send({ topic: 'LiteTopic', body: `second ${index}` }, { queue });

    const consumer = new LitePullConsumer({ ...FAST_CLIENT, groupName: 'GID_lite_assign', namesrvAddr: namesrv.address, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', autoCommit: false });
    consumer.assign([queue]);
    await consumer.start();
    const all = await pollCount(consumer, 20);
    assert.deepEqual(all.map((message) => message.queueOffset), Array.from({ length: 20 }, (_, index) => index));
    assert.equal(all[0]?.body.toString(), 'first 0');

    await consumer.seek(queue, 15);
    assert.deepEqual((await pollCount(consumer, 5)).map((message) => message.queueOffset), [15, 16, 17, 18, 19]);
    await consumer.seekToBegin(queue);
    assert.equal((await pollCount(consumer, 20))[0]?.queueOffset, 0);
    assert.equal(await consumer.offsetForTimestamp(queue, middle), 10);
    await consumer.seekToTimestamp(queue, middle);
    assert.equal((await pollCount(consumer, 10))[0]?.body.toString(), 'second 0');
    await consumer.seekToEnd(queue);
    assert.deepEqual(await consumer.poll(300), [], 'nothing after the end');
    await producer.send({ topic: 'LiteTopic', body: 'third' }, { queue });
    assert.equal((await pollCount(consumer, 1))[0]?.body.toString(), 'third');
    await assert.rejects(consumer.seek(queue, 1000), /Seek offset illegal/);
    await assert.rejects(consumer.seek({ ...queue, queueId: 7 }, 0), (error: unknown) => error instanceof MQClientError && /not in assigned list/.test(error.remark));

    await consumer.commit();
    assert.equal(await consumer.committed(queue), 21);
    await consumer.shutdown();
    const again = new LitePullConsumer({ ...FAST_CLIENT, groupName: 'GID_lite_assign', namesrvAddr: namesrv.address });
    again.assign([queue]);
    await again.start();
    await producer.send({ topic: 'LiteTopic', body: 'fourth' }, { queue });
    const resumed = await pollCount(again, 1);
    assert.deepEqual(resumed.map((message) => message.body.toString()), ['fourth'], 'a new client resumes at the committed offset');
    await again.shutdown();
  });

  test('lite pull - for await yields every message; subscribe splits queues and auto-commits', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'LiteSubTopic', 4);
    const options = { ...FAST_CLIENT, groupName: 'GID_lite_sub', namesrvAddr: namesrv.address, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' as const, autoCommitIntervalMillis: 1000, rebalanceInterval: 500 };
    const one = new LitePullConsumer(options);
    const two = new LitePullConsumer(options);
    for (const consumer of [one, two]) {
      consumer.subscribe('LiteSubTopic', '*');
      await consumer.start();
    }
    await waitFor(() => {
      const queues = [...one.assignment(), ...two.assignment()].filter((queue) => queue.topic === 'LiteSubTopic');
      return queues.length === 4 && one.assignment().length === 2 && two.assignment().length === 2;
    }, 'a 2/2 split of the four queues');
    for (let index = 0; index < 40; index++) await producer.send({ topic: 'LiteSubTopic', body: `s${index}` });
    const seen = new Set<string>();
    const drain = async (consumer: LitePullConsumer): Promise<void> => {
      for await (const message of consumer) {
        seen.add(message.body.toString());
        if (seen.size === 40) break;
      }
    };
    const drains = [drain(one), drain(two)];
    await waitFor(() => seen.size === 40, 'all 40 messages');
    // poll() commits every autoCommitIntervalMillis; the periodic persist sends it to the broker.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await one.poll(10);
    await two.poll(10);
    await waitFor(async () => {
      let total = 0;
      for (const consumer of [one, two]) for (const queue of consumer.assignment()) total += Math.max(0, await consumer.committed(queue));
      return total === 40;
    }, 'auto-committed offsets summing to 40');
    await one.shutdown();
    await two.shutdown();
    await Promise.all(drains);
  });
});
