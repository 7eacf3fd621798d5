/**
 * mqadmin-namesrv.test.ts: mqadmin's name server commands (updateKvConfig, deleteKvConfig,
 * getNamesrvConfig, updateNamesrvConfig) as child processes against two NameServers and a Broker
 * registered with both: output, the effect on every server, and persistence.
 */
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { testLogger } from '../../src/log/index.js';
import { NameServer, namesrvConfig } from '../../src/namesrv/index.js';
import { GetKVConfigRequestHeader, GetKVConfigResponseHeader, RequestCode, ResponseCode } from '../../src/protocol/index.js';
import type { RemotingClient } from '../../src/remoting/index.js';
import { adminClient, createTopic, startBroker, tempDir, topicRoute, waitFor, type TestBroker } from '../harness/cluster.js';
import { runToEnd } from '../harness/process.js';

interface Server {
  readonly namesrv: NameServer;
  readonly address: string;
  readonly dir: string;
}

let servers: Server[];
let broker: TestBroker;
let admin: RemotingClient;

async function startServer(): Promise<Server> {
  const dir = await tempDir('mqadmin-namesrv');
  const config = namesrvConfig({ listenPort: 0, kvConfigPath: join(dir, 'kvConfig.json'), configStorePath: join(dir, 'namesrv.properties') });
  const namesrv = new NameServer({ config, logger: testLogger() });
  await namesrv.start();
  return { namesrv, address: `127.0.0.1:${namesrv.port}`, dir };
}

function namesrvList(): string {
  return servers.map((server) => server.address).join(';');
}

function mqadmin(...args: string[]) {
  return runToEnd('mqadmin', args, { ...process.env, NAMESRV_ADDR: namesrvList() });
}

