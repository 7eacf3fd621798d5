import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testLogger } from '../../log/index.js';
import { MessageQueue } from '../message.js';
import { ConsumeMessageConcurrentlyService, ConsumeResult, type ConsumeHost, type MessageListenerConcurrently } from './consume-concurrently.js';
import { ProcessQueue } from './process-queue.js';
import { ReceivedMessage } from './received-message.js';
import { buildSubscriptionData, matchesTags } from './subscription.js';

const queue = new MessageQueue('T', 'broker-a', 0);

function message(offset: number, properties: Record<string, string> = {}, topic = 'T'): ReceivedMessage {
  const record = {
    size: 0,
    bodyCrc: 0,
    queueId: 0,
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
  return new ReceivedMessage(topic, Buffer.from(`m${offset}`), properties, record, 'broker-a', `ID${offset}`, 0);
}

interface Harness {
  readonly service: ConsumeMessageConcurrentlyService;
  readonly processQueue: ProcessQueue;
  readonly sentBack: { offset: number; delayLevel: number }[];
  readonly committed: number[];
}

function harness(listener: MessageListenerConcurrently, overrides: Partial<ConsumeHost> = {}): Harness {
  const processQueue = new ProcessQueue();
  const sentBack: Harness['sentBack'] = [];
  const committed: number[] = [];
  const host: ConsumeHost = {
    retryTopic: '%RETRY%G',
    messageModel: 'CLUSTERING',
    logger: testLogger(),
    consumeThreadMax: 2,
    consumeMessageBatchMaxSize: 3,
    consumeTimeoutMs: 60_000,
    userTopic: (topic) => topic,
    sendMessageBack: async (sent, delayLevel) => void sentBack.push({ offset: sent.queueOffset, delayLevel }),
    updateOffset: (_queue, offset) => void committed.push(offset),
    processQueues: () => [{ queue, processQueue }],
    ...overrides,
  };
  return { service: new ConsumeMessageConcurrentlyService(host, listener), processQueue, sentBack, committed };
}

async function settle(service: ConsumeMessageConcurrentlyService): Promise<void> {
  for (let round = 0; round < 100 && (service.inFlight > 0 || service.queued > 0); round++) await new Promise((resolve) => setImmediate(resolve));
}

test('consume concurrently - batches of consumeMessageBatchMaxSize, at most consumeThreadMax at once, offsets committed', async () => {
  let running = 0;
  let peak = 0;
  const sizes: number[] = [];
  const { service, processQueue, committed } = harness(async (messages) => {
    running++;
    peak = Math.max(peak, running);
    sizes.push(messages.length);
    await new Promise((resolve) => setImmediate(resolve));
    running--;
    return ConsumeResult.SUCCESS;
  });
  const messages = Array.from({ length: 10 }, (_, offset) => message(offset));
  processQueue.putMessage(messages);
  service.submitConsumeRequest(messages, processQueue, queue);
  await settle(service);
  assert.deepEqual(sizes, [3, 3, 3, 1]);
  assert.equal(peak, 2);
  assert.equal(Math.max(...committed), 10, 'everything consumed: the next offset is 10');
  assert.equal(processQueue.msgCount, 0);
  const waiting = (service as unknown as { waiting: unknown[] }).waiting;
  assert.equal(waiting.filter((request) => request !== undefined).length, 0, 'no consumed batch is kept by the queue');
});

test('consume concurrently - RECONSUME_LATER, a throw, undefined and the part after ackIndex are sent back', async () => {
  const results = [ConsumeResult.RECONSUME_LATER, 'throw', undefined, ConsumeResult.SUCCESS] as const;
  let call = 0;
  const { service, processQueue, sentBack } = harness((_messages, context) => {
    const result = results[call++];
    if (result === 'throw') throw new Error('boom');
    if (result === ConsumeResult.SUCCESS) context.ackIndex = 0;
    context.delayLevelWhenNextConsume = call;
    return result as ConsumeResult;
  }, { consumeThreadMax: 1, consumeMessageBatchMaxSize: 1 });
  const messages = [message(0), message(1), message(2)];
  const batch = [message(3), message(4)];
  processQueue.putMessage([...messages, ...batch]);
  service.submitConsumeRequest(messages, processQueue, queue);
  await settle(service);
  const { service: batchService, processQueue: batchQueue, sentBack: batchBack } = harness((_messages, context) => {
    context.ackIndex = 0;
    return ConsumeResult.SUCCESS;
  });
  batchQueue.putMessage(batch);
  batchService.submitConsumeRequest(batch, batchQueue, queue);
  await settle(batchService);
  assert.deepEqual(sentBack, [{ offset: 0, delayLevel: 1 }, { offset: 1, delayLevel: 0 }, { offset: 2, delayLevel: 3 }]);
  assert.deepEqual(batchBack, [{ offset: 4, delayLevel: 0 }], 'after ackIndex 0, the second message goes back');
});

test('consume concurrently - retry messages are handed over under their original topic; broadcasting drops failures', async () => {
  const topics: string[] = [];
  const { service, processQueue, sentBack } = harness(
    (messages) => {
      topics.push(...messages.map((received) => received.topic));
      return ConsumeResult.RECONSUME_LATER;
    },
    { messageModel: 'BROADCASTING' },
  );
  const retried = message(0, { RETRY_TOPIC: 'T' }, '%RETRY%G');
  processQueue.putMessage([retried]);
  service.submitConsumeRequest([retried], processQueue, queue);
  await settle(service);
  assert.deepEqual(topics, ['T']);
  assert.deepEqual(sentBack, [], 'broadcasting never sends back');
  assert.equal(processQueue.msgCount, 0);
});

test('consume concurrently - messages consumed longer than consumeTimeout are sent back with level 3 and released', async () => {
  const { service, processQueue, sentBack } = harness(() => ConsumeResult.SUCCESS, { consumeTimeoutMs: 1000 });
  const stuck = [message(0), message(1), message(2)];
  processQueue.putMessage(stuck);
  for (const received of stuck.slice(0, 2)) received.consumeStartTime = 10_000;
  await service.cleanExpiredMessages(10_500);
  assert.deepEqual(sentBack, [], 'not yet expired');
  await service.cleanExpiredMessages(11_001);
  assert.deepEqual(sentBack, [{ offset: 0, delayLevel: 3 }, { offset: 1, delayLevel: 3 }]);
  assert.equal(processQueue.firstOffset(), 2, 'message 2 was never started: it stays');
  await service.shutdown(10);
});

test('process queue - the committable offset is the first held, or one past the last pulled', () => {
  const processQueue = new ProcessQueue();
  assert.equal(processQueue.removeMessage([message(0)]), -1, 'nothing held');
  const messages = [message(5), message(6), message(7)];
  processQueue.putMessage(messages);
  processQueue.putMessage([message(6)]);
  assert.equal(processQueue.msgCount, 3, 'an offset held is not added twice');
  assert.equal(processQueue.maxSpan(), 2);
  assert.equal(processQueue.removeMessage([messages[1] as ReceivedMessage]), 5);
  assert.equal(processQueue.removeMessage([messages[0] as ReceivedMessage]), 7);
  assert.equal(processQueue.removeMessage([messages[2] as ReceivedMessage]), 8);
  assert.equal(processQueue.msgSize, 0);
  processQueue.putMessage([message(12), message(10), message(11)]);
  assert.equal(processQueue.firstOffset(), 10, 'out-of-order offsets are sorted');
});

test('subscription - tag expressions become tag and hash sets; SQL92 passes through', () => {
  const tagged = buildSubscriptionData('T', 'TagA || TagB ||  TagA ', 42);
  assert.deepEqual([tagged.subString, tagged.tagsSet, tagged.codeSet, tagged.subVersion, tagged.expressionType], ['TagA || TagB ||  TagA ', ['TagA', 'TagB'], [2598919, 2598920], 42, 'TAG']);
  assert.deepEqual(buildSubscriptionData('T', '*').tagsSet, []);
  assert.equal(buildSubscriptionData('T', '').subString, '*');
  assert.equal(buildSubscriptionData('T', { type: 'SQL92', expression: 'a > 1' }).expressionType, 'SQL92');
  assert.throws(() => buildSubscriptionData('T', ' || '), /names no tag/);
  assert.equal(matchesTags(tagged, 'TagB'), true);
  assert.equal(matchesTags(tagged, 'TagC'), false);
  assert.equal(matchesTags(tagged, undefined), false);
  assert.equal(matchesTags(buildSubscriptionData('T', '*'), undefined), true);
});
