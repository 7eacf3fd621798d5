import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DataVersion, TopicConfig } from '../protocol/index.js';
import { ManualClock } from '../time/index.js';
import { BROKER_CHANNEL_EXPIRED_MS } from './live-table.js';
import { RouteTable, type RegisterBrokerInput, type RouteTableOptions } from './route-table.js';

function topic(name: string, queues = 4, perm = 6): TopicConfig {
  return {
    topicName: name,
    readQueueNums: queues,
    writeQueueNums: queues,
    perm,
    topicFilterType: 'SINGLE_TAG',
    topicSysFlag: 0,
    order: false,
    attributes: {},
  };
}

function version(counter: number, stateVersion = 0): DataVersion {
  return { stateVersion, timestamp: 1000, counter };
}

function input(overrides: Partial<RegisterBrokerInput> & { topics?: TopicConfig[] } = {}): RegisterBrokerInput {
  const { topics = [topic('T')], ...rest } = overrides;
  return {
    clusterName: 'DefaultCluster',
    brokerAddr: '10.0.0.1:10911',
    brokerName: 'broker-a',
    brokerId: 0,
    haServerAddr: '10.0.0.1:10912',
    dataVersion: version(1),
    topicConfigTable: new Map(topics.map((config) => [config.topicName, config])),
    filterServerList: [],
    connectionId: 1,
    ...rest,
  };
}

function setup(options: Partial<RouteTableOptions> = {}): { clock: ManualClock; routes: RouteTable } {
  const clock = new ManualClock(1_000_000);
  return { clock, routes: new RouteTable({ clock, ...options }) };
}

test('route-table - routes a topic to the master that registered it', () => {
  const { routes } = setup();
  const result = routes.registerBroker(input({ topics: [topic('T', 8)] }));
  assert.deepEqual(result, { status: 'REGISTERED', firstRegistration: true });
  assert.deepEqual(routes.pickupTopicRoute('T'), {
    queueDatas: [{ brokerName: 'broker-a', readQueueNums: 8, writeQueueNums: 8, perm: 6, topicSysFlag: 0 }],
    brokerDatas: [{ cluster: 'DefaultCluster', brokerName: 'broker-a', brokerAddrs: { '0': '10.0.0.1:10911' }, enableActingMaster: false }],
    filterServerTable: {},
  });
  assert.equal(routes.pickupTopicRoute('other'), undefined);
  assert.equal(routes.registerBroker(input()).status, 'REGISTERED');
  assert.deepEqual(routes.registerBroker(input()), { status: 'REGISTERED', firstRegistration: false });
});

test('route-table - drops a broker 120 s after its last registration', () => {
  const { clock, routes } = setup();
  routes.registerBroker(input());
  clock.advance(BROKER_CHANNEL_EXPIRED_MS);
  assert.deepEqual(routes.expireInactiveBrokers(), []);
  assert.notEqual(routes.pickupTopicRoute('T'), undefined);
  clock.advance(1);
  const expired = routes.expireInactiveBrokers();
  assert.deepEqual(
    expired.map((broker) => [broker.brokerAddr, broker.connectionId]),
    [['10.0.0.1:10911', 1]],
  );
  assert.equal(routes.pickupTopicRoute('T'), undefined);
  assert.deepEqual(routes.clusterInfo(), { brokerAddrTable: {}, clusterAddrTable: {} });
  assert.equal(routes.liveBroker('DefaultCluster', '10.0.0.1:10911'), undefined);
});

test('route-table - a registration or heartbeat restarts the expiry clock', () => {
  const { clock, routes } = setup();
  routes.registerBroker(input());
  clock.advance(100_000);
  assert.equal(routes.refreshLiveness('DefaultCluster', '10.0.0.1:10911'), true);
  clock.advance(100_000);
  assert.deepEqual(routes.expireInactiveBrokers(), []);
  routes.registerBroker(input());
  clock.advance(100_000);
  assert.deepEqual(routes.expireInactiveBrokers(), []);
  clock.advance(20_001);
  assert.equal(routes.expireInactiveBrokers().length, 1);
  assert.equal(routes.refreshLiveness('DefaultCluster', '10.0.0.1:10911'), false);
});

test('route-table - uses the heartbeatTimeoutMillis the broker sent', () => {
  const { clock, routes } = setup();
  routes.registerBroker(input({ heartbeatTimeoutMillis: 10_000 }));
  clock.advance(10_001);
  assert.equal(routes.expireInactiveBrokers().length, 1);
});

