// Golden tests of the admin bodies (ConsumeStats, ConsumeStatsList, ConsumerConnection,
// ProducerConnection, ConsumerRunningInfo, GetConsumerStatusBody, QueryConsumeQueueResponseBody,
// SubscriptionGroupWrapper/List): the fixtures are the text fastjson writes for these classes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BodyError } from '../errors.js';
import { decodeConsumeStats, decodeConsumeStatsList, encodeConsumeStats, encodeConsumeStatsList, consumeStatsTotalDiff } from './consume-stats.js';
import { decodeConsumerConnection, decodeProducerConnection, encodeConsumerConnection, encodeProducerConnection, minConnectionVersion } from './connection.js';
import { decodeConsumerRunningInfo, encodeConsumerRunningInfo, type ConsumerRunningInfo } from './consumer-running-info.js';
import { decodeGetConsumerStatusBody, encodeGetConsumerStatusBody } from './consumer-status.js';
import { consumeQueueDataToString, decodeQueryConsumeQueueResponseBody, encodeQueryConsumeQueueResponseBody } from './query-consume-queue.js';
import { decodeSubscriptionGroupList, decodeSubscriptionGroupWrapper, encodeSubscriptionGroupList } from './subscription-group-wrapper.js';
import { newSubscriptionGroupConfig } from './subscription-group.js';

const MQ = '{"brokerName":"broker-a","queueId":0,"topic":"TopicTest"}';
const SUB = '{"classFilterMode":false,"codeSet":[2598919],"expressionType":"TAG","subString":"TagA","subVersion":1700000000000,"tagsSet":["TagA"],"topic":"TopicTest"}';

