// Golden tests of the topic admin bodies: TopicStatsTable (202) in fastjson's MessageQueue-keyed
// form, CreateTopicListRequestBody (18), and the properties text of 318/319.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeCreateTopicList, decodeTopicConfigArray, encodeCreateTopicList } from './create-topic-list.js';
import { decodePropertiesText, encodePropertiesText } from './properties-text.js';
import { decodeTopicStatsTable, encodeTopicStatsTable } from './topic-stats-table.js';

// As fastjson writes a TopicStatsTable with one empty and one used queue (Java 5.x broker).
const TOPIC_STATS_GOLDEN =
  '{"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:{"lastUpdateTimestamp":0,"maxOffset":0,"minOffset":0},' +
  '{"brokerName":"broker-a","queueId":1,"topic":"T"}:{"lastUpdateTimestamp":1700000000123,"maxOffset":5,"minOffset":1}},"topicPutTps":0.0}';

test('topic-stats-table - encodes as fastjson does and decodes it back', () => {
  const table = {
    offsetTable: [
      { queue: { topic: 'T', brokerName: 'broker-a', queueId: 0 }, offset: { minOffset: 0, maxOffset: 0, lastUpdateTimestamp: 0 } },
      { queue: { topic: 'T', brokerName: 'broker-a', queueId: 1 }, offset: { minOffset: 1, maxOffset: 5, lastUpdateTimestamp: 1700000000123 } },
    ],
    topicPutTps: 0,
  };
  assert.equal(encodeTopicStatsTable(table).toString(), TOPIC_STATS_GOLDEN);
  assert.deepEqual(decodeTopicStatsTable(Buffer.from(TOPIC_STATS_GOLDEN)), table);
  const tps = decodeTopicStatsTable(encodeTopicStatsTable({ ...table, topicPutTps: 12.5 }));
  assert.equal(tps.topicPutTps, 12.5);
});

test('topic-stats-table - a body that is not a stats table is a BodyError', () => {
  assert.throws(() => decodeTopicStatsTable(Buffer.from('[1,2]')), { name: 'BodyError' });
  assert.throws(() => decodeTopicStatsTable(Buffer.from('{"offsetTable":{{"brokerName":"b"}:{}}}')), { name: 'BodyError' });
  assert.throws(() => decodeTopicStatsTable(Buffer.from('{"offsetTable":')), { name: 'BodyError' });
});

test('create-topic-list - {"topicConfigList":[...]} both ways; Java defaults for missing fields', () => {
  const config = { topicName: 'A', readQueueNums: 2, writeQueueNums: 2, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false, attributes: { '+message.type': 'FIFO' } } as const;
  const body = encodeCreateTopicList([config]);
  assert.equal(
    body.toString(),
    '{"topicConfigList":[{"attributes":{"+message.type":"FIFO"},"order":false,"perm":6,"readQueueNums":2,"topicFilterType":"SINGLE_TAG","topicName":"A","topicSysFlag":0,"writeQueueNums":2}]}',
  );
  assert.deepEqual(decodeCreateTopicList(body), [config]);
  const fromFile = decodeTopicConfigArray('[{"topicName":"B","readQueueNums":1,"writeQueueNums":1,"perm":4},{"topicName":"C"}]');
  assert.deepEqual(fromFile[0], { topicName: 'B', readQueueNums: 1, writeQueueNums: 1, perm: 4, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false, attributes: {} });
  assert.deepEqual(fromFile[1], { topicName: 'C', readQueueNums: 16, writeQueueNums: 16, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false, attributes: {} });
  assert.throws(() => decodeTopicConfigArray('[{"readQueueNums":1}]'), { name: 'BodyError' });
  assert.throws(() => decodeTopicConfigArray('[{"topicName":"D","perm":"rw"}]'), { name: 'BodyError' });
  assert.throws(() => decodeTopicConfigArray('{"topicName":"B"}'), { name: 'BodyError' });
});

test('properties-text - key=value lines; comments, blanks and ":" separators as Java reads them', () => {
  assert.equal(encodePropertiesText([['a', '1'], ['b', 'x=y']]).toString(), 'a=1\nb=x=y\n');
  assert.deepEqual(decodePropertiesText('# comment\n\n a = 1 \r\nb=x=y\n!also\nc:2\n'), [['a', '1'], ['b', 'x=y'], ['c', '2']]);
  assert.throws(() => decodePropertiesText('novalue\n'), { name: 'BodyError' });
  assert.throws(() => decodePropertiesText('=1\n'), { name: 'BodyError' });
});