async function succeeded(...args: string[]): Promise<string> {
  const result = await mqadmin(...args);
  assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

async function kvValue(address: string, namespace: string, key: string): Promise<string | undefined> {
  const response = await admin.invoke(address, { code: RequestCode.GET_KV_CONFIG, extFields: GetKVConfigRequestHeader.encode({ namespace, key }) }, 3000);
  return response.code === ResponseCode.SUCCESS ? GetKVConfigResponseHeader.decode(response.extFields ?? {}).value : undefined;
}

describe('mqadmin name server', { timeout: 180_000 }, () => {
  before(async () => {
    admin = adminClient();
    servers = [await startServer(), await startServer()];
    broker = await startBroker({ namesrvAddr: namesrvList() });
  });

  after(async () => {
    await admin.close();
    await broker.stop(true);
    for (const server of servers) {
      await server.namesrv.shutdown();
      await rm(server.dir, { recursive: true, force: true });
    }
  });

  test('mqadmin updateKvConfig and deleteKvConfig - write to every name server and its kvConfig.json', async () => {
    assert.equal(await succeeded('updateKvConfig', '-s', 'NS_TEST', '-k', 'k1', '-v', 'v1'), 'create or update kv config to namespace success.\n');
    for (const server of servers) {
      assert.equal(await kvValue(server.address, 'NS_TEST', 'k1'), 'v1');
      const file = JSON.parse(await readFile(join(server.dir, 'kvConfig.json'), 'utf8')) as { configTable: Record<string, Record<string, string>> };
      assert.equal(file.configTable['NS_TEST']?.['k1'], 'v1');
    }
    assert.equal(await succeeded('deleteKvConfig', '-s', 'NS_TEST', '-k', 'k1'), 'delete kv config from namespace success.\n');
    for (const server of servers) assert.equal(await kvValue(server.address, 'NS_TEST', 'k1'), undefined);
    const missing = await mqadmin('updateKvConfig', '-s', 'NS_TEST', '-k', 'k1');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^Missing required option: v\nusage: mqadmin updateKvConfig /);
    const down = await mqadmin('updateKvConfig', '-s', 'NS_TEST', '-k', 'k2', '-v', 'v2', '-n', `${servers[0]?.address ?? ''};127.0.0.1:1`);
    assert.equal(down.code, 1);
    assert.match(down.stderr, /^updateKvConfig command failed: name server 127\.0\.0\.1:1: /);
    const badFlag = await mqadmin('deleteKvConfig', '-s', 'NS_TEST', '-k', 'k1', '-x', 'y');
    assert.equal(badFlag.code, 1);
    assert.match(badFlag.stderr, /^Unrecognized option: -x\nusage: mqadmin deleteKvConfig /);
  });

  test('mqadmin getNamesrvConfig - a banner per name server, then one "key=  value" line per item', async () => {
    const out = await succeeded('getNamesrvConfig');
    for (const server of servers) {
      const start = out.indexOf(`============${server.address}============\n`);
      assert.ok(start >= 0, out);
      const section = out.slice(start).split('\n').slice(1);
      const kvLine = section.find((line) => line.startsWith('kvConfigPath'));
      assert.equal(kvLine, `${'kvConfigPath'.padEnd(50)}=  ${join(server.dir, 'kvConfig.json')}`);
    }
    assert.match(out, /^orderMessageEnable {32}= {2}false$/m);
  });

  test('mqadmin updateNamesrvConfig - changes every name server at run time and persists to configStorePath', async () => {
    await createTopic(admin, broker.address, servers[0]?.address ?? '', 'MqNsOrderTopic', 2);
    await succeeded('updateOrderConf', '-t', 'MqNsOrderTopic', '-m', 'put', '-v', 'broker-a:2');
    assert.equal((await topicRoute(admin, servers[0]?.address ?? '', 'MqNsOrderTopic'))?.orderTopicConf, undefined, 'orderMessageEnable is off');
    const out = await succeeded('updateNamesrvConfig', '-k', 'orderMessageEnable', '-v', 'true', '-n', namesrvList());
    assert.equal(out, `update name server config success![${servers.map((server) => server.address).join(', ')}]\norderMessageEnable : true\n`);
    for (const server of servers) {
      assert.equal(server.namesrv.config.orderMessageEnable, true);
      assert.equal((await topicRoute(admin, server.address, 'MqNsOrderTopic'))?.orderTopicConf, 'broker-a:2');
      const persisted = await waitFor(async () => readFile(join(server.dir, 'namesrv.properties'), 'utf8').catch(() => undefined), 'namesrv.properties');
      assert.match(persisted, /^orderMessageEnable=true$/m);
      assert.match(persisted, /^kvConfigPath=/m);
    }
    assert.match(await succeeded('getNamesrvConfig'), /^orderMessageEnable {32}= {2}true$/m);
  });

  test('mqadmin updateNamesrvConfig - black-listed keys and bad values are refused; nothing changes', async () => {
    const black = await mqadmin('updateNamesrvConfig', '-k', 'kvConfigPath', '-v', '/tmp/elsewhere.json');
    assert.equal(black.code, 1);
    assert.match(black.stderr, /^updateNamesrvConfig command failed: .*NO_PERMISSION\(16\) Can not update config in black list\.\n$/);
    const blackList = await mqadmin('updateNamesrvConfig', '-k', 'configBlackList', '-v', '');
    assert.equal(blackList.code, 1);
    const bad = await mqadmin('updateNamesrvConfig', '-k', 'waitSecondsForService', '-v', 'soon');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /INVALID_PARAMETER\(29\) .*waitSecondsForService/);
    for (const server of servers) {
      assert.equal(server.namesrv.config.kvConfigPath, join(server.dir, 'kvConfig.json'));
      assert.equal(server.namesrv.config.waitSecondsForService, 45);
    }
    const unknown = await succeeded('updateNamesrvConfig', '-k', 'noSuchKey', '-v', '1');
    assert.match(unknown, /^update name server config success!\nnoSuchKey : 1\n$/);
  });
});
