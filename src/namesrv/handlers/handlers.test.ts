import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { deflateSync } from 'node:zlib';
import { testLogger } from '../../log/index.js';
import {
  createRequestCommand,
  decodeClusterInfo,
  decodeKVTable,
  decodeTopicList,
  decodeTopicRouteData,
  encodeRegisterBrokerBody,
  RegisterBrokerRequestHeader,
  RequestCode,
  ResponseCode,
  type ExtFields,
  type RemotingCommand,
  type TopicConfig,
} from '../../protocol/index.js';
import { Dispatcher, type Connection } from '../../remoting/index.js';
import { ManualClock } from '../../time/index.js';
import { namesrvConfig, type NamesrvConfig } from '../config.js';
import { KVConfig } from '../kv-config.js';
import { RouteTable } from '../route-table.js';
import { NamesrvConfigStore } from '../config-store.js';
import { javaCrc32 } from './register-broker.js';
import { namesrvHandlers, type NamesrvContext } from './table.js';

const MASTER = { clusterName: 'DefaultCluster', brokerName: 'broker-a', brokerAddr: '10.0.0.1:10911', haServerAddr: '10.0.0.1:10912' };

function topic(name: string, queues = 4): TopicConfig {
  return { topicName: name, readQueueNums: queues, writeQueueNums: queues, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false, attributes: {} };
}

interface Harness {
  readonly ctx: NamesrvContext;
  readonly clock: ManualClock;
  call(code: number, extFields?: ExtFields, options?: { body?: Buffer; version?: number }): Promise<RemotingCommand>;
  register(options?: { topics?: TopicConfig[]; counter?: number; compressed?: boolean; brokerId?: number; brokerAddr?: string; crc?: boolean }): Promise<RemotingCommand>;
}

/** A dispatcher over fresh state; no socket. The temp dir goes when the test ends. */
async function setup(t: TestContext, overrides: Partial<NamesrvConfig> = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'namesrv-handlers-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const clock = new ManualClock(1_000_000);
  const config = namesrvConfig({ kvConfigPath: join(dir, 'kvConfig.json'), ...overrides });
  const ctx: NamesrvContext = {
    config,
    configStore: new NamesrvConfigStore(config),
    routes: new RouteTable({ clock, supportActingMaster: config.supportActingMaster }),
    kv: await KVConfig.load(config.kvConfigPath),
    clock,
    logger: testLogger(),
    startedAtMs: clock.now(),
  };
  const dispatcher = new Dispatcher(namesrvHandlers, ctx, ctx.logger);
  const connection = { id: 7, remoteAddress: '127.0.0.1:50000' } as unknown as Connection;
  let opaque = 0;
  const call: Harness['call'] = (code, extFields = {}, options = {}) =>
    dispatcher.respond(connection, createRequestCommand(code, { opaque: ++opaque, extFields, body: options.body, version: options.version ?? 479 }));
  const register: Harness['register'] = async (options = {}) => {
    const compressed = options.compressed ?? false;
    const body = await encodeRegisterBrokerBody(
      {
        dataVersion: { stateVersion: 0, timestamp: 1, counter: options.counter ?? 1 },
        topicConfigTable: new Map((options.topics ?? [topic('T')]).map((config) => [config.topicName, config])),
        filterServerList: [],
      },
      compressed,
    );
    const header = RegisterBrokerRequestHeader.encode({
      ...MASTER,
      brokerId: options.brokerId ?? 0,
      brokerAddr: options.brokerAddr ?? MASTER.brokerAddr,
      compressed,
      bodyCrc32: options.crc === false ? 0 : javaCrc32(body),
    });
    return call(RequestCode.REGISTER_BROKER, header, { body });
  };
  return { ctx, clock, call, register };
}

