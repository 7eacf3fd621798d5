import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BodyError } from '../errors.js';
import {
  dataVersionToJson,
  decodeDataVersion,
  decodeTopicConfig,
  decodeTopicConfigLine,
  encodeTopicConfigLine,
  permToString,
  sameDataVersion,
  topicConfigToJson,
  type TopicConfig,
} from './topic-config.js';

const CONFIG: TopicConfig = {
  topicName: 'T',
  readQueueNums: 8,
  writeQueueNums: 4,
  perm: 6,
  topicFilterType: 'MULTI_TAG',
  topicSysFlag: 1,
  order: true,
  attributes: { '+message.type': 'NORMAL' },
};

test('topic-config - JSON keys in fastjson order, and back', () => {
  assert.equal(
    JSON.stringify(topicConfigToJson(CONFIG)),
    '{"attributes":{"+message.type":"NORMAL"},"order":true,"perm":6,"readQueueNums":8,"topicFilterType":"MULTI_TAG","topicName":"T","topicSysFlag":1,"writeQueueNums":4}',
  );
  assert.deepEqual(decodeTopicConfig(topicConfigToJson(CONFIG), 'c'), CONFIG);
  assert.throws(() => decodeTopicConfig({ ...topicConfigToJson(CONFIG), topicFilterType: 'ANY' }, 'c'), /c\.topicFilterType/);
  assert.throws(() => decodeTopicConfig({ ...topicConfigToJson(CONFIG), order: 1 }, 'c'), BodyError);
});

test('topic-config - TopicConfig.encode() line: name read write perm filterType attributes', () => {
  assert.equal(encodeTopicConfigLine(CONFIG), 'T 8 4 6 MULTI_TAG {"+message.type":"NORMAL"}');
  // The line carries neither topicSysFlag nor order, as in Java.
  assert.deepEqual(decodeTopicConfigLine(encodeTopicConfigLine(CONFIG), 'line'), { ...CONFIG, topicSysFlag: 0, order: false });
});

test('topic-config - DataVersion and perm helpers', () => {
  const version = { stateVersion: 0, timestamp: 1700000000000, counter: 3 };
  assert.equal(JSON.stringify(dataVersionToJson(version)), '{"counter":3,"stateVersion":0,"timestamp":1700000000000}');
  assert.deepEqual(decodeDataVersion({ counter: 3, timestamp: 1700000000000 }, 'v'), version);
  assert.equal(sameDataVersion(version, { ...version }), true);
  assert.equal(sameDataVersion(version, { ...version, counter: 4 }), false);
  assert.deepEqual([permToString(6), permToString(7), permToString(4), permToString(0)], ['RW-', 'RWX', 'R--', '---']);
});
