import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testLogger } from '../../log/index.js';
import { MessageQueue } from '../message.js';
import { ConsumeResult } from './consume-concurrently.js';
import { ConsumeMessageOrderlyService, type ConsumeOrderlyHost, type MessageListenerOrderly } from './consume-orderly.js';
import { ProcessQueue } from './process-queue.js';
import { ReceivedMessage } from './received-message.js';

const queueA = new MessageQueue('T', 'broker-a', 0);
const queueB = new MessageQueue('T', 'broker-a', 1);

function message(offset: number, queueId = 0): ReceivedMessage {
  const record = {
    size: 0,
    bodyCrc: 0,
    queueId,
    flag: 0,
    queueOffset: offset,
    commitLogOffset: 1000 + offset,
    sysFlag: 0,
    bornTimestamp: 0,
    bornHost: Buffer.from([127, 0, 0, 1, 0, 0, 0, 1]),
    storeTimestamp: 0,
    storeHost: Buffer.from([127, 0, 0, 1, 0, 0, 0, 2]),
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
  };
  return new ReceivedMessage('T', Buffer.from(`m${offset}`), {}, record, 'broker-a', `ID${queueId}-${offset}`, 0);
}

interface Harness {
  readonly service: ConsumeMessageOrderlyService;
  readonly dead: number[];
  readonly committed: Map<number, number[]>;
  readonly lost: number[];
}

function harness(listener: MessageListenerOrderly, overrides: Partial<ConsumeOrderlyHost> = {}): Harness {
  const dead: number[] = [];
  const committed = new Map<number, number[]>();
  const lost: number[] = [];
  const host: ConsumeOrderlyHost = {
    retryTopic: '%RETRY%G',
    messageModel: 'CLUSTERING',
    logger: testLogger(),
    consumeThreadMax: 20,
    consumeMessageBatchMaxSize: 2,
    suspendCurrentQueueTimeMillis: 10,
    maxReconsumeTimes: 2 ** 31 - 1,
    userTopic: (topic) => topic,
    sendToDeadLetter: async (sent) => void dead.push(sent.queueOffset),
    updateOffset: (queue, offset) => void committed.set(queue.queueId, [...(committed.get(queue.queueId) ?? []), offset]),
    lockLost: (queue) => void lost.push(queue.queueId),
    ...overrides,
  };
  return { service: new ConsumeMessageOrderlyService(host, listener), dead, committed, lost };
}