test('namesrv handlers - a registered topic routes as fastjson to old clients and standard JSON to new ones', async (t) => {
  const h = await setup(t);
  assert.equal((await h.register({ topics: [topic('T', 8)] })).code, ResponseCode.SUCCESS);
  const old = await h.call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T' }, { version: 121 });
  assert.equal(old.code, ResponseCode.SUCCESS);
  assert.match(old.body?.toString() ?? '', /"brokerAddrs":\{0:"10\.0\.0\.1:10911"\}/);
  const current = await h.call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T' }, { version: 479 });
  const text = current.body?.toString() ?? '';
  assert.match(text, /"brokerAddrs":\{"0":"10\.0\.0\.1:10911"\}/);
  const route = JSON.parse(text) as { queueDatas: { writeQueueNums: number }[] };
  assert.equal(route.queueDatas[0]?.writeQueueNums, 8);
  const asked = await h.call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T', acceptStandardJsonOnly: 'true' }, { version: 121 });
  assert.match(asked.body?.toString() ?? '', /\{"0":/);
});

test('namesrv handlers - an unknown topic is TOPIC_NOT_EXIST with Java\'s remark', async (t) => {
  const h = await setup(t);
  const response = await h.call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'Nope' });
  assert.equal(response.code, ResponseCode.TOPIC_NOT_EXIST);
  assert.equal(
    response.remark,
    'No topic route info in name server for the topic: Nope\nSee https://rocketmq.apache.org/docs/bestPractice/06FAQ for further details.',
  );
});

test('namesrv handlers - registers a compressed body', async (t) => {
  const h = await setup(t);
  assert.equal((await h.register({ compressed: true, topics: [topic('Z', 2)] })).code, ResponseCode.SUCCESS);
  const route = decodeTopicRouteData((await h.call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'Z' })).body);
  assert.equal(route.queueDatas[0]?.readQueueNums, 2);
});

test('namesrv handlers - a bodyCrc32 mismatch is SYSTEM_ERROR "crc32 not match"; 0 skips the check', async (t) => {
  const h = await setup(t);
  const body = await encodeRegisterBrokerBody({ dataVersion: { stateVersion: 0, timestamp: 1, counter: 1 }, topicConfigTable: new Map([['T', topic('T')]]), filterServerList: [] }, false);
  const header = RegisterBrokerRequestHeader.encode({ ...MASTER, brokerId: 0, bodyCrc32: (javaCrc32(body) + 1) & 0x7fffffff });
  const bad = await h.call(RequestCode.REGISTER_BROKER, header, { body });
  assert.deepEqual([bad.code, bad.remark], [ResponseCode.SYSTEM_ERROR, 'crc32 not match']);
  assert.deepEqual(h.ctx.routes.allTopics(), []);
  assert.equal((await h.register({ crc: false })).code, ResponseCode.SUCCESS);
});

test('namesrv handlers - garbage bodies and bad headers answer SYSTEM_ERROR and change nothing', async (t) => {
  const h = await setup(t);
  const header = RegisterBrokerRequestHeader.encode({ ...MASTER, brokerId: 0, compressed: true });
  const notDeflate = await h.call(RequestCode.REGISTER_BROKER, header, { body: Buffer.from('not deflate at all') });
  assert.equal(notDeflate.code, ResponseCode.SYSTEM_ERROR);
  const shortStream = await h.call(RequestCode.REGISTER_BROKER, header, { body: deflateSync(Buffer.from([0, 0, 0, 200, 1])) });
  assert.equal(shortStream.code, ResponseCode.SYSTEM_ERROR);
  assert.match(shortStream.remark ?? '', /past the end/);
  const plain = RegisterBrokerRequestHeader.encode({ ...MASTER, brokerId: 0 });
  assert.equal((await h.call(RequestCode.REGISTER_BROKER, plain, { body: Buffer.from('{"topicConfigSerializeWrapper":7}') })).code, ResponseCode.SYSTEM_ERROR);
  const missing = await h.call(RequestCode.REGISTER_BROKER, { brokerName: 'b', clusterName: 'c', haServerAddr: 'x', brokerId: '0' });
  assert.deepEqual([missing.code, missing.remark], [ResponseCode.SYSTEM_ERROR, 'the custom field <brokerAddr> is null']);
  const badId = await h.call(RequestCode.REGISTER_BROKER, { ...plain, brokerId: 'zero' });
  assert.match(badId.remark ?? '', /brokerId/);
  assert.deepEqual(h.ctx.routes.clusterInfo(), { brokerAddrTable: {}, clusterAddrTable: {} });
});

