// Two name servers in-process on port 0, driven over TCP like brokers and clients drive them.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { crc32 } from 'node:zlib';
import { testLogger } from '../../src/log/index.js';
import { NameServer, namesrvConfig } from '../../src/namesrv/index.js';
import {
  decodeClusterInfo,
  decodeTopicRouteData,
  encodeRegisterBrokerBody,
  RegisterBrokerRequestHeader,
  RequestCode,
  ResponseCode,
  type RemotingCommand,
  type TopicConfig,
} from '../../src/protocol/index.js';
import { RemotingClient } from '../../src/remoting/index.js';
import { ManualClock } from '../../src/time/index.js';

const CLUSTER = 'DefaultCluster';
const TIMEOUT_MS = 5000;
/** A test that waits on a socket or a process fails after this instead of hanging. */
const TEST_TIMEOUT_MS = 30_000;

function topic(name: string, queues = 4): TopicConfig {
  return { topicName: name, readQueueNums: queues, writeQueueNums: queues, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false, attributes: {} };
}

/** Polls `condition` until it holds; fails after `timeoutMs` (a guard, not a timing assertion). */
async function waitFor(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function startNameServer(t: TestContext, clock?: ManualClock): Promise<{ server: NameServer; addr: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'namesrv-it-'));
  const server = new NameServer({
    config: namesrvConfig({ listenPort: 0, bindAddress: '127.0.0.1', kvConfigPath: join(dir, 'kvConfig.json') }),
    logger: testLogger(),
    ...(clock ? { clock } : {}),
  });
  t.after(async () => {
    await server.shutdown();
    await rm(dir, { recursive: true, force: true });
  });
  await server.start();
  return { server, addr: `127.0.0.1:${server.port}` };
}

function newClient(t: TestContext, version = 479): RemotingClient {
  const client = new RemotingClient({ logger: testLogger(), version });
  t.after(() => client.close());
  return client;
}

async function registerBroker(
  client: RemotingClient,
  namesrvAddr: string,
  broker: { name: string; addr: string; topics: TopicConfig[]; compressed: boolean },
): Promise<RemotingCommand> {
  const body = await encodeRegisterBrokerBody(
    {
      dataVersion: { stateVersion: 0, timestamp: Date.now(), counter: 1 },
      topicConfigTable: new Map(broker.topics.map((config) => [config.topicName, config])),
      filterServerList: [],
    },
    broker.compressed,
  );
  const extFields = RegisterBrokerRequestHeader.encode({
    clusterName: CLUSTER,
    brokerName: broker.name,
    brokerAddr: broker.addr,
    haServerAddr: broker.addr.replace(/\d+$/, '10912'),
    brokerId: 0,
    compressed: broker.compressed,
    bodyCrc32: crc32(body) & 0x7fffffff,
  });
  return client.invoke(namesrvAddr, { code: RequestCode.REGISTER_BROKER, extFields, body }, TIMEOUT_MS);
}

function routeOf(client: RemotingClient, namesrvAddr: string, name: string): Promise<RemotingCommand> {
  return client.invoke(namesrvAddr, { code: RequestCode.GET_ROUTEINFO_BY_TOPIC, extFields: { topic: name } }, TIMEOUT_MS);
}

test('namesrv - two name servers each route the brokers registered with them', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const servers = [await startNameServer(t), await startNameServer(t)];
  const brokerClient = newClient(t);
  for (const { addr } of servers) {
    assert.equal((await registerBroker(brokerClient, addr, { name: 'broker-a', addr: '10.0.0.1:10911', topics: [topic('T', 8), topic('OnlyA')], compressed: false })).code, ResponseCode.SUCCESS);
    assert.equal((await registerBroker(brokerClient, addr, { name: 'broker-b', addr: '10.0.0.2:10911', topics: [topic('T', 2)], compressed: true })).code, ResponseCode.SUCCESS);
  }
  const client = newClient(t);
  for (const { addr } of servers) {
    const route = decodeTopicRouteData((await routeOf(client, addr, 'T')).body);
    assert.deepEqual(
      route.queueDatas.map((queue) => [queue.brokerName, queue.writeQueueNums]),
      [['broker-a', 8], ['broker-b', 2]],
    );
    assert.deepEqual(route.brokerDatas.map((data) => data.brokerAddrs), [{ '0': '10.0.0.1:10911' }, { '0': '10.0.0.2:10911' }]);
    const onlyA = decodeTopicRouteData((await routeOf(client, addr, 'OnlyA')).body);
    assert.deepEqual(onlyA.brokerDatas.map((data) => data.brokerName), ['broker-a']);
    const cluster = decodeClusterInfo((await client.invoke(addr, { code: RequestCode.GET_BROKER_CLUSTER_INFO }, TIMEOUT_MS)).body);
    assert.deepEqual(cluster.clusterAddrTable[CLUSTER]?.slice().sort(), ['broker-a', 'broker-b']);
  }
});

test('namesrv - answers fastjson to a version 121 client and standard JSON to a version 479 client', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { addr } = await startNameServer(t);
  await registerBroker(newClient(t), addr, { name: 'broker-a', addr: '10.0.0.1:10911', topics: [topic('T')], compressed: false });
  const old = await routeOf(newClient(t, 121), addr, 'T');
  assert.match(old.body?.toString() ?? '', /"brokerAddrs":\{0:"10\.0\.0\.1:10911"\}/);
  assert.throws(() => JSON.parse(old.body?.toString() ?? ''), SyntaxError);
  const current = await routeOf(newClient(t, 479), addr, 'T');
  const parsed = JSON.parse(current.body?.toString() ?? '') as { brokerDatas: { brokerAddrs: Record<string, string> }[] };
  assert.deepEqual(parsed.brokerDatas[0]?.brokerAddrs, { '0': '10.0.0.1:10911' });
});

