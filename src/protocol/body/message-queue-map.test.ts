import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BodyError } from '../errors.js';
import { decodeMessageQueueMap, encodeMessageQueueMap } from './message-queue-map.js';

test('message queue map - encodes as fastjson does and reads its own output back', () => {
  const entries = [
    { queue: { topic: 'TopicTest', brokerName: 'broker-a', queueId: 0 }, offset: 12 },
    { queue: { topic: 'T "q"', brokerName: 'b', queueId: 3 }, offset: 0 },
  ];
  const body = encodeMessageQueueMap('offsetTable', entries);
  assert.equal(
    body.toString(),
    '{"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"TopicTest"}:12,{"brokerName":"b","queueId":3,"topic":"T \\"q\\""}:0}}',
  );
  assert.deepEqual(decodeMessageQueueMap(body, 'offsetTable'), entries);
});

test('message queue map - reads Java\'s pretty offsets.json and ResetOffsetBody with any key order', () => {
  const pretty = '{\n\t"offsetTable":{{\n\t\t\t"brokerName":"broker-a",\n\t\t\t"queueId":1,\n\t\t\t"topic":"TopicTest"\n\t\t}:42\n\t}\n}';
  assert.deepEqual(decodeMessageQueueMap(pretty, 'offsetTable'), [{ queue: { topic: 'TopicTest', brokerName: 'broker-a', queueId: 1 }, offset: 42 }]);
  const reordered = '{"offsetTable":{{"topic":"T","queueId":2,"brokerName":"b"}:"7"},"other":[1,true,null,{"x":1.5e3}]}';
  assert.deepEqual(decodeMessageQueueMap(reordered, 'offsetTable'), [{ queue: { topic: 'T', brokerName: 'b', queueId: 2 }, offset: 7 }]);
  assert.deepEqual(decodeMessageQueueMap('{"offsetTable":{}}', 'offsetTable'), []);
  assert.deepEqual(decodeMessageQueueMap('{}', 'offsetTable'), []);
});

test('message queue map - bad input is a BodyError, never a crash', () => {
  for (const bad of ['', '{', '{"offsetTable":{{"topic":"T"}:1}}', '{"offsetTable":{"k":1}}', '{"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:1.5}}', '{} x', '[1]', '{"a":' + '['.repeat(100) + ']'.repeat(100) + '}']) {
    assert.throws(() => decodeMessageQueueMap(bad, 'offsetTable'), BodyError, JSON.stringify(bad));
  }
});