test('route-table - unregister keeps the group while a slave remains, drops its queues with the last address', () => {
  const { routes } = setup();
  routes.registerBroker(input());
  routes.registerBroker(input({ brokerId: 1, brokerAddr: '10.0.0.2:10911', connectionId: 2 }));
  routes.unregisterBroker({ clusterName: 'DefaultCluster', brokerAddr: '10.0.0.1:10911', brokerName: 'broker-a', brokerId: 0 });
  const route = routes.pickupTopicRoute('T');
  assert.deepEqual(route?.brokerDatas[0]?.brokerAddrs, { '1': '10.0.0.2:10911' });
  assert.equal(route?.queueDatas[0]?.perm, 6, 'no acting master: perm unchanged');
  routes.unregisterBroker({ clusterName: 'DefaultCluster', brokerAddr: '10.0.0.2:10911', brokerName: 'broker-a', brokerId: 1 });
  assert.equal(routes.pickupTopicRoute('T'), undefined);
  assert.deepEqual(routes.allTopics(), []);
  assert.deepEqual(routes.clusterInfo().clusterAddrTable, {});
});

test('route-table - a slave learns its master\'s HA address and does not change topics', () => {
  const { routes } = setup();
  routes.registerBroker(input({ topics: [topic('T', 4)] }));
  const slave = routes.registerBroker(
    input({ brokerId: 1, brokerAddr: '10.0.0.2:10911', haServerAddr: '10.0.0.2:10912', topics: [topic('T', 16), topic('S')], dataVersion: version(9) }),
  );
  assert.deepEqual(slave, { status: 'REGISTERED', firstRegistration: true, haServerAddr: '10.0.0.1:10912', masterAddr: '10.0.0.1:10911' });
  assert.equal(routes.pickupTopicRoute('T')?.queueDatas[0]?.writeQueueNums, 4);
  assert.equal(routes.pickupTopicRoute('S'), undefined);
  assert.deepEqual(routes.pickupTopicRoute('T')?.brokerDatas[0]?.brokerAddrs, { '0': '10.0.0.1:10911', '1': '10.0.0.2:10911' });
});

test('route-table - a slave registering before its master gets no master address', () => {
  const { routes } = setup();
  const slave = routes.registerBroker(input({ brokerId: 1, brokerAddr: '10.0.0.2:10911' }));
  assert.deepEqual(slave, { status: 'REGISTERED', firstRegistration: true });
  assert.equal(routes.pickupTopicRoute('T'), undefined, 'an old-version slave does not register topics');
});

test('route-table - a new master address for id 0 replaces the old one', () => {
  const { routes } = setup();
  routes.registerBroker(input());
  routes.registerBroker(input({ brokerAddr: '10.0.0.9:10911', connectionId: 9 }));
  assert.deepEqual(routes.clusterInfo().brokerAddrTable['broker-a']?.brokerAddrs, { '0': '10.0.0.9:10911' });
  // The replaced address's connection closing must not take the new master with it.
  assert.equal(routes.connectionClosed(1).length, 1);
  assert.notEqual(routes.pickupTopicRoute('T'), undefined);
  assert.equal(routes.liveBroker('DefaultCluster', '10.0.0.1:10911'), undefined);
});

test('route-table - ignores a registration with an older stateVersion than the current holder of the id', () => {
  const { routes } = setup();
  routes.registerBroker(input({ dataVersion: version(1, 5) }));
  const stale = routes.registerBroker(input({ brokerAddr: '10.0.0.9:10911', dataVersion: version(1, 4) }));
  assert.deepEqual(stale, { status: 'STALE', currentAddr: '10.0.0.1:10911' });
  assert.deepEqual(routes.clusterInfo().brokerAddrTable['broker-a']?.brokerAddrs, { '0': '10.0.0.1:10911' });
  assert.equal(routes.liveBroker('DefaultCluster', '10.0.0.9:10911'), undefined);
});

test('route-table - a slave promoted to master keeps one id for its address', () => {
  const { routes } = setup();
  routes.registerBroker(input({ brokerId: 1, brokerAddr: '10.0.0.2:10911' }));
  routes.registerBroker(input({ brokerId: 0, brokerAddr: '10.0.0.2:10911' }));
  assert.deepEqual(routes.clusterInfo().brokerAddrTable['broker-a']?.brokerAddrs, { '0': '10.0.0.2:10911' });
});

