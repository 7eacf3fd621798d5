import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeProperties, encodeRecord, encodeSocketAddress, MessageConst, measureRecord, type RecordInput } from '../../message/index.js';
import { MessageQueue } from '../message.js';
import { decodePulledMessages } from './received-message.js';
import { buildSubscriptionData } from './subscription.js';

const queue = new MessageQueue('TopicTest', 'broker-a', 1);

function record(queueOffset: number, properties: [string, string][]): Buffer {
  const input: RecordInput = {
    queueId: 1,
    flag: 0,
    queueOffset,
    commitLogOffset: 1000 * queueOffset,
    sysFlag: 0,
    bornTimestamp: 1700000000000,
    bornHost: encodeSocketAddress('10.0.0.5', 54321),
    storeTimestamp: 1700000000100,
    storeHost: encodeSocketAddress('192.168.1.20', 10911),
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
    body: Buffer.from(`m${queueOffset}`),
    topic: 'TopicTest',
    properties: encodeProperties(new Map(properties)),
  };
  const measure = measureRecord(input);
  const bytes = Buffer.alloc(measure.size);
  encodeRecord(input, measure, bytes, 0);
  return bytes;
}

const body = Buffer.concat([
  record(0, [
    [MessageConst.TAGS, 'TagA'],
    [MessageConst.KEYS, 'k1 k2'],
    [MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX, 'AC11000100002A9F0000000000000001'],
    ['color', 'red'],
  ]),
  record(1, [[MessageConst.TAGS, 'TagB']]),
  record(2, [
    ['color', 'blue'],
    ['color', 'green'],
  ]),
]);
const range = { minOffset: 0, maxOffset: 3 };

test('received-message - one property read from the text gives what the decoded properties give', async () => {
  const messages = await decodePulledMessages(body, queue, range, buildSubscriptionData('TopicTest', '*'));
  assert.deepEqual(
    messages.map((message) => message.body.toString()),
    ['m0', 'm1', 'm2'],
  );
  const [first, , third] = messages;
  assert.ok(first !== undefined && third !== undefined);
  // Read one by one before `properties` decodes them all...
  const names = [MessageConst.TAGS, MessageConst.KEYS, 'color', MessageConst.MIN_OFFSET, MessageConst.MAX_OFFSET, 'absent'];
  const single = names.map((name) => first.getProperty(name));
  assert.deepEqual(single, ['TagA', 'k1 k2', 'red', '0', '3', undefined]);
  assert.deepEqual([first.tags, first.keys, first.msgId], ['TagA', 'k1 k2', 'AC11000100002A9F0000000000000001']);
  assert.equal(third.getProperty('color'), 'green', 'a later duplicate wins');
  // ...and the same after.
  assert.deepEqual(first.properties, {
    [MessageConst.TAGS]: 'TagA',
    [MessageConst.KEYS]: 'k1 k2',
    [MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX]: 'AC11000100002A9F0000000000000001',
    color: 'red',
    [MessageConst.MIN_OFFSET]: '0',
    [MessageConst.MAX_OFFSET]: '3',
  });
  assert.deepEqual(
    names.map((name) => first.getProperty(name)),
    single,
  );
  assert.equal(third.properties['color'], 'green');
  assert.equal(third.msgId, third.offsetMsgId, 'no UNIQ_KEY: the offset message id');
});

test('received-message - a tag subscription keeps only its tags', async () => {
  const messages = await decodePulledMessages(body, queue, range, buildSubscriptionData('TopicTest', 'TagB || TagC'));
  assert.deepEqual(
    messages.map((message) => [message.queueOffset, message.tags]),
    [[1, 'TagB']],
  );
});
