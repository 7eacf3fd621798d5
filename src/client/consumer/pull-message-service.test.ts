import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeProperties, encodeRecord, encodeSocketAddress, measureRecord, type RecordInput } from '../../message/index.js';
import { testLogger } from '../../log/index.js';
import type { PullResponse } from '../core/client-api.js';
import { MessageQueue } from '../message.js';
import type { OffsetStore } from '../offset/offset-store.js';
import { validatePushConsumerOptions } from '../options.js';
import { ProcessQueue } from './process-queue.js';
import type { PullApi } from './pull-api.js';
import { PullMessageService, type PullHost, type PullRequest } from './pull-message-service.js';
import type { ReceivedMessage } from './received-message.js';
import { buildSubscriptionData } from './subscription.js';

const queue = new MessageQueue('T', 'broker-a', 0);

/** A FOUND body of `count` records from queue offset `from`. */
function body(from: number, count: number): Buffer {
  return Buffer.concat(
    Array.from({ length: count }, (_, index) => {
      const input: RecordInput = {
        queueId: 0,
        flag: 0,
        queueOffset: from + index,
        commitLogOffset: 100 * (from + index),
        sysFlag: 0,
        bornTimestamp: 1_700_000_000_000,
        bornHost: encodeSocketAddress('10.0.0.5', 54321),
        storeTimestamp: 1_700_000_000_100,
        storeHost: encodeSocketAddress('192.168.1.20', 10911),
        reconsumeTimes: 0,
        preparedTransactionOffset: 0,
        body: Buffer.from(`m${from + index}`),
        topic: 'T',
        properties: encodeProperties(new Map()),
      };
      const measure = measureRecord(input);
      const bytes = Buffer.alloc(measure.size);
      encodeRecord(input, measure, bytes, 0);
      return bytes;
    }),
  );
}

/** A service over a broker that answers each pull with `batch` messages; `events` records pulls and hand-overs in order. */
function harness(pullThresholdForQueue: number, batch: number, pulls: number) {
  const events: string[] = [];
  const processQueue = new ProcessQueue();
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const pullApi = {
    request: async (_queue: MessageQueue, _subscription: unknown, args: { offset: number }): Promise<PullResponse> => {
      events.push(`pull ${args.offset}`);
      if (args.offset >= pulls * batch) {
        done();
        return new Promise<PullResponse>(() => undefined); // the broker holds the last pull
      }
      return { status: 'FOUND', nextBeginOffset: args.offset + batch, minOffset: 0, maxOffset: pulls * batch, suggestWhichBrokerId: 0, offsetDelta: undefined, body: body(args.offset, batch) };
    },
  };
  const host: PullHost = {
    options: validatePushConsumerOptions({ groupName: 'G', namesrvAddr: '127.0.0.1:9876', pullThresholdForQueue, pullBatchSize: batch }),
    logger: testLogger(),
    pullApi: pullApi as unknown as PullApi,
    offsetStore: { readOffset: async () => -1 } as unknown as OffsetStore,
    consumeOrderly: () => false,
    subscription: () => buildSubscriptionData('T', '*'),
    submitConsumeRequest: (messages: ReceivedMessage[]) => void events.push(`consume ${messages[0]?.queueOffset ?? -1}-${messages.at(-1)?.queueOffset ?? -1}`),
    fixOffset: async () => undefined,
  };
  const service = new PullMessageService(host);
  const request: PullRequest = { queue, processQueue, nextOffset: 0 };
  return { events, processQueue, service, request, finished };
}

test('pull service - with room under flow control, the next pull leaves before a batch is decoded; batches are handed over in order', async () => {
  const { events, processQueue, service, request, finished } = harness(1000, 4, 3);
  service.executePullRequestImmediately(request);
  await finished;
  await new Promise((resolve) => setTimeout(resolve, 20));
  service.stop();
  assert.deepEqual(events, ['pull 0', 'pull 4', 'consume 0-3', 'pull 8', 'consume 4-7', 'pull 12', 'consume 8-11']);
  assert.equal(processQueue.msgCount, 12, 'every batch reached the process queue');
});

test('pull service - without room for the batch, it is decoded and queued before the next pull (flow control sees it)', async () => {
  const { events, service, request, finished } = harness(5, 4, 2);
  service.executePullRequestImmediately(request);
  await new Promise((resolve) => setTimeout(resolve, 300));
  service.stop();
  // 0 held + 4 fits under 5: the next pull goes first; 4 held + 4 does not: decoded first, then the
  // pull waits for flow control (8 held > 5), which no consumption here releases.
  assert.deepEqual(events, ['pull 0', 'pull 4', 'consume 0-3', 'consume 4-7']);
  void finished;
});