test('route-table - updates queues only when the master\'s dataVersion changed', () => {
  const { routes } = setup();
  routes.registerBroker(input({ topics: [topic('T', 4)], dataVersion: version(1) }));
  routes.registerBroker(input({ topics: [topic('T', 8)], dataVersion: version(1) }));
  assert.equal(routes.pickupTopicRoute('T')?.queueDatas[0]?.writeQueueNums, 4);
  routes.registerBroker(input({ topics: [topic('T', 8)], dataVersion: version(2) }));
  assert.equal(routes.pickupTopicRoute('T')?.queueDatas[0]?.writeQueueNums, 8);
});

test('route-table - an unchanged dataVersion still adds a topic missing from the table', () => {
  const { routes } = setup();
  routes.registerBroker(input({ topics: [topic('T')], dataVersion: version(1) }));
  routes.deleteTopic('T');
  routes.registerBroker(input({ topics: [topic('T')], dataVersion: version(1) }));
  assert.notEqual(routes.pickupTopicRoute('T'), undefined);
});

test('route-table - keeps topics a broker stops reporting unless deleteTopicWithBrokerRegistration', () => {
  const kept = setup();
  kept.routes.registerBroker(input({ topics: [topic('A'), topic('B')], dataVersion: version(1) }));
  kept.routes.registerBroker(input({ topics: [topic('A')], dataVersion: version(2) }));
  assert.deepEqual(kept.routes.allTopics().sort(), ['A', 'B']);

  const deleting = setup({ deleteTopicWithBrokerRegistration: true });
  deleting.routes.registerBroker(input({ topics: [topic('A'), topic('B')], dataVersion: version(1) }));
  deleting.routes.registerBroker(input({ brokerName: 'broker-b', brokerAddr: '10.0.0.3:10911', topics: [topic('B')] }));
  deleting.routes.registerBroker(input({ topics: [topic('A')], dataVersion: version(2) }));
  assert.deepEqual(deleting.routes.allTopics().sort(), ['A', 'B']);
  assert.deepEqual(deleting.routes.pickupTopicRoute('B')?.queueDatas.map((queue) => queue.brokerName), ['broker-b']);
});

test('route-table - wipe and add write perm answer how many topics they changed', () => {
  const { routes } = setup();
  routes.registerBroker(input({ topics: [topic('A', 4, 7), topic('B', 4, 6)] }));
  routes.registerBroker(input({ brokerName: 'broker-b', brokerAddr: '10.0.0.3:10911', topics: [topic('A')] }));
  assert.equal(routes.wipeWritePerm('broker-a'), 2);
  const permsOf = (name: string): number[] =>
    (routes.pickupTopicRoute(name)?.queueDatas ?? []).map((queue) => queue.perm);
  assert.deepEqual(permsOf('A'), [5, 6]);
  assert.deepEqual(permsOf('B'), [4]);
  assert.equal(routes.addWritePerm('broker-a'), 2);
  assert.deepEqual(permsOf('A'), [6, 6], 'add sets read-write, as Java does');
  assert.equal(routes.wipeWritePerm('nobody'), 0);
});

test('route-table - a closed connection unregisters only the brokers that registered over it', () => {
  const { routes } = setup();
  routes.registerBroker(input({ connectionId: 1 }));
  routes.registerBroker(input({ brokerName: 'broker-b', brokerAddr: '10.0.0.3:10911', connectionId: 2 }));
  assert.deepEqual(routes.connectionClosed(3), []);
  assert.deepEqual(routes.connectionClosed(1).map((broker) => broker.brokerAddr), ['10.0.0.1:10911']);
  assert.deepEqual(routes.pickupTopicRoute('T')?.brokerDatas.map((data) => data.brokerName), ['broker-b']);
});

test('route-table - deletes a topic everywhere or from one cluster', () => {
  const { routes } = setup();
  routes.registerBroker(input({ topics: [topic('T')] }));
  routes.registerBroker(input({ clusterName: 'C2', brokerName: 'broker-b', brokerAddr: '10.0.0.3:10911', topics: [topic('T')] }));
  routes.deleteTopic('T', 'nope');
  assert.equal(routes.pickupTopicRoute('T')?.queueDatas.length, 2);
  routes.deleteTopic('T', 'C2');
  assert.deepEqual(routes.pickupTopicRoute('T')?.queueDatas.map((queue) => queue.brokerName), ['broker-a']);
  assert.deepEqual(routes.topicsByCluster('C2'), []);
  assert.deepEqual(routes.topicsByCluster('DefaultCluster'), ['T']);
  routes.deleteTopic('T');
  assert.equal(routes.pickupTopicRoute('T'), undefined);
});