test('namesrv - unknown topics, unknown codes and bad headers get error answers on a working connection', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { addr } = await startNameServer(t);
  const client = newClient(t);
  const missing = await routeOf(client, addr, 'Missing');
  assert.equal(missing.code, ResponseCode.TOPIC_NOT_EXIST);
  assert.match(missing.remark ?? '', /^No topic route info in name server for the topic: Missing\n/);
  const unknown = await client.invoke(addr, { code: 99999 }, TIMEOUT_MS);
  assert.equal(unknown.code, ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
  const badHeader = await client.invoke(addr, { code: RequestCode.REGISTER_BROKER, extFields: { brokerName: 'x' } }, TIMEOUT_MS);
  assert.equal(badHeader.code, ResponseCode.SYSTEM_ERROR);
  const garbageBody = await client.invoke(
    addr,
    { code: RequestCode.REGISTER_BROKER, extFields: { ...RegisterBrokerRequestHeader.encode({ clusterName: CLUSTER, brokerName: 'b', brokerAddr: '10.0.0.3:1', haServerAddr: '', brokerId: 0, compressed: true }) }, body: Buffer.from('garbage') },
    TIMEOUT_MS,
  );
  assert.equal(garbageBody.code, ResponseCode.SYSTEM_ERROR);
  assert.equal((await routeOf(client, addr, 'Missing')).code, ResponseCode.TOPIC_NOT_EXIST, 'the connection still works');
});

test('namesrv - a broker is unregistered when its connection closes', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const servers = [await startNameServer(t), await startNameServer(t)];
  const brokerClient = new RemotingClient({ logger: testLogger() });
  t.after(() => brokerClient.close());
  for (const { addr } of servers) {
    await registerBroker(brokerClient, addr, { name: 'broker-a', addr: '10.0.0.1:10911', topics: [topic('T')], compressed: false });
  }
  const client = newClient(t);
  for (const { addr } of servers) assert.equal((await routeOf(client, addr, 'T')).code, ResponseCode.SUCCESS);
  await brokerClient.close();
  for (const { addr } of servers) {
    await waitFor(async () => (await routeOf(client, addr, 'T')).code === ResponseCode.TOPIC_NOT_EXIST, `the route to go from ${addr}`);
  }
});

test('namesrv - drops a broker 120 s after its last registration and closes its connection', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const clock = new ManualClock(1_000_000);
  const { server, addr } = await startNameServer(t, clock);
  const brokerClient = newClient(t);
  await registerBroker(brokerClient, addr, { name: 'broker-a', addr: '10.0.0.1:10911', topics: [topic('T')], compressed: false });
  const brokerConnection = await brokerClient.connection(addr);
  const closed = new Promise<string>((resolve) => brokerConnection.onClose(resolve));
  clock.advance(120_000);
  assert.equal(server.scanNotActiveBroker(), 0);
  clock.advance(1);
  assert.equal(server.scanNotActiveBroker(), 1);
  await closed;
  assert.equal((await routeOf(newClient(t), addr, 'T')).code, ResponseCode.TOPIC_NOT_EXIST);
});

test('namesrv - garbage bytes close that connection while another client keeps working', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { addr, server } = await startNameServer(t);
  const client = newClient(t);
  assert.equal((await routeOf(client, addr, 'T')).code, ResponseCode.TOPIC_NOT_EXIST);
  for (const garbage of [
    Buffer.from([0, 0, 0, 8, 7, 0, 0, 0, 0, 0, 0, 0]), // unknown serialize type 7
    Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0]), // a 2 GiB frame
    Buffer.from([0, 0, 0, 9, 0, 0, 0, 5, 0x7b, 0x7b, 0x7b, 0x7b, 0x7b]), // header "{{{{{" is not JSON
  ]) {
    const socket = connect(server.port, '127.0.0.1');
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    socket.write(garbage);
    await closed;
  }
  assert.equal((await routeOf(client, addr, 'T')).code, ResponseCode.TOPIC_NOT_EXIST);
});

test('namesrv - KV config survives a restart', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'namesrv-kv-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const config = namesrvConfig({ listenPort: 0, bindAddress: '127.0.0.1', kvConfigPath: join(dir, 'kvConfig.json') });
  const first = new NameServer({ config, logger: testLogger() });
  await first.start();
  const client = newClient(t);
  const put = await client.invoke(`127.0.0.1:${first.port}`, { code: RequestCode.PUT_KV_CONFIG, extFields: { namespace: 'ns', key: 'k', value: 'v' } }, TIMEOUT_MS);
  assert.equal(put.code, ResponseCode.SUCCESS);
  await first.shutdown();
  const second = new NameServer({ config, logger: testLogger() });
  await second.start();
  t.after(() => second.shutdown());
  const get = await client.invoke(`127.0.0.1:${second.port}`, { code: RequestCode.GET_KV_CONFIG, extFields: { namespace: 'ns', key: 'k' } }, TIMEOUT_MS);
  assert.deepEqual([get.code, get.extFields], [ResponseCode.SUCCESS, { value: 'v' }]);
});