test('namesrv handlers - a request without a body registers the broker with no topics', async (t) => {
  const h = await setup(t);
  const response = await h.call(RequestCode.REGISTER_BROKER, RegisterBrokerRequestHeader.encode({ ...MASTER, brokerId: 0 }));
  assert.equal(response.code, ResponseCode.SUCCESS);
  assert.deepEqual(Object.keys(h.ctx.routes.clusterInfo().brokerAddrTable), ['broker-a']);
});

test('namesrv handlers - a slave is told its master\'s address and HA address', async (t) => {
  const h = await setup(t);
  const master = await h.register();
  assert.deepEqual(master.extFields, {});
  const slave = await h.register({ brokerId: 1, brokerAddr: '10.0.0.2:10911' });
  assert.deepEqual(slave.extFields, { haServerAddr: '10.0.0.1:10912', masterAddr: '10.0.0.1:10911' });
});

test('namesrv handlers - registration answers the ORDER_TOPIC_CONFIG table; routes carry orderTopicConf when enabled', async (t) => {
  const h = await setup(t, { orderMessageEnable: true });
  assert.equal((await h.register()).body, undefined);
  await h.call(RequestCode.PUT_KV_CONFIG, { namespace: 'ORDER_TOPIC_CONFIG', key: 'T', value: 'broker-a:4' });
  assert.deepEqual(decodeKVTable((await h.register()).body), { T: 'broker-a:4' });
  const route = decodeTopicRouteData((await h.call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T' })).body);
  assert.equal(route.orderTopicConf, 'broker-a:4');

  const off = await setup(t);
  await off.register();
  await off.call(RequestCode.PUT_KV_CONFIG, { namespace: 'ORDER_TOPIC_CONFIG', key: 'T', value: 'broker-a:4' });
  assert.equal(decodeTopicRouteData((await off.call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T' })).body).orderTopicConf, undefined);
});

test('namesrv handlers - unregister removes the broker and its routes', async (t) => {
  const h = await setup(t);
  await h.register();
  const response = await h.call(RequestCode.UNREGISTER_BROKER, { ...MASTER, brokerId: '0' });
  assert.equal(response.code, ResponseCode.SUCCESS);
  assert.equal((await h.call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T' })).code, ResponseCode.TOPIC_NOT_EXIST);
});

test('namesrv handlers - BROKER_HEARTBEAT and QUERY_DATA_VERSION keep a broker alive', async (t) => {
  const h = await setup(t);
  await h.register({ counter: 3 });
  const heartbeat = await h.call(RequestCode.BROKER_HEARTBEAT, { clusterName: MASTER.clusterName, brokerName: MASTER.brokerName, brokerAddr: MASTER.brokerAddr });
  assert.equal(heartbeat.code, ResponseCode.SUCCESS);
  h.clock.advance(100_000);
  await h.call(RequestCode.BROKER_HEARTBEAT, { clusterName: MASTER.clusterName, brokerName: MASTER.brokerName, brokerAddr: MASTER.brokerAddr });
  h.clock.advance(100_000);
  assert.deepEqual(h.ctx.routes.expireInactiveBrokers(), []);
  const query = { ...MASTER, brokerId: '0' };
  const same = await h.call(RequestCode.QUERY_DATA_VERSION, query, { body: Buffer.from('{"counter":3,"stateVersion":0,"timestamp":1}') });
  assert.deepEqual(same.extFields, { changed: 'false' });
  assert.deepEqual(JSON.parse(same.body?.toString() ?? ''), { counter: 3, stateVersion: 0, timestamp: 1 });
  const newer = await h.call(RequestCode.QUERY_DATA_VERSION, query, { body: Buffer.from('{"counter":4,"stateVersion":0,"timestamp":1}') });
  assert.deepEqual(newer.extFields, { changed: 'true' });
  h.clock.advance(100_000);
  assert.deepEqual(h.ctx.routes.expireInactiveBrokers(), [], 'QUERY_DATA_VERSION refreshed liveness');
  h.clock.advance(20_001);
  assert.equal(h.ctx.routes.expireInactiveBrokers().length, 1);
  const unknown = await h.call(RequestCode.QUERY_DATA_VERSION, query);
  assert.deepEqual([unknown.code, unknown.extFields, unknown.body], [ResponseCode.SUCCESS, { changed: 'true' }, undefined]);
});

test('namesrv handlers - cluster info uses fastjson\'s unquoted broker ids', async (t) => {
  const h = await setup(t);
  await h.register();
  const response = await h.call(RequestCode.GET_BROKER_CLUSTER_INFO);
  assert.match(response.body?.toString() ?? '', /"brokerAddrs":\{0:"10\.0\.0\.1:10911"\}/);
  assert.deepEqual(decodeClusterInfo(response.body).clusterAddrTable, { DefaultCluster: ['broker-a'] });
});

test('namesrv handlers - topic lists, and "disable" when switched off', async (t) => {
  const h = await setup(t);
  await h.register({ topics: [topic('A'), topic('B')] });
  assert.deepEqual(decodeTopicList((await h.call(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER)).body).topicList.slice().sort(), ['A', 'B']);
  assert.deepEqual(decodeTopicList((await h.call(RequestCode.GET_TOPICS_BY_CLUSTER, { cluster: 'DefaultCluster' })).body).topicList.slice().sort(), ['A', 'B']);
  const system = decodeTopicList((await h.call(RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_NS)).body);
  assert.deepEqual([system.topicList.slice().sort(), system.brokerAddr], [['DefaultCluster', 'broker-a'], MASTER.brokerAddr]);
  const off = await setup(t, { enableAllTopicList: false, enableTopicList: false });
  const all = await off.call(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER);
  assert.deepEqual([all.code, all.remark], [ResponseCode.SYSTEM_ERROR, 'disable']);
  assert.equal((await off.call(RequestCode.GET_TOPICS_BY_CLUSTER, { cluster: 'DefaultCluster' })).code, ResponseCode.SYSTEM_ERROR);
});

test('namesrv handlers - DELETE_TOPIC_IN_NAMESRV with and without clusterName', async (t) => {
  const h = await setup(t);
  await h.register({ topics: [topic('A'), topic('B')] });
  await h.call(RequestCode.DELETE_TOPIC_IN_NAMESRV, { topic: 'A', clusterName: 'OtherCluster' });
  assert.equal((await h.call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'A' })).code, ResponseCode.SUCCESS);
  await h.call(RequestCode.DELETE_TOPIC_IN_NAMESRV, { topic: 'A', clusterName: 'DefaultCluster' });
  assert.equal((await h.call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'A' })).code, ResponseCode.TOPIC_NOT_EXIST);
  await h.call(RequestCode.DELETE_TOPIC_IN_NAMESRV, { topic: 'B', clusterName: '' });
  assert.equal((await h.call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'B' })).code, ResponseCode.TOPIC_NOT_EXIST);
});

test('namesrv handlers - wipe and add write perm answer their counts', async (t) => {
  const h = await setup(t);
  await h.register({ topics: [topic('A'), topic('B')] });
  const wipe = await h.call(RequestCode.WIPE_WRITE_PERM_OF_BROKER, { brokerName: 'broker-a' });
  assert.deepEqual(wipe.extFields, { wipeTopicCount: '2' });
  assert.equal(decodeTopicRouteData((await h.call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'A' })).body).queueDatas[0]?.perm, 4);
  const add = await h.call(RequestCode.ADD_WRITE_PERM_OF_BROKER, { brokerName: 'broker-a' });
  assert.deepEqual(add.extFields, { addTopicCount: '2' });
  assert.equal(decodeTopicRouteData((await h.call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'A' })).body).queueDatas[0]?.perm, 6);
  assert.deepEqual((await h.call(RequestCode.WIPE_WRITE_PERM_OF_BROKER, { brokerName: 'nobody' })).extFields, { wipeTopicCount: '0' });
});

