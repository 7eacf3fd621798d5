/**
 * mqadmin.test.ts: `mqadmin` as a child process against a NameServer + Broker started by the
 * test: output, effects, usage and exit status.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RemotingClient } from '../../src/remoting/index.js';
import { adminClient, createTopic, startBroker, startNamesrv, type TestBroker, type TestNamesrv } from '../harness/cluster.js';
import { runToEnd } from '../harness/process.js';

let namesrv: TestNamesrv;
let broker: TestBroker;
let admin: RemotingClient;

function mqadmin(...args: string[]) {
  return runToEnd('mqadmin', args, { ...process.env, NAMESRV_ADDR: '' });
}

describe('mqadmin', { timeout: 120_000 }, () => {
  before(async () => {
    admin = adminClient();
    namesrv = await startNamesrv();
    broker = await startBroker({ namesrvAddr: namesrv.address });
    await createTopic(admin, broker.address, namesrv.address, 'AdminTopic', 4);
  });

  after(async () => {
    await admin.close();
    await broker.stop(true);
    await namesrv.stop();
  });

  test('mqadmin - without arguments lists the commands; help <command> prints its usage', async () => {
    const list = await mqadmin();
    assert.equal(list.code, 0);
    assert.match(list.stdout, /^The most commonly used mqadmin commands are:\n {3}topicList {2,}Fetch all topic list from name server\./m);
    const help = await mqadmin('help', 'TOPICROUTE');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^usage: mqadmin topicRoute \[-h\] \[-l\] \[-n <arg>\] -t <arg>$/m);
  });

  test('mqadmin - topicList and topicRoute read the name server (-n or NAMESRV_ADDR)', async () => {
    const list = await mqadmin('topicList', '-n', namesrv.address);
    assert.equal(list.code, 0, list.stderr);
    assert.ok(list.stdout.split('\n').includes('AdminTopic'));
    const byEnv = await runToEnd('mqadmin', ['topicList'], { ...process.env, NAMESRV_ADDR: namesrv.address });
    assert.ok(byEnv.stdout.split('\n').includes('AdminTopic'));
    const clusters = await mqadmin('topiclist', '-c', '-n', namesrv.address);
    assert.match(clusters.stdout, /^#Cluster Name {9}#Topic/m);
    assert.match(clusters.stdout, /^DefaultCluster {8}AdminTopic /m);
    const route = await mqadmin('topicRoute', '-t', 'AdminTopic', '-n', namesrv.address);
    assert.equal(route.code, 0, route.stderr);
    const parsed = JSON.parse(route.stdout) as { queueDatas: { writeQueueNums: number }[] };
    assert.equal(parsed.queueDatas[0]?.writeQueueNums, 4);
    const table = await mqadmin('topicRoute', '-t', 'AdminTopic', '-l', '-n', namesrv.address);
    assert.match(table.stdout, /^DefaultCluster +broker-a +0:127\.0\.0\.1:\d+ +4 +4 +RW-/m);
  });

  test('mqadmin - failures are one line and a non-zero exit status', async () => {
    const unknown = await mqadmin('noSuchCommand');
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr, 'The sub command noSuchCommand not exist.\n');
    const badFlag = await mqadmin('topicRoute', '-t', 'X', '-z', '-n', namesrv.address);
    assert.equal(badFlag.code, 1);
    assert.match(badFlag.stderr, /^Unrecognized option: -z\nusage: mqadmin topicRoute/);
    const missing = await mqadmin('topicRoute', '-n', namesrv.address);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^Missing required option: t\n/);
    const noRoute = await mqadmin('topicRoute', '-t', 'NoSuchTopic', '-n', namesrv.address);
    assert.equal(noRoute.code, 1);
    assert.match(noRoute.stderr, /^topicRoute command failed: route of topic NoSuchTopic: TOPIC_NOT_EXIST\(17\) /);
    assert.doesNotMatch(noRoute.stderr, /\n\s+at /);
    const noNamesrv = await mqadmin('topicList');
    assert.equal(noNamesrv.code, 1);
    assert.equal(noNamesrv.stderr, 'topicList command failed: no name server address: use -n host:9876 or set NAMESRV_ADDR\n');
    const down = await mqadmin('topicList', '-n', '127.0.0.1:1');
    assert.equal(down.code, 1);
    assert.match(down.stderr, /^topicList command failed: no name server answered: /);
  });
});
