import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BodyError } from '../errors.js';
import { decodeClusterInfo, decodeTopicRouteData, encodeClusterInfo, encodeTopicRouteData, type TopicRouteData } from './topic-route.js';

const ROUTE: TopicRouteData = {
  queueDatas: [{ brokerName: 'broker-a', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 }],
  brokerDatas: [
    { cluster: 'DefaultCluster', brokerName: 'broker-a', brokerAddrs: { 0: '10.0.0.1:10911', 1: '10.0.0.2:10911' }, enableActingMaster: false },
  ],
  filterServerTable: {},
};

test('topic-route - old clients get fastjson unquoted broker ids, new ones standard JSON', () => {
  const fastjson =
    '{"brokerDatas":[{"brokerAddrs":{0:"10.0.0.1:10911",1:"10.0.0.2:10911"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false}],' +
    '"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}';
  assert.equal(encodeTopicRouteData(ROUTE, false).toString(), fastjson);
  assert.equal(encodeTopicRouteData(ROUTE, true).toString(), fastjson.replace('{0:', '{"0":').replace(',1:', ',"1":'));
  assert.deepEqual(decodeTopicRouteData(Buffer.from(fastjson)), { ...ROUTE, orderTopicConf: undefined });
  assert.deepEqual(decodeTopicRouteData(encodeTopicRouteData(ROUTE, true)), { ...ROUTE, orderTopicConf: undefined });
});

test('topic-route - orderTopicConf and filter servers round trip', () => {
  const route: TopicRouteData = { ...ROUTE, orderTopicConf: 'broker-a:4', filterServerTable: { '10.0.0.1:10911': ['10.0.0.9:40000'] } };
  const text = encodeTopicRouteData(route, false).toString();
  assert.match(text, /"filterServerTable":\{"10\.0\.0\.1:10911":\["10\.0\.0\.9:40000"\]\},"orderTopicConf":"broker-a:4","queueDatas"/);
  assert.deepEqual(decodeTopicRouteData(Buffer.from(text)), route);
});

test('topic-route - cluster info round trips both ways', () => {
  const info = {
    brokerAddrTable: { 'broker-a': ROUTE.brokerDatas[0] ?? assert.fail() },
    clusterAddrTable: { DefaultCluster: ['broker-a'] },
  };
  const text = encodeClusterInfo(info, false).toString();
  assert.match(text, /"brokerAddrs":\{0:"10\.0\.0\.1:10911",1:"10\.0\.0\.2:10911"\}/);
  assert.deepEqual(decodeClusterInfo(Buffer.from(text)), info);
  assert.deepEqual(decodeClusterInfo(encodeClusterInfo(info, true)), info);
});

test('topic-route - bad shapes are BodyErrors', () => {
  for (const [body, message] of [
    ['{"brokerDatas":[]}', /route\.queueDatas is not an array/],
    ['{"queueDatas":[{"brokerName":"b"}],"brokerDatas":[]}', /queueDatas\[0\]\.readQueueNums is not an integer/],
    ['{"queueDatas":[],"brokerDatas":[{"brokerName":"b","brokerAddrs":{0:1}}]}', /brokerAddrs\.0 is not a string/],
  ] as const) {
    assert.throws(() => decodeTopicRouteData(Buffer.from(body)), (error: unknown) => error instanceof BodyError && message.test(error.message), body);
  }
});
