import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BodyError } from '../errors.js';
import { decodeConsumerIdList, decodeKVTable, decodeTopicList, encodeConsumerIdList, encodeKVTable, encodeTopicList } from './simple.js';

test('simple - TopicList, KVTable and consumer id list bodies as Java writes them', () => {
  assert.equal(encodeTopicList({ topicList: ['T1', 'T2'] }).toString(), '{"topicList":["T1","T2"]}');
  assert.equal(encodeTopicList({ topicList: [], brokerAddr: '10.0.0.1:10911' }).toString(), '{"brokerAddr":"10.0.0.1:10911","topicList":[]}');
  assert.equal(encodeKVTable({ ORDER: 'broker-a:4' }).toString(), '{"table":{"ORDER":"broker-a:4"}}');
  assert.equal(encodeConsumerIdList(['a@1', 'b@2']).toString(), '{"consumerIdList":["a@1","b@2"]}');
});

test('simple - decode gives the values back, and refuses wrong shapes', () => {
  assert.deepEqual(decodeTopicList(encodeTopicList({ topicList: ['T1'], brokerAddr: 'b:1' })), { topicList: ['T1'], brokerAddr: 'b:1' });
  assert.deepEqual(decodeTopicList(Buffer.from('{"topicList":["T"]}')), { topicList: ['T'], brokerAddr: undefined });
  assert.deepEqual(decodeKVTable(Buffer.from('{"table":{"a":"1"}}')), { a: '1' });
  assert.deepEqual(decodeKVTable(Buffer.from('{}')), {});
  assert.deepEqual(decodeConsumerIdList(Buffer.from('{"consumerIdList":["a@1"]}')), ['a@1']);
  assert.throws(() => decodeTopicList(Buffer.from('{"topicList":"T"}')), BodyError);
  assert.throws(() => decodeKVTable(Buffer.from('{"table":{"a":1}}')), /kvTable\.table\.a is not a string/);
  assert.throws(() => decodeConsumerIdList(Buffer.from('{"consumerIdList":[1]}')), BodyError);
  assert.throws(() => decodeConsumerIdList(undefined), /no body/);
});