describe('admin bodies', () => {
  test('consume stats - fastjson text both ways, object-keyed offsetTable, doubles with a fraction', () => {
    const java = `{"consumeTps":12.5,"offsetTable":{${MQ}:{"brokerOffset":10,"consumerOffset":4,"lastTimestamp":1700000000123,"pullOffset":6}}}`;
    const stats = decodeConsumeStats(Buffer.from(java));
    assert.deepEqual(stats, {
      consumeTps: 12.5,
      offsetTable: [{ queue: { topic: 'TopicTest', brokerName: 'broker-a', queueId: 0 }, offset: { brokerOffset: 10, consumerOffset: 4, pullOffset: 6, lastTimestamp: 1700000000123 } }],
    });
    assert.equal(encodeConsumeStats(stats).toString(), java);
    assert.equal(encodeConsumeStats({ consumeTps: 0, offsetTable: [] }).toString(), '{"consumeTps":0.0,"offsetTable":{}}');
    assert.equal(consumeStatsTotalDiff(stats), 6);
    const list = `{"brokerAddr":"127.0.0.1:10911","consumeStatsList":[{"G1":[${java}]}],"totalDiff":6,"totalInflightDiff":2}`;
    const decoded = decodeConsumeStatsList(Buffer.from(list));
    assert.equal(decoded.consumeStatsList[0]?.group, 'G1');
    assert.equal(decoded.consumeStatsList[0]?.stats[0]?.offsetTable[0]?.offset.brokerOffset, 10);
    assert.equal(encodeConsumeStatsList(decoded).toString(), list);
  });

  test('consumer and producer connection - Java fields, subscriptionTable by topic', () => {
    const java = `{"connectionSet":[{"clientAddr":"127.0.0.1:52000","clientId":"10.0.0.1@123","language":"JAVA","version":479}],"consumeFromWhere":"CONSUME_FROM_LAST_OFFSET","consumeType":"CONSUME_PASSIVELY","messageModel":"CLUSTERING","subscriptionTable":{"TopicTest":${SUB}}}`;
    const connection = decodeConsumerConnection(Buffer.from(java));
    assert.equal(connection.connectionSet[0]?.clientId, '10.0.0.1@123');
    assert.equal(connection.subscriptionTable[0]?.subString, 'TagA');
    assert.equal(connection.messageModel, 'CLUSTERING');
    assert.equal(minConnectionVersion(connection), 479);
    assert.equal(encodeConsumerConnection(connection).toString(), java);
    const producer = '{"connectionSet":[{"clientAddr":"127.0.0.1:52001","clientId":"p@1","language":"NODE_JS","version":479}]}';
    assert.equal(encodeProducerConnection(decodeProducerConnection(Buffer.from(producer))).toString(), producer);
  });

  test('consumer running info - TreeMap order, ProcessQueueInfo and ConsumeStatus fields', () => {
    const pq = '{"cachedMsgCount":1,"cachedMsgMaxOffset":9,"cachedMsgMinOffset":9,"cachedMsgSizeInMiB":0,"commitOffset":9,"droped":false,"lastConsumeTimestamp":1700000000000,"lastLockTimestamp":0,"lastPullTimestamp":1700000000001,"locked":false,"transactionMsgCount":0,"transactionMsgMaxOffset":0,"transactionMsgMinOffset":0,"tryUnlockTimes":0}';
    const status = '{"consumeFailedMsgs":2,"consumeFailedTPS":0.0,"consumeOKTPS":1.5,"consumeRT":3.0,"pullRT":7.25,"pullTPS":1.5}';
    const java = `{"mqPopTable":{},"mqTable":{${MQ}:${pq}},"properties":{"PROP_CONSUME_TYPE":"CONSUME_PASSIVELY","consumerGroup":"G"},"statusTable":{"TopicTest":${status}},"subscriptionSet":[${SUB}],"userConsumerInfo":{}}`;
    const info: ConsumerRunningInfo = decodeConsumerRunningInfo(Buffer.from(java));
    assert.equal(info.properties['PROP_CONSUME_TYPE'], 'CONSUME_PASSIVELY');
    assert.equal(info.mqTable[0]?.info.commitOffset, 9);
    assert.equal(info.statusTable['TopicTest']?.pullRT, 7.25);
    assert.equal(info.subscriptionSet[0]?.topic, 'TopicTest');
    assert.equal(encodeConsumerRunningInfo(info).toString(), java);
  });

  test('consumer status body - client id to a MessageQueue-keyed offset table', () => {
    const java = `{"consumerTable":{"10.0.0.1@123":{${MQ}:5}},"messageQueueTable":{${MQ}:5}}`;
    const body = decodeGetConsumerStatusBody(Buffer.from(java));
    assert.equal(body.consumerTable[0]?.clientId, '10.0.0.1@123');
    assert.equal(body.consumerTable[0]?.offsets[0]?.offset, 5);
    assert.equal(encodeGetConsumerStatusBody(body).toString(), java);
  });

  test('query consume queue body - nulls left out, ConsumeQueueData.toString', () => {
    const java = '{"maxQueueIndex":3,"minQueueIndex":0,"queueData":[{"eval":false,"physicOffset":0,"physicSize":180,"tagsCode":2598919}]}';
    const body = decodeQueryConsumeQueueResponseBody(Buffer.from(java));
    assert.equal(encodeQueryConsumeQueueResponseBody(body).toString(), java);
    assert.equal(
      consumeQueueDataToString(body.queueData?.[0] ?? assert.fail()),
      "ConsumeQueueData{physicOffset=0, physicSize=180, tagsCode=2598919, extendDataJson='null', bitMap='null', eval=false, msg='null'}",
    );
  });

  test('subscription group wrapper and list - Java configs with fields we do not keep', () => {
    const config = '{"brokerId":0,"consumeBroadcastEnable":false,"consumeEnable":true,"consumeFromMinEnable":false,"consumeMessageOrderly":true,"consumeTimeoutMinute":15,"groupName":"G","groupRetryPolicy":{"type":"CUSTOMIZED"},"groupSysFlag":0,"notifyConsumerIdsChangedEnable":true,"retryMaxTimes":3,"retryQueueNums":1,"whichBrokerWhenConsumeSlowly":1}';
    const wrapper = decodeSubscriptionGroupWrapper(Buffer.from(`{"dataVersion":{"counter":1,"stateVersion":0,"timestamp":1},"forbiddenTable":{},"subscriptionGroupTable":{"G":${config}}}`));
    assert.equal(wrapper.get('G')?.retryMaxTimes, 3);
    assert.equal(wrapper.get('G')?.consumeMessageOrderly, true);
    const list = encodeSubscriptionGroupList([newSubscriptionGroupConfig('A'), newSubscriptionGroupConfig('B', { retryMaxTimes: 2 })]);
    assert.deepEqual(decodeSubscriptionGroupList(list).map((group) => [group.groupName, group.retryMaxTimes]), [['A', 16], ['B', 2]]);
  });

  test('admin bodies - bad input is a BodyError', () => {
    const bad = ['', '[]', '{"offsetTable":{"x":1}}', `{"offsetTable":{${MQ}:{"brokerOffset":"x"}}}`];
    for (const text of bad) assert.throws(() => decodeConsumeStats(Buffer.from(text)), BodyError, text);
    assert.throws(() => decodeConsumerRunningInfo(Buffer.from('{"mqTable":{"k":{}}}')), BodyError);
    assert.throws(() => decodeGetConsumerStatusBody(Buffer.from('{"consumerTable":{"c":{"k":1}}}')), BodyError);
    assert.throws(() => decodeConsumerConnection(Buffer.from('{"connectionSet":[{}]}')), BodyError);
  });
});
