import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TopicRouteData } from '../../protocol/index.js';
import type { MessageQueue } from '../message.js';
import { Message } from '../message.js';
import { capQueueNums, TopicPublishInfo, topicRouteChanged, topicRouteToPublishInfo, topicRouteToSubscribeInfo } from '../route/topic-route.js';
import { computeNotAvailableDuration, LatencyFaultTolerance, MQFaultStrategy } from './latency-fault-tolerance.js';
import { selectMessageQueueByHash } from './queue-selector.js';

const route: TopicRouteData = {
  queueDatas: [
    { brokerName: 'broker-b', readQueueNums: 2, writeQueueNums: 2, perm: 6, topicSysFlag: 0 },
    { brokerName: 'broker-a', readQueueNums: 4, writeQueueNums: 3, perm: 6, topicSysFlag: 0 },
    { brokerName: 'broker-c', readQueueNums: 2, writeQueueNums: 2, perm: 4, topicSysFlag: 0 },
  ],
  brokerDatas: [
    { cluster: 'C', brokerName: 'broker-a', brokerAddrs: { '0': '10.0.0.1:10911' }, enableActingMaster: false },
    { cluster: 'C', brokerName: 'broker-b', brokerAddrs: { '0': '10.0.0.2:10911', '1': '10.0.0.3:10911' }, enableActingMaster: false },
    { cluster: 'C', brokerName: 'broker-c', brokerAddrs: { '0': '10.0.0.4:10911' }, enableActingMaster: false },
  ],
  filterServerTable: {},
};

const names = (queues: readonly MessageQueue[]): string[] => queues.map((queue) => `${queue.brokerName}/${queue.queueId}`);

test('topic route - publish queues are the writable ones with a master, by broker name; subscribe queues the readable ones', () => {
  assert.deepEqual(names(topicRouteToPublishInfo('T', route).queues), ['broker-a/0', 'broker-a/1', 'broker-a/2', 'broker-b/0', 'broker-b/1']);
  assert.deepEqual(names(topicRouteToSubscribeInfo('T', route)), ['broker-a/0', 'broker-a/1', 'broker-a/2', 'broker-a/3', 'broker-b/0', 'broker-b/1', 'broker-c/0', 'broker-c/1']);
  const noMaster = { ...route, brokerDatas: route.brokerDatas.map((broker) => (broker.brokerName === 'broker-a' ? { ...broker, brokerAddrs: { '1': 'x:1' } } : broker)) };
  assert.deepEqual(names(topicRouteToPublishInfo('T', noMaster).queues), ['broker-b/0', 'broker-b/1']);
  const ordered = topicRouteToPublishInfo('T', { ...route, orderTopicConf: 'broker-b:2;broker-a:1' });
  assert.equal(ordered.orderTopic, true);
  assert.deepEqual(names(ordered.queues), ['broker-b/0', 'broker-b/1', 'broker-a/0']);
  assert.deepEqual(capQueueNums(route, 1).queueDatas.map((q) => [q.readQueueNums, q.writeQueueNums]), [[1, 1], [1, 1], [1, 1]]);
  assert.equal(topicRouteChanged(route, { ...route, queueDatas: [...route.queueDatas].reverse() }), false, 'order does not matter');
  assert.equal(topicRouteChanged(route, capQueueNums(route, 1)), true);
});

test('queue selection - round robin from a random start visits every queue in turn', () => {
  const info = topicRouteToPublishInfo('T', route);
  const picks = Array.from({ length: 10 }, () => info.selectOneMessageQueue()?.key);
  assert.equal(new Set(picks.slice(0, 5)).size, 5, 'five consecutive picks cover the five queues');
  assert.deepEqual(picks.slice(0, 5), picks.slice(5), 'then repeat in the same order');
  const fixed = new TopicPublishInfo('T', topicRouteToPublishInfo('T', route).queues, false, true, () => 0);
  assert.deepEqual(names([1, 2, 3].map(() => fixed.selectOneMessageQueue() as MessageQueue)), ['broker-a/1', 'broker-a/2', 'broker-b/0']);
  assert.equal(fixed.selectOneMessageQueue(() => false), undefined, 'a filter nothing passes');
  assert.equal(new TopicPublishInfo('T', [], false, true).selectOneMessageQueue(), undefined);
});

test('queue selection - a selector by hash pins a key to one queue, as SelectMessageQueueByHash', () => {
  const queues = topicRouteToPublishInfo('T', route).queues;
  const selector = selectMessageQueueByHash((message) => message.keys ?? '');
  const message = (key: string): Message => new Message({ topic: 'T', body: 'x', keys: key });
  // Java: Math.abs("order-1".hashCode() % 5); "order-1".hashCode() = -1207111310 → 0.
  assert.equal(selector(queues, message('order-1')), queues[0]);
  // "b".hashCode() = 98 → 98 % 5 = 3.
  assert.equal(selector(queues, message('b')), queues[3]);
  for (const key of ['a', 'order-7', 'x'.repeat(100)]) assert.equal(selector(queues, message(key)), selector(queues, message(key)));
});

test('latency fault tolerance - slow or failed brokers are avoided for Java\'s durations', () => {
  assert.deepEqual([0, 49, 50, 100, 549, 550, 1800, 3000, 5000, 10_000, 15_000].map(computeNotAvailableDuration), [0, 0, 0, 0, 0, 2000, 5000, 6000, 10_000, 10_000, 30_000]);
  let now = 1_000_000;
  const tolerance = new LatencyFaultTolerance(() => now);
  tolerance.updateFaultItem('broker-a', 600, 2000, true);
  assert.equal(tolerance.isAvailable('broker-a'), false);
  assert.equal(tolerance.isAvailable('broker-b'), true, 'unknown brokers are available');
  now += 2000;
  assert.equal(tolerance.isAvailable('broker-a'), true);
  tolerance.updateFaultItem('broker-a', 10, 0, false);
  assert.equal(tolerance.isReachable('broker-a'), false);
});

test('latency fault tolerance - selection skips an isolated broker and the broker that just failed', () => {
  let now = 1_000_000;
  const strategy = new MQFaultStrategy(true, () => now);
  const info = topicRouteToPublishInfo('T', route);
  strategy.updateFaultItem('broker-a', 10, true, true);
  for (let index = 0; index < 20; index++) assert.equal(strategy.selectOneMessageQueue(info, undefined, false)?.brokerName, 'broker-b');
  strategy.updateFaultItem('broker-b', 10, true, true);
  assert.ok(strategy.selectOneMessageQueue(info, undefined, false), 'when every broker is out, any queue is still chosen');
  now += 10_000;
  const brokers = new Set(Array.from({ length: 20 }, () => strategy.selectOneMessageQueue(info, undefined, false)?.brokerName));
  assert.deepEqual([...brokers].sort(), ['broker-a', 'broker-b'], 'both are back after 10 s');
  for (let index = 0; index < 20; index++) assert.equal(strategy.selectOneMessageQueue(info, 'broker-a', true)?.brokerName, 'broker-b', 'not the broker that just failed');
  const off = new MQFaultStrategy(false, () => now);
  off.updateFaultItem('broker-a', 10_000, true, false);
  assert.equal(off.tolerance.isAvailable('broker-a'), true, 'disabled: nothing is recorded');
  for (let index = 0; index < 20; index++) assert.equal(off.selectOneMessageQueue(info, 'broker-b', false)?.brokerName, 'broker-a');
});