test('route-table - cluster info, topic lists and system topics', () => {
  const { routes } = setup();
  routes.registerBroker(input({ topics: [topic('A'), topic('B')] }));
  routes.registerBroker(input({ clusterName: 'C2', brokerName: 'broker-b', brokerAddr: '10.0.0.3:10911', topics: [topic('C')] }));
  assert.deepEqual(routes.clusterInfo().clusterAddrTable, { DefaultCluster: ['broker-a'], C2: ['broker-b'] });
  assert.deepEqual(routes.topicsByCluster('C2'), ['C']);
  assert.deepEqual(routes.topicsByCluster('unknown'), []);
  assert.deepEqual(routes.allTopics().sort(), ['A', 'B', 'C']);
  const system = routes.systemTopicList();
  assert.deepEqual(system.topicList.sort(), ['C2', 'DefaultCluster', 'broker-a', 'broker-b']);
  assert.equal(system.brokerAddr, '10.0.0.1:10911');
});

test('route-table - routes filter servers of the brokers that reported some', () => {
  const { routes } = setup();
  routes.registerBroker(input({ filterServerList: ['10.0.0.1:30000'] }));
  assert.deepEqual(routes.pickupTopicRoute('T')?.filterServerTable, { '10.0.0.1:10911': ['10.0.0.1:30000'] });
  routes.registerBroker(input({ filterServerList: [] }));
  assert.deepEqual(routes.pickupTopicRoute('T')?.filterServerTable, {});
});

test('route-table - a prime slave of an acting-master group registers read-only queues', () => {
  const { routes } = setup({ supportActingMaster: true });
  routes.registerBroker(input({ brokerId: 1, brokerAddr: '10.0.0.2:10911', enableActingMaster: true }));
  const route = routes.pickupTopicRoute('T');
  assert.equal(route?.queueDatas[0]?.perm, 4);
  assert.deepEqual(route?.brokerDatas[0]?.brokerAddrs, { '0': '10.0.0.2:10911' }, 'served as the acting master');
  assert.deepEqual(routes.clusterInfo().brokerAddrTable['broker-a']?.brokerAddrs, { '1': '10.0.0.2:10911' });
});

test('route-table - losing the master of an acting-master group wipes write permission', () => {
  const { routes } = setup();
  routes.registerBroker(input({ enableActingMaster: true }));
  routes.registerBroker(input({ brokerId: 1, brokerAddr: '10.0.0.2:10911', enableActingMaster: true }));
  assert.equal(routes.pickupTopicRoute('T')?.queueDatas[0]?.perm, 6);
  routes.unregisterBroker({ clusterName: 'DefaultCluster', brokerAddr: '10.0.0.1:10911', brokerName: 'broker-a', brokerId: 0 });
  assert.equal(routes.pickupTopicRoute('T')?.queueDatas[0]?.perm, 4);
});

test('route-table - registerTopic refuses queues of unregistered brokers', () => {
  const { routes } = setup();
  routes.registerBroker(input({ topics: [] }));
  const queue = { brokerName: 'broker-a', readQueueNums: 2, writeQueueNums: 2, perm: 6, topicSysFlag: 0 };
  assert.equal(routes.registerTopic('N', [{ ...queue, brokerName: 'ghost' }]), false);
  assert.equal(routes.pickupTopicRoute('N'), undefined);
  assert.equal(routes.registerTopic('N', [queue]), true);
  assert.deepEqual(routes.pickupTopicRoute('N')?.queueDatas, [queue]);
});

test('route-table - reports whether a broker\'s dataVersion changed', () => {
  const { routes } = setup();
  assert.equal(routes.isBrokerTopicConfigChanged('DefaultCluster', '10.0.0.1:10911', version(1)), true);
  routes.registerBroker(input({ dataVersion: version(1) }));
  assert.equal(routes.isBrokerTopicConfigChanged('DefaultCluster', '10.0.0.1:10911', version(1)), false);
  assert.equal(routes.isBrokerTopicConfigChanged('DefaultCluster', '10.0.0.1:10911', version(2)), true);
  assert.equal(routes.isBrokerTopicConfigChanged('DefaultCluster', '10.0.0.1:10911', undefined), true);
  assert.deepEqual(routes.brokerDataVersion('DefaultCluster', '10.0.0.1:10911'), version(1));
});