function lockedQueue(...messages: ReceivedMessage[]): ProcessQueue {
  const processQueue = new ProcessQueue();
  processQueue.locked = true;
  processQueue.putMessage(messages);
  return processQueue;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test('consume orderly - batches of one queue run one at a time, in offset order, each committed after it', async () => {
  const seen: number[][] = [];
  let running = 0;
  let overlapped = false;
  const { service, committed } = harness(async (messages) => {
    running++;
    if (running > 1) overlapped = true;
    await new Promise((resolve) => setTimeout(resolve, 2));
    seen.push(messages.map((m) => m.queueOffset));
    running--;
    return ConsumeResult.SUCCESS;
  });
  const processQueue = lockedQueue(message(0), message(1), message(2));
  service.submitConsumeRequest([], processQueue, queueA);
  processQueue.putMessage([message(3), message(4)]);
  service.submitConsumeRequest([], processQueue, queueA);
  await until(() => seen.flat().length === 5, 'five messages');
  assert.deepEqual(seen, [[0, 1], [2, 3], [4]]);
  assert.equal(overlapped, false, 'one batch of a queue at a time');
  assert.deepEqual(committed.get(0), [2, 4, 5], 'the offset after each consumed batch');
  assert.equal(processQueue.msgCount, 0);
});

test('consume orderly - SUSPEND_CURRENT_QUEUE_A_MOMENT and thrown errors consume the same batch again, reconsumeTimes counted', async () => {
  const attempts: { offsets: number[]; reconsumeTimes: number[] }[] = [];
  const { service, committed, dead } = harness((messages) => {
    attempts.push({ offsets: messages.map((m) => m.queueOffset), reconsumeTimes: messages.map((m) => m.reconsumeTimes) });
    if (attempts.length === 1) return ConsumeResult.SUSPEND_CURRENT_QUEUE_A_MOMENT;
    if (attempts.length === 2) throw new Error('listener failed');
    return ConsumeResult.SUCCESS;
  });
  const processQueue = lockedQueue(message(0), message(1), message(2));
  service.submitConsumeRequest([], processQueue, queueA);
  await until(() => attempts.length === 4, 'four listener calls');
  assert.deepEqual(
    attempts.map((attempt) => attempt.offsets),
    [[0, 1], [0, 1], [0, 1], [2]],
    'nothing after the batch is consumed before it succeeds',
  );
  assert.deepEqual(attempts.map((attempt) => attempt.reconsumeTimes[0]), [0, 1, 2, 0]);
  assert.deepEqual(committed.get(0), [2, 3], 'nothing committed while the batch was suspended');
  assert.deepEqual(dead, []);
});

test('consume orderly - past maxReconsumeTimes a message goes to the DLQ and the queue moves on', async () => {
  let calls = 0;
  const { service, committed, dead } = harness(
    () => {
      calls++;
      return ConsumeResult.SUSPEND_CURRENT_QUEUE_A_MOMENT;
    },
    { maxReconsumeTimes: 2, consumeMessageBatchMaxSize: 1 },
  );
  const processQueue = lockedQueue(message(0));
  service.submitConsumeRequest([], processQueue, queueA);
  await until(() => dead.length === 1, 'the DLQ send');
  assert.equal(calls, 3, 'delivered 1 + maxReconsumeTimes times');
  assert.deepEqual(dead, [0]);
  await until(() => committed.get(0)?.[0] === 1, 'the commit after the DLQ send');
});

test('consume orderly - no batch without a valid lock; a dropped queue commits nothing but remembers its last batch', async () => {
  const seen: number[] = [];
  let release: (() => void) | undefined;
  const { service, committed, lost } = harness(async (messages) => {
    seen.push(...messages.map((m) => m.queueOffset));
    await new Promise<void>((resolve) => (release = resolve));
    return ConsumeResult.SUCCESS;
  });
  const unlocked = lockedQueue(message(0, 1));
  unlocked.locked = false;
  service.submitConsumeRequest([], unlocked, queueB);
  assert.deepEqual(lost, [1], 'an unlocked queue is reported, not consumed');
  const expired = lockedQueue(message(0, 1));
  expired.lastLockTimestamp = Date.now() - 31_000;
  service.submitConsumeRequest([], expired, queueB);
  assert.deepEqual(lost, [1, 1], 'an expired lock too');

  const processQueue = lockedQueue(message(0), message(1), message(2));
  service.submitConsumeRequest([], processQueue, queueA);
  await until(() => release !== undefined, 'the first batch in the listener');
  processQueue.dropped = true;
  assert.equal(await service.whenIdle(processQueue, 20), false, 'a batch is running');
  const idle = service.whenIdle(processQueue, 10_000);
  release?.();
  assert.equal(await idle, true);
  assert.deepEqual(seen, [0, 1], 'no batch after the drop');
  assert.equal(committed.get(0), undefined, 'a dropped queue commits nothing itself');
  assert.equal(service.takeDroppedCommit(processQueue), 2, 'the finished batch is left for the rebalance to commit');
  assert.equal(service.takeDroppedCommit(processQueue), -1);
});

test('consume orderly - consumeThreadMax bounds listener calls over all queues; shutdown waits for them', async () => {
  let running = 0;
  let most = 0;
  let done = 0;
  const { service } = harness(
    async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
      done++;
      return ConsumeResult.SUCCESS;
    },
    { consumeThreadMax: 2, consumeMessageBatchMaxSize: 1 },
  );
  for (let queueId = 0; queueId < 4; queueId++) {
    service.submitConsumeRequest([], lockedQueue(message(0, queueId), message(1, queueId)), new MessageQueue('T', 'broker-a', queueId));
  }
  await until(() => done >= 3, 'some batches');
  await service.shutdown(10_000);
  assert.equal(running, 0, 'shutdown waited for running listeners');
  assert.ok(most <= 2, `at most 2 at once (saw ${most})`);
});

test('process queue - orderly take, commit and consume again keep offset order and counts', () => {
  const processQueue = new ProcessQueue();
  processQueue.putMessage([message(5), message(6), message(7)]);
  const batch = processQueue.takeMessages(2);
  assert.deepEqual(batch.map((m) => m.queueOffset), [5, 6]);
  assert.equal(processQueue.msgCount, 3, 'a batch being consumed still counts');
  processQueue.makeMessageToConsumeAgain(batch);
  assert.deepEqual(processQueue.takeMessages(3).map((m) => m.queueOffset), [5, 6, 7], 'back at the front, in order');
  assert.equal(processQueue.commit(), 8);
  assert.equal(processQueue.msgCount, 0);
  assert.equal(processQueue.msgSize, 0);
  assert.equal(processQueue.commit(), -1);
});
