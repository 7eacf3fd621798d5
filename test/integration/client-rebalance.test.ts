/**
 * client-rebalance.test.ts: eight queues shared by one, two and three of our push consumers as
 * they join and leave a group while a producer keeps sending. Rebalances are driven by the broker's
 * NOTIFY_CONSUMER_IDS_CHANGED (the periodic rebalance stays at Java's 20 s); at each step the
 * queues are split as AllocateMessageQueueAveragely says, without overlap, and at the end every
 * message sent has been consumed (at-least-once: a queue handed over may repeat a few).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RemotingClient } from '../../src/remoting/index.js';
import { AllocateMessageQueueAveragelyByCircle, ConsumeResult, Producer, PushConsumer } from '../../src/index.js';
import { adminClient, createTopic, startBroker, startNamesrv, waitFor, type TestBroker, type TestNamesrv } from '../harness/cluster.js';
import { FAST_CLIENT } from '../harness/client.js';

const TOPIC = 'RebalanceTopic';
let namesrv: TestNamesrv;
let broker: TestBroker;
let admin: RemotingClient;

describe('client rebalance', { timeout: 180_000 }, () => {
  before(async () => {
    admin = adminClient();
    namesrv = await startNamesrv();
    broker = await startBroker({ namesrvAddr: namesrv.address });
    await createTopic(admin, broker.address, namesrv.address, TOPIC, 8);
  });

  after(async () => {
    await admin.close();
    await broker.stop(true);
    await namesrv.stop();
  });

  test('rebalance - 8 queues over 1, 2 and 3 consumers joining and leaving, no message lost', async () => {
    const producer = new Producer({ ...FAST_CLIENT, groupName: 'PID_rebalance', namesrvAddr: namesrv.address });
    await producer.start();
    const sent = new Set<string>();
    const received = new Set<string>();
    let producing = true;
    const producing$ = (async () => {
      for (let index = 0; producing; index++) {
        await producer.send({ topic: TOPIC, body: `r${index}` });
        sent.add(`r${index}`);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();

    async function join(): Promise<PushConsumer> {
      const { persistConsumerOffsetInterval, logger } = FAST_CLIENT;
      const consumer = new PushConsumer({ groupName: 'GID_rebalance', namesrvAddr: namesrv.address, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', persistConsumerOffsetInterval, logger });
      consumer.subscribe(TOPIC, '*');
      consumer.onMessage((messages) => {
        for (const message of messages) received.add(message.body.toString());
        return ConsumeResult.SUCCESS;
      });
      await consumer.start();
      return consumer;
    }

    async function balanced(consumers: readonly PushConsumer[], expected: readonly number[]): Promise<void> {
      await waitFor(() => {
        const held = consumers.map((consumer) => consumer.assignedQueues().filter((queue) => queue.topic === TOPIC).map((queue) => queue.queueId));
        const all = held.flat();
        const counts = held.map((queues) => queues.length).sort((a, b) => b - a);
        return all.length === 8 && new Set(all).size === 8 && counts.join() === expected.join();
      }, `a ${expected.join('/')} split`);
    }

    /** Messages keep flowing through this configuration: 30 more sent and consumed. */
    async function progress(): Promise<void> {
      const target = sent.size + 30;
      await waitFor(() => sent.size >= target && received.size >= target - 8, 'messages flowing');
    }

    const first = await join();
    await balanced([first], [8]);
    await progress();
    const second = await join();
    await balanced([first, second], [4, 4]);
    await progress();
    const third = await join();
    await balanced([first, second, third], [3, 3, 2]);
    await progress();
    await second.shutdown();
    await balanced([first, third], [4, 4]);
    await progress();
    await first.shutdown();
    await balanced([third], [8]);
    await progress();
    producing = false;
    await producing$;
    await waitFor(() => [...sent].every((body) => received.has(body)), `all ${sent.size} messages consumed`);
    await third.shutdown();
    await producer.shutdown();
    assert.deepEqual([...sent].filter((body) => !received.has(body)), [], 'no message lost');
  });

  test('rebalance - another strategy splits the same way in every client', async () => {
    const strategy = new AllocateMessageQueueAveragelyByCircle();
    const consumers = await Promise.all(
      [1, 2, 3].map(async () => {
        const consumer = new PushConsumer({ ...FAST_CLIENT, groupName: 'GID_circle', namesrvAddr: namesrv.address, allocateMessageQueueStrategy: strategy });
        consumer.subscribe(TOPIC, '*');
        consumer.onMessage(() => ConsumeResult.SUCCESS);
        await consumer.start();
        return consumer;
      }),
    );
    await waitFor(() => {
      const held = consumers.map((consumer) => consumer.assignedQueues().filter((queue) => queue.topic === TOPIC).map((queue) => queue.queueId).sort((a, b) => a - b).join());
      return held.sort().join('|') === '0,3,6|1,4,7|2,5';
    }, 'the by-circle split 0,3,6 | 1,4,7 | 2,5');
    await Promise.all(consumers.map((consumer) => consumer.shutdown()));
  });
});
