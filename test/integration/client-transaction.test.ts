/**
 * client-transaction.test.ts: the SDK's TransactionProducer with a PushConsumer against a
 * NameServer and Broker started in-process, the broker checking every 300 ms for halves older than
 * 200 ms: commit delivers once, rollback never, UNKNOWN (or a throwing local transaction) is
 * resolved by the checker, and a half sent before a broker restart is resolved by a check after it.
 * "Once" is asserted after check rounds have gone past every half (settle()).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MQClientError, TransactionProducer, type LocalTransactionState, type MessageExt } from '../../src/index.js';
import { TopicNames } from '../../src/message/index.js';
import type { RemotingClient } from '../../src/remoting/index.js';
import { adminClient, createTopic, startBroker, startNamesrv, waitFor, type TestBroker, type TestNamesrv } from '../harness/cluster.js';
import { collect, FAST_CLIENT, shutdownCollectors, type Collector } from '../harness/client.js';

const CONF = { transactionTimeOut: '200', transactionCheckInterval: '300' };

let namesrv: TestNamesrv;
let broker: TestBroker;
let admin: RemotingClient;

/** Runs check rounds until the check progress is past every half stored so far. */
async function settle(target: TestBroker): Promise<void> {
  const { ctx } = target.broker;
  const halfMax = ctx.store.getMaxOffsetInQueue(TopicNames.TRANS_HALF_TOPIC, 0);
  await waitFor(async () => (await ctx.transactions.check()).halfProgress >= halfMax, 'check rounds past every half');
}

interface Checker {
  readonly calls: MessageExt[];
  answer: LocalTransactionState;
  readonly check: (message: MessageExt) => LocalTransactionState;
}

function checker(answer: LocalTransactionState): Checker {
  const state: Checker = {
    calls: [],
    answer,
    check: (message) => {
      state.calls.push(message);
      return state.answer;
    },
  };
  return state;
}

async function startProducer(group: string, check: Checker, namesrvAddr = namesrv.address): Promise<TransactionProducer> {
  const producer = new TransactionProducer({ ...FAST_CLIENT, groupName: group, namesrvAddr, checker: check.check });
  await producer.start();
  return producer;
}