test('namesrv handlers - KV config put, get, list and delete', async (t) => {
  const h = await setup(t);
  assert.equal((await h.call(RequestCode.PUT_KV_CONFIG, { namespace: 'ns', key: 'k', value: 'v' })).code, ResponseCode.SUCCESS);
  assert.deepEqual((await h.call(RequestCode.GET_KV_CONFIG, { namespace: 'ns', key: 'k' })).extFields, { value: 'v' });
  assert.deepEqual(decodeKVTable((await h.call(RequestCode.GET_KVLIST_BY_NAMESPACE, { namespace: 'ns' })).body), { k: 'v' });
  assert.equal((await h.call(RequestCode.DELETE_KV_CONFIG, { namespace: 'ns', key: 'k' })).code, ResponseCode.SUCCESS);
  const missing = await h.call(RequestCode.GET_KV_CONFIG, { namespace: 'ns', key: 'k' });
  assert.deepEqual([missing.code, missing.remark], [ResponseCode.QUERY_NOT_FOUND, 'No config item, Namespace: ns Key: k']);
  const noNamespace = await h.call(RequestCode.GET_KVLIST_BY_NAMESPACE, { namespace: 'other' });
  assert.deepEqual([noNamespace.code, noNamespace.remark], [ResponseCode.QUERY_NOT_FOUND, 'No config item, Namespace: other']);
  assert.equal((await h.call(RequestCode.PUT_KV_CONFIG, { namespace: 'ns', key: 'k' })).code, ResponseCode.SYSTEM_ERROR);
  const reloaded = await KVConfig.load(h.ctx.config.kvConfigPath);
  assert.deepEqual(reloaded.namespace('ns'), {});
});

