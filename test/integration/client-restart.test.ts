/**
 * client-restart.test.ts: our clients when brokers go away. A broker stopped and restarted (same
 * port, same store) under a running producer and consumer: sends fail while it is down and succeed
 * again after, consumption resumes, and every message the broker acknowledged is consumed. And a
 * producer with two brokers keeps sending when one dies, retrying on the other.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RemotingClient } from '../../src/remoting/index.js';
import { ConsumeResult, MQClientError, Producer, PushConsumer } from '../../src/index.js';
import { adminClient, createTopic, startBroker, startNamesrv, waitFor, type TestBroker, type TestNamesrv } from '../harness/cluster.js';
import { FAST_CLIENT } from '../harness/client.js';

let namesrv: TestNamesrv;
let admin: RemotingClient;

describe('client broker restart', { timeout: 180_000 }, () => {
  before(async () => {
    admin = adminClient();
    namesrv = await startNamesrv();
  });

  after(async () => {
    await admin.close();
    await namesrv.stop();
  });

  test('restart - a broker restarted under a running producer and consumer loses nothing acknowledged', async () => {
    let broker: TestBroker = await startBroker({ namesrvAddr: namesrv.address, brokerName: 'broker-restart' });
    const port = broker.broker.port;
    const storeDir = broker.storeDir;
    await createTopic(admin, broker.address, namesrv.address, 'RestartTopic', 4);
    const producer = new Producer({ ...FAST_CLIENT, groupName: 'PID_restart', namesrvAddr: namesrv.address, sendMsgTimeout: 1000 });
    await producer.start();
    const consumer = new PushConsumer({ ...FAST_CLIENT, groupName: 'GID_restart', namesrvAddr: namesrv.address, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', pullTimeDelayMillsWhenException: 500 });
    const received = new Set<string>();
    consumer.subscribe('RestartTopic', '*');
    consumer.onMessage((messages) => {
      for (const message of messages) received.add(message.body.toString());
      return ConsumeResult.SUCCESS;
    });
    await consumer.start();

    const acknowledged = new Set<string>();
    let failures = 0;
    let producing = true;
    const loop = (async () => {
      for (let index = 0; producing; index++) {
        try {
          const result = await producer.send({ topic: 'RestartTopic', body: `m${index}` });
          if (result.sendStatus === 'SEND_OK') acknowledged.add(`m${index}`);
        } catch (error) {
          assert.ok(error instanceof MQClientError, String(error));
          failures++;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();
    try {
      await waitFor(() => acknowledged.size >= 100 && received.size >= 50, 'sends and consumption under way');
      await broker.stop();
      const downAt = acknowledged.size;
      await waitFor(() => failures >= 3, 'sends failing while the broker is down');
      broker = await startBroker({ namesrvAddr: namesrv.address, brokerName: 'broker-restart', storeDir, listenPort: port });
      await waitFor(() => acknowledged.size >= downAt + 100, 'sends succeeding again after the restart');
      producing = false;
      await loop;
      await waitFor(() => [...acknowledged].every((body) => received.has(body)), `all ${acknowledged.size} acknowledged messages consumed`);
      assert.deepEqual([...acknowledged].filter((body) => !received.has(body)), []);
    } finally {
      producing = false;
      await loop;
      await consumer.shutdown();
      await producer.shutdown();
      await broker.stop(true);
    }
  });

  test('restart - with two brokers, sends retry on the live one when the other dies', async () => {
    const first = await startBroker({ namesrvAddr: namesrv.address, brokerName: 'broker-one' });
    const second = await startBroker({ namesrvAddr: namesrv.address, brokerName: 'broker-two' });
    try {
      await createTopic(admin, first.address, namesrv.address, 'TwoBrokers', 2);
      await createTopic(admin, second.address, namesrv.address, 'TwoBrokers', 2);
      await waitFor(async () => {
        const probe = new Producer({ ...FAST_CLIENT, groupName: 'PID_probe', namesrvAddr: namesrv.address });
        await probe.start();
        const queues = await probe.fetchPublishMessageQueues('TwoBrokers');
        await probe.shutdown();
        return queues.length === 4;
      }, 'the route of both brokers');
      // Route refreshes stay at Java's 30 s: the producer keeps believing in the dead broker.
      const producer = new Producer({ groupName: 'PID_two', namesrvAddr: namesrv.address, logger: FAST_CLIENT.logger, sendLatencyFaultEnable: true });
      await producer.start();
      const before = await Promise.all(Array.from({ length: 8 }, (_, index) => producer.send({ topic: 'TwoBrokers', body: `before ${index}` })));
      assert.deepEqual(new Set(before.map((result) => result.messageQueue.brokerName)), new Set(['broker-one', 'broker-two']));
      await second.stop();
      const results = [];
      for (let index = 0; index < 40; index++) results.push(await producer.send({ topic: 'TwoBrokers', body: `after ${index}` }));
      assert.ok(results.every((result) => result.sendStatus === 'SEND_OK' && result.messageQueue.brokerName === 'broker-one'));
      await producer.shutdown();
    } finally {
      await first.stop(true);
      await second.stop(true);
    }
  });
});
