import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testLogger } from '../../log/index.js';
import { encodeProperties, encodeRecord, encodeSocketAddress, measureRecord, MessageConst, type RecordInput } from '../../message/index.js';
import type { MessageExt } from '../message.js';
import { ConsumeResult } from './consume-concurrently.js';
import type { ConsumeOrderlyContext } from './consume-orderly.js';
import { consumeMessageDirectly, DirectConsumeError, type DirectConsumeHost } from './consume-directly.js';

const HOST: DirectConsumeHost = { retryTopic: '%RETRY%ns%GID', logger: testLogger(), userTopic: (topic) => topic.replace(/^ns%/, '') };

function stored(topic: string, properties: Record<string, string>): Buffer {
  const input: RecordInput = {
    queueId: 2,
    flag: 0,
    queueOffset: 7,
    commitLogOffset: 4096,
    sysFlag: 0,
    bornTimestamp: 1700000000000,
    bornHost: encodeSocketAddress('10.0.0.5', 5000),
    storeTimestamp: 1700000000001,
    storeHost: encodeSocketAddress('127.0.0.1', 10911),
    reconsumeTimes: 1,
    preparedTransactionOffset: 0,
    body: Buffer.from('payload'),
    topic,
    properties: encodeProperties(new Map(Object.entries(properties))),
  };
  const measure = measureRecord(input);
  const buffer = Buffer.alloc(measure.size);
  encodeRecord(input, measure, buffer, 0);
  return buffer;
}

test('consume-directly - a concurrent listener gets the message alone; its status becomes the CMResult', async () => {
  const seen: MessageExt[][] = [];
  const record = stored('ns%T', { [MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX]: 'UNIQ1', [MessageConst.TAGS]: 'A' });
  const answer = async (status: unknown) =>
    consumeMessageDirectly(record, 'broker-a', HOST, {
      orderly: false,
      listener: (messages) => {
        seen.push(messages);
        return status as ConsumeResult;
      },
    });
  const success = await answer(ConsumeResult.SUCCESS);
  assert.deepEqual({ ...success, spentTimeMills: 0 }, { order: false, autoCommit: true, consumeResult: 'CR_SUCCESS', remark: undefined, spentTimeMills: 0 });
  assert.equal((await answer(ConsumeResult.RECONSUME_LATER)).consumeResult, 'CR_LATER');
  assert.equal((await answer(undefined)).consumeResult, 'CR_RETURN_NULL');
  assert.equal((await answer(ConsumeResult.SUSPEND_CURRENT_QUEUE_A_MOMENT)).consumeResult, undefined);
  const [message] = seen[0] ?? [];
  assert.equal(seen[0]?.length, 1);
  assert.equal(message?.topic, 'T');
  assert.equal(message?.msgId, 'UNIQ1');
  assert.equal(message?.brokerName, 'broker-a');
  assert.equal(message?.queueId, 2);
  assert.equal(message?.tags, 'A');
  assert.equal(message?.body.toString(), 'payload');
});

test('consume-directly - an orderly listener: order=true, SUSPEND is CR_LATER; a thrown error is CR_THROW_EXCEPTION with its description', async () => {
  const record = stored('%RETRY%ns%GID', { [MessageConst.RETRY_TOPIC]: 'ns%Orig' });
  let context: ConsumeOrderlyContext | undefined;
  const later = await consumeMessageDirectly(record, 'b', HOST, {
    orderly: true,
    listener: (messages, ctx) => {
      context = ctx;
      assert.equal(messages[0]?.topic, 'Orig');
      return ConsumeResult.SUSPEND_CURRENT_QUEUE_A_MOMENT;
    },
  });
  assert.equal(later.order, true);
  assert.equal(later.consumeResult, 'CR_LATER');
  assert.equal(context?.messageQueue.topic, 'Orig');
  assert.equal(context?.messageQueue.brokerName, 'b');
  const thrown = await consumeMessageDirectly(record, 'b', HOST, {
    orderly: true,
    listener: () => {
      throw new TypeError('boom');
    },
  });
  assert.equal(thrown.consumeResult, 'CR_THROW_EXCEPTION');
  assert.equal(thrown.remark, 'TypeError: boom');
});

test('consume-directly - no body or a body that is not a stored message is refused before the listener', async () => {
  let called = false;
  const target = { orderly: false as const, listener: () => ((called = true), ConsumeResult.SUCCESS) };
  await assert.rejects(consumeMessageDirectly(undefined, 'b', HOST, target), DirectConsumeError);
  await assert.rejects(consumeMessageDirectly(Buffer.from('garbage-bytes'), 'b', HOST, target), DirectConsumeError);
  assert.equal(called, false);
});