describe('client transactions', { timeout: 180_000 }, () => {
  before(async () => {
    admin = adminClient();
    namesrv = await startNamesrv();
    broker = await startBroker({ namesrvAddr: namesrv.address, conf: CONF });
  });

  after(async () => {
    await shutdownCollectors();
    await admin.close();
    await broker.stop(true);
    await namesrv.stop();
  });

  test('transaction producer - options and arguments are checked', async () => {
    assert.throws(() => new TransactionProducer({ groupName: 'PID_tx_bad', namesrvAddr: namesrv.address } as never), (error: unknown) => error instanceof MQClientError && /checker: is not a function/.test(error.message));
    assert.throws(() => new TransactionProducer({ groupName: 'PID_tx_bad', namesrvAddr: namesrv.address, checker: () => 'COMMIT', checkRequestHoldMax: 0 }), /checkRequestHoldMax: 0 is outside/);
    const producer = new TransactionProducer({ ...FAST_CLIENT, groupName: 'PID_tx_args', namesrvAddr: namesrv.address, checker: () => 'COMMIT' });
    await assert.rejects(producer.sendInTransaction({ topic: 'TxArgs', body: 'x' }, () => 'COMMIT'), /state not OK/);
    await producer.start();
    await assert.rejects(producer.sendInTransaction({ topic: 'TxArgs', body: 'x' }, undefined as never), /tranExecutor is null/);
    await producer.shutdown();
  });

  test('transaction producer - commit: the consumer gets the message once and nobody is asked', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'TxSdkCommit', 2);
    const check = checker('ROLLBACK');
    const producer = await startProducer('PID_tx_sdk_commit', check);
    const consumer = await collect(namesrv.address, 'GID_tx_sdk_commit', 'TxSdkCommit');
    try {
      const result = await producer.sendInTransaction({ topic: 'TxSdkCommit', tags: 'TagA', body: 'committed', delayLevel: 3, properties: { order: '1' } }, (message) => {
        assert.equal(message.getProperty('TRAN_MSG'), 'true');
        assert.equal(message.getProperty('PGROUP'), 'PID_tx_sdk_commit');
        return 'COMMIT';
      });
      assert.equal(result.sendStatus, 'SEND_OK');
      assert.equal(result.localTransactionState, 'COMMIT');
      assert.equal(result.transactionId, result.msgId);
      await consumer.waitForCount(1, 'the committed message');
      await settle(broker);
      const [message, ...more] = consumer.received;
      assert.equal(more.length, 0, 'delivered once');
      assert.equal(message?.body.toString(), 'committed');
      assert.equal(message?.msgId, result.msgId);
      assert.equal(message?.tags, 'TagA');
      assert.equal(message?.properties['order'], '1');
      assert.equal(message?.properties['DELAY'], undefined, 'a transaction drops its delay level, as Java');
      assert.equal(message?.queueId, result.messageQueue.queueId);
      assert.equal(check.calls.length, 0);
    } finally {
      await consumer.consumer.shutdown();
      await producer.shutdown();
    }
  });

  test('transaction producer - rollback: the message never arrives', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'TxSdkRollback', 1);
    const check = checker('COMMIT');
    const producer = await startProducer('PID_tx_sdk_rollback', check);
    const consumer = await collect(namesrv.address, 'GID_tx_sdk_rollback', 'TxSdkRollback');
    try {
      const result = await producer.sendInTransaction({ topic: 'TxSdkRollback', body: 'rolled back' }, () => 'ROLLBACK');
      assert.equal(result.localTransactionState, 'ROLLBACK');
      await settle(broker);
      await producer.send({ topic: 'TxSdkRollback', body: 'after' });
      await consumer.waitForCount(1, 'the message sent after');
      assert.deepEqual(consumer.bodies(), ['after'], 'the queue keeps its order: the rolled-back message would have come first');
      assert.equal(check.calls.length, 0);
    } finally {
      await consumer.consumer.shutdown();
      await producer.shutdown();
    }
  });

  test('transaction producer - UNKNOWN, then the checker says COMMIT: delivered once, after the check', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'TxSdkUnknown', 1);
    const check = checker('COMMIT');
    const producer = await startProducer('PID_tx_sdk_unknown', check);
    const consumer = await collect(namesrv.address, 'GID_tx_sdk_unknown', 'TxSdkUnknown');
    try {
      const unknown = await producer.sendInTransaction({ topic: 'TxSdkUnknown', body: 'unknown at first' }, () => 'UNKNOWN');
      const failing = await producer.sendInTransaction({ topic: 'TxSdkUnknown', body: 'local transaction threw' }, () => {
        throw new Error('database down');
      });
      assert.equal(unknown.localTransactionState, 'UNKNOWN');
      assert.equal(failing.localTransactionState, 'UNKNOWN');
      await consumer.waitForCount(2, 'both messages after their checks');
      await settle(broker);
      assert.deepEqual(consumer.bodies().sort(), ['local transaction threw', 'unknown at first']);
      const asked = [...new Set(check.calls.map((message) => message.msgId))].sort();
      assert.deepEqual(asked, [unknown.msgId, failing.msgId].sort(), 'both were checked');
      const first = check.calls.find((message) => message.msgId === unknown.msgId);
      assert.equal(first?.topic, 'TxSdkUnknown', 'the checker sees the real topic');
      assert.equal(first?.body.toString(), 'unknown at first');
      assert.equal(first?.properties['TRANSACTION_CHECK_TIMES'], '1');
    } finally {
      await consumer.consumer.shutdown();
      await producer.shutdown();
    }
  });

  test('transaction producer - a half sent before a broker restart is resolved by a check after it', async () => {
    let restarting = await startBroker({ namesrvAddr: namesrv.address, brokerName: 'broker-tx-sdk-restart', conf: { ...CONF, transactionCheckInterval: '3600000' } });
    const { storeDir } = restarting;
    const port = restarting.broker.port;
    const check = checker('UNKNOWN');
    let producer: TransactionProducer | undefined;
    let consumer: Collector | undefined;
    try {
      await createTopic(admin, restarting.address, namesrv.address, 'TxSdkRestart', 1);
      producer = await startProducer('PID_tx_sdk_restart', check);
      const sent = await producer.sendInTransaction({ topic: 'TxSdkRestart', body: 'across a restart' }, () => 'UNKNOWN');
      await restarting.stop();
      restarting = await startBroker({ namesrvAddr: namesrv.address, brokerName: 'broker-tx-sdk-restart', storeDir, listenPort: port, conf: CONF });
      consumer = await collect(namesrv.address, 'GID_tx_sdk_restart', 'TxSdkRestart');
      // The producer reconnects and heartbeats; the periodic rounds ask it until it says COMMIT.
      await waitFor(() => check.calls.length > 0, 'a check after the restart');
      check.answer = 'COMMIT';
      await consumer.waitForCount(1, 'the message committed by the check');
      await settle(restarting);
      assert.deepEqual(consumer.bodies(), ['across a restart']);
      assert.equal(consumer.received[0]?.msgId, sent.msgId);
    } finally {
      await consumer?.consumer.shutdown();
      await producer?.shutdown();
      await restarting.stop(true);
    }
  });
});