test('namesrv handlers - REGISTER_TOPIC_IN_NAMESRV adds queues of a registered broker', async (t) => {
  const h = await setup(t);
  await h.register({ topics: [] });
  const body = Buffer.from('{"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":2,"topicSysFlag":0,"writeQueueNums":2}]}');
  assert.equal((await h.call(RequestCode.REGISTER_TOPIC_IN_NAMESRV, { topic: 'Single' }, { body })).code, ResponseCode.SUCCESS);
  assert.equal(decodeTopicRouteData((await h.call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'Single' })).body).queueDatas[0]?.writeQueueNums, 2);
  const ghost = Buffer.from('{"queueDatas":[{"brokerName":"ghost","perm":6,"readQueueNums":2,"writeQueueNums":2}]}');
  assert.equal((await h.call(RequestCode.REGISTER_TOPIC_IN_NAMESRV, { topic: 'Ghost' }, { body: ghost })).code, ResponseCode.SUCCESS);
  assert.equal((await h.call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'Ghost' })).code, ResponseCode.TOPIC_NOT_EXIST);
  assert.equal((await h.call(RequestCode.REGISTER_TOPIC_IN_NAMESRV, { topic: 'X' }, { body: Buffer.from('[') })).code, ResponseCode.SYSTEM_ERROR);
});

test('namesrv handlers - GET_NAMESRV_CONFIG answers key=value lines; unknown codes are not supported', async (t) => {
  const h = await setup(t, { listenPort: 9999 });
  const text = (await h.call(RequestCode.GET_NAMESRV_CONFIG)).body?.toString() ?? '';
  assert.match(text, /^listenPort=9999$/m);
  assert.match(text, /^enableAllTopicList=true$/m);
  const unknown = await h.call(12345);
  assert.deepEqual([unknown.code, unknown.remark], [ResponseCode.REQUEST_CODE_NOT_SUPPORTED, ' request type 12345 not supported']);
});

test('namesrv handlers - needWaitForService refuses route queries until the wait is over', async (t) => {
  const h = await setup(t, { needWaitForService: true, waitSecondsForService: 10 });
  await h.register();
  const early = await h.call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T' });
  assert.deepEqual([early.code, early.remark], [ResponseCode.SYSTEM_ERROR, 'name server not ready']);
  h.clock.advance(10_000);
  assert.equal((await h.call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T' })).code, ResponseCode.SUCCESS);
});
