/**
 * mqadmin-group.test.ts: the consumer group commands (updateSubGroup, updateSubGroupList,
 * deleteSubGroup, getConsumerConfig, consumerProgress, consumerConnection, producerConnection,
 * consumerStatus, brokerConsumeStats) as child processes against a NameServer + Broker started
 * here: their output and their effect on the broker.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ConsumerSendMsgBackRequestHeader, RequestCode, ResponseCode } from '../../src/protocol/index.js';
import type { RemotingClient } from '../../src/remoting/index.js';
import { decodeRecords, pullMessage, queueOffset } from '../harness/broker-requests.js';
import { createTopic, tempDir, waitFor, type TestBroker, type TestNamesrv } from '../harness/cluster.js';
import { collect, startClientCluster, type ClientCluster } from '../harness/client.js';
import { runToEnd } from '../harness/process.js';

let namesrv: TestNamesrv;
let broker: TestBroker;
let admin: RemotingClient;
let cluster: ClientCluster;

function mqadmin(...args: string[]) {
  return runToEnd('mqadmin', [...args, '-n', namesrv.address], { ...process.env, NAMESRV_ADDR: '' });
}

async function groupsFile(): Promise<Record<string, Record<string, unknown>>> {
  const text = await readFile(join(broker.storeDir, 'config', 'subscriptionGroup.json'), 'utf8').catch(() => '{}');
  return (JSON.parse(text) as { subscriptionGroupTable?: Record<string, Record<string, unknown>> }).subscriptionGroupTable ?? {};
}

/** The rows of a table printed by mqadmin: lines starting with `prefix`, split on runs of spaces. */
function rows(stdout: string, prefix: string): string[][] {
  return stdout.split('\n').filter((line) => line.startsWith(prefix)).map((line) => line.trim().split(/\s+/));
}

describe('mqadmin groups', { timeout: 180_000 }, () => {
  before(async () => {
    cluster = await startClientCluster('PID_mqadmin_group', { accessMessageInMemoryMaxRatio: '0' });
    ({ namesrv, broker, admin } = cluster);
  });

  after(() => cluster.stop());

  test('mqadmin updateSubGroup - creates the group in subscriptionGroup.json and its retryMaxTimes sends a failed message to the DLQ', async () => {
    const created = await mqadmin('updateSubGroup', '-b', broker.address, '-g', 'GID_admin_sub', '-r', '0', '-o', 'true', '-q', '2', '-w', '2', '--attributes', '+a=b');
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, new RegExp(`^create subscription group to ${broker.address} success\\.$`, 'm'));
    assert.match(
      created.stdout,
      /^SubscriptionGroupConfig\{groupName=GID_admin_sub, consumeEnable=true, consumeFromMinEnable=false, consumeBroadcastEnable=false, consumeMessageOrderly=true, retryQueueNums=2, retryMaxTimes=0, brokerId=0, whichBrokerWhenConsumeSlowly=2, .*attributes=\{\+a=b\}\}$/m,
    );
    const byCluster = await mqadmin('updateSubGroup', '-c', 'DefaultCluster', '-g', 'GID_admin_cluster', '-d', 'true');
    assert.equal(byCluster.code, 0, byCluster.stderr);
    assert.match(byCluster.stdout, new RegExp(`^create subscription group to ${broker.address} success\\.\nSubscriptionGroupConfig\\{groupName=GID_admin_cluster, consumeEnable=true, consumeFromMinEnable=false, consumeBroadcastEnable=true,`));
    const noCluster = await mqadmin('updateSubGroup', '-c', 'NoCluster', '-g', 'GID_admin_cluster');
    assert.equal(noCluster.code, 1);
    assert.equal(noCluster.stderr, 'updateSubGroup command failed: cluster NoCluster does not exist\n');
    const persisted = await waitFor(async () => (await groupsFile())['GID_admin_sub'], 'the group in subscriptionGroup.json');
    assert.equal(persisted['retryMaxTimes'], 0);
    assert.equal(persisted['consumeMessageOrderly'], true);
    assert.equal(persisted['retryQueueNums'], 2);
    assert.equal(persisted['whichBrokerWhenConsumeSlowly'], 2);
    assert.deepEqual(persisted['attributes'], { a: 'b' });

    // The retry path reads the group's retryMaxTimes when the client does not send its own.
    await createTopic(admin, broker.address, namesrv.address, 'AdminSubTopic', 1);
    await cluster.sendAll('AdminSubTopic', 1, 'doomed');
    const [record] = decodeRecords((await pullMessage(admin, broker.address, { group: 'GID_admin_sub', topic: 'AdminSubTopic' })).body);
    assert.ok(record);
    const extFields = ConsumerSendMsgBackRequestHeader.encode({ offset: record.commitLogOffset, group: 'GID_admin_sub', delayLevel: 0, originTopic: 'AdminSubTopic', unitMode: false });
    const back = await admin.invoke(broker.address, { code: RequestCode.CONSUMER_SEND_MSG_BACK, extFields }, 5000);
    assert.equal(back.code, ResponseCode.SUCCESS, back.remark);
    await waitFor(async () => (await queueOffset(admin, broker.address, RequestCode.GET_MAX_OFFSET, '%DLQ%GID_admin_sub', 0)) === 1, 'the message in the DLQ');
  });

  test('mqadmin updateSubGroup - a bad flag prints the usage and fails; neither -b nor -c prints the usage', async () => {
    const bad = await mqadmin('updateSubGroup', '-g', 'G', '-z');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^Unrecognized option: -z\nusage: mqadmin updateSubGroup /);
    const missing = await mqadmin('updateSubGroup', '-b', broker.address);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^Missing required option: g\n/);
    const neither = await mqadmin('updateSubGroup', '-g', 'GID_nowhere');
    assert.equal(neither.code, 0);
    assert.match(neither.stdout, /^usage: mqadmin updateSubGroup /);
    const notInt = await mqadmin('updateSubGroup', '-b', broker.address, '-g', 'G', '-r', 'many');
    assert.equal(notInt.code, 1);
    assert.match(notInt.stderr, /^updateSubGroup command failed: option --retryMaxTimes: "many" is not an integer/);
    const badName = await mqadmin('updateSubGroup', '-b', broker.address, '-g', 'bad group');
    assert.equal(badName.code, 1);
    assert.match(badName.stderr, /INVALID_PARAMETER\(29\) The specified group: bad group, contains illegal characters/);
  });

  test('mqadmin consumerProgress - per queue broker offset, consumer offset and diff add up to the true lag; without -g one line per group', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'ProgressTopic', 2);
    await cluster.sendAll('ProgressTopic', 10, 'a');
    const consumer = await collect(namesrv.address, 'GID_progress', 'ProgressTopic');
    await consumer.waitForCount(10);
    await consumer.consumer.shutdown();
    await cluster.sendAll('ProgressTopic', 5, 'b');

    const progress = await mqadmin('consumerProgress', '-g', 'GID_progress');
    assert.equal(progress.code, 0, progress.stderr);
    const header = `${'#Topic'.padEnd(64)}  ${'#Broker Name'.padEnd(32)}  #QID  ${'#Broker Offset'.padEnd(20)}  ${'#Consumer Offset'.padEnd(20)}  ${'#Diff'.padEnd(20)} ${'#Inflight'.padEnd(20)}#LastTime`;
    assert.ok(progress.stdout.startsWith(`${header}\n`), progress.stdout);
    const queues = rows(progress.stdout, 'ProgressTopic');
    assert.equal(queues.length, 2);
    let brokerTotal = 0;
    let diffTotal = 0;
    for (const [topic, brokerName, queueId, brokerOffset, consumerOffset, diff, inflight, date, time] of queues) {
      assert.equal(topic, 'ProgressTopic');
      assert.equal(brokerName, 'broker-a');
      assert.ok(queueId === '0' || queueId === '1');
      assert.equal(Number(diff), Number(brokerOffset) - Number(consumerOffset));
      assert.equal(inflight, '0');
      assert.match(`${date} ${time}`, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      brokerTotal += Number(brokerOffset);
      diffTotal += Number(diff);
    }
    assert.equal(brokerTotal, 15);
    assert.equal(diffTotal, 5);
    assert.match(progress.stdout, /\n\nConsume TPS: \d+\.\d{2}\nConsume Diff Total: 5\nConsume Inflight Total: 0\n$/);

    const oneTopic = await mqadmin('consumerProgress', '-g', 'GID_progress', '-t', 'ProgressTopic');
    assert.equal(oneTopic.code, 0, oneTopic.stderr);
    assert.equal(rows(oneTopic.stdout, 'ProgressTopic').length, 2);
    assert.match(oneTopic.stdout, /\nConsume Diff Total: 5\n/);

    const all = await mqadmin('consumerProgress');
    assert.equal(all.code, 0, all.stderr);
    assert.ok(all.stdout.startsWith(`${'#Group'.padEnd(64)}  #Count  ${'#Version'.padEnd(24)} #Type  ${'#Model'.padEnd(14)}  #TPS     #Diff Total\n`), all.stdout);
    assert.ok(all.stdout.includes(`\n${'GID_progress'.padEnd(64)}  0       ${'OFFLINE'.padEnd(24)}        ${''.padEnd(14)}  0        5\n`), all.stdout);

    const unknown = await mqadmin('consumerProgress', '-g', 'GID_never_seen');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^consumerProgress command failed: /);
    assert.doesNotMatch(unknown.stderr, /\n\s+at /);
  });
  test('mqadmin updateSubGroupList, getConsumerConfig, deleteSubGroup - groups from a file, read back per broker, deleted', async () => {
    const dir = await tempDir('mqadmin-groups');
    const file = join(dir, 'groups.json');
    await writeFile(file, JSON.stringify([{ groupName: 'GID_list_a', retryMaxTimes: 3 }, { groupName: 'GID_list_b', consumeEnable: false }]));
    const listed = await mqadmin('updateSubGroupList', '-b', broker.address, '-f', file);
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(listed.stdout, `submit batch of group config to ${broker.address} success, please check the result later.\n`);
    const missingFile = await mqadmin('updateSubGroupList', '-b', broker.address, '-f', join(dir, 'none.json'));
    assert.equal(missingFile.stdout, `the file path ${join(dir, 'none.json')} does not exists\n`);

    const config = await mqadmin('getConsumerConfig', '-g', 'GID_list_a');
    assert.equal(config.code, 0, config.stderr);
    assert.ok(config.stdout.startsWith('=============================DefaultCluster:broker-a=============================\n'), config.stdout);
    assert.ok(config.stdout.includes(`\n${'retryMaxTimes'.padEnd(40)}=  3\n`), config.stdout);
    assert.ok(config.stdout.includes(`\n${'consumeEnable'.padEnd(40)}=  true\n`));
    const disabled = await mqadmin('getConsumerConfig', '-g', 'GID_list_b');
    assert.ok(disabled.stdout.includes(`\n${'consumeEnable'.padEnd(40)}=  false\n`), disabled.stdout);

    const deleted = await mqadmin('deleteSubGroup', '-b', broker.address, '-g', 'GID_list_a', '-r', 'true');
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal(deleted.stdout, `delete subscription group [GID_list_a] from broker [${broker.address}] success.\n`);
    const gone = await mqadmin('getConsumerConfig', '-g', 'GID_list_a');
    assert.equal(gone.code, 0, gone.stderr);
    assert.equal(gone.stdout, '');
    await waitFor(async () => (await groupsFile())['GID_list_a'] === undefined && (await groupsFile())['GID_list_b'] !== undefined, 'the file without GID_list_a');
    const byCluster = await mqadmin('deleteSubGroup', '-c', 'DefaultCluster', '-g', 'GID_list_b');
    assert.equal(byCluster.stdout, `delete subscription group [GID_list_b] from broker [${broker.address}] in cluster [DefaultCluster] success.\n`);
    const badFlag = await mqadmin('getConsumerConfig', '-g', 'G', '-q');
    assert.equal(badFlag.code, 1);
    assert.match(badFlag.stderr, /^Unrecognized option: -q\nusage: mqadmin getConsumerConfig /);
  });

  test('mqadmin consumerConnection, producerConnection, brokerConsumeStats - live clients and every group\'s progress on a broker', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'ConnTopic', 1);
    await cluster.sendAll('ConnTopic', 3, 'c');
    const consumer = await collect(namesrv.address, 'GID_conn', 'ConnTopic', { expression: 'TagA || TagB' });
    try {
      await waitFor(async () => (await mqadmin('consumerConnection', '-g', 'GID_conn')).code === 0, 'the consumer online');
      const connection = await mqadmin('consumerConnection', '-g', 'GID_conn');
      assert.ok(connection.stdout.startsWith(`${'#ClientId'.padEnd(36)} ${'#ClientAddr'.padEnd(22)} ${'#Language'.padEnd(10)} #Version\n`), connection.stdout);
      assert.ok(connection.stdout.includes(`\n${consumer.consumer.clientId.padEnd(36)} 127.0.0.1:`), connection.stdout);
      assert.match(connection.stdout, /\nBelow is subscription:\n#Topic {15}#SubExpression\nConnTopic {12}TagA \|\| TagB\n%RETRY%GID_conn {6}\*\n/);
      assert.match(connection.stdout, /\nConsumeType: CONSUME_PASSIVELY\nMessageModel: CLUSTERING\nConsumeFromWhere: CONSUME_FROM_FIRST_OFFSET\n$/);
      const offline = await mqadmin('consumerConnection', '-g', 'GID_nobody');
      assert.equal(offline.code, 1);
      assert.match(offline.stderr, /^consumerConnection command failed: /);

      const producers = await mqadmin('producerConnection', '-g', 'PID_mqadmin_group', '-t', 'ConnTopic');
      assert.equal(producers.code, 0, producers.stderr);
      assert.match(producers.stdout, /^0001 {2}\S+@\S+ +127\.0\.0\.1:\d+ +JAVA {5}V\d_\d_\d/);

      await consumer.waitForCount(0);
      const stats = await mqadmin('brokerConsumeStats', '-b', broker.address);
      assert.equal(stats.code, 0, stats.stderr);
      assert.ok(stats.stdout.startsWith(`${'#Topic'.padEnd(64)}  ${'#Group'.padEnd(64)}  ${'#Broker Name'.padEnd(32)}  #QID  `), stats.stdout);
      assert.match(stats.stdout, /^ProgressTopic +GID_progress +broker-a +\d +\d+ +\d+ +\d+ +\d{4}-/m);
      assert.match(stats.stdout, /\n\nDiff Total: \d+\n$/);
      const level = await mqadmin('brokerConsumeStats', '-b', broker.address, '-l', '1000');
      assert.doesNotMatch(level.stdout, /^ProgressTopic/m, 'rows under the diff level are left out');
    } finally {
      await consumer.consumer.shutdown();
    }
  });
  test('mqadmin consumerStatus, getConsumerStatus, consumerProgress -s - what a running consumer reports through the broker', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'StatusTopic', 2);
    await cluster.sendAll('StatusTopic', 4, 's');
    const consumer = await collect(namesrv.address, 'GID_status', 'StatusTopic');
    try {
      await consumer.waitForCount(4);
      await consumer.consumer.rebalanceSettled();
      const clientId = consumer.consumer.clientId;
      const one = await mqadmin('consumerStatus', '-g', 'GID_status', '-i', clientId);
      assert.equal(one.code, 0, one.stderr);
      assert.match(one.stdout, /^#Consumer Properties#\n/);
      assert.ok(one.stdout.includes(`\n${'PROP_CONSUME_TYPE'.padEnd(40)}: CONSUME_PASSIVELY\n`), one.stdout);
      assert.ok(one.stdout.includes(`\n${'groupName'.padEnd(40)}: GID_status\n`));
      assert.match(one.stdout, /\n001 Topic: %RETRY%GID_status +ClassFilter: false +SubExpression: \*\n002 Topic: StatusTopic +ClassFilter: false +SubExpression: \*\n/);
      await waitFor(async () => /\nStatusTopic {23}broker-a {26}1 {5}\d/.test((await mqadmin('consumerStatus', '-g', 'GID_status', '-i', clientId)).stdout), 'both queues in the report');
      assert.match(one.stdout, /\n#Consumer MQ Detail#\n/);

      const all = await mqadmin('consumerStatus', '-g', 'GID_status');
      assert.equal(all.code, 0, all.stderr);
      assert.ok(all.stdout.startsWith(`${'#Index'.padEnd(10)} ${'#ClientId'.padEnd(40)} ${'#Version'.padEnd(20)} #ConsumerRunningInfoFile\n`), all.stdout);
      const file = /^1 {10}\S+ +V5_3_3 +(\S+)$/m.exec(all.stdout)?.[1];
      assert.ok(file, all.stdout);
      assert.match(await readFile(file, 'utf8'), /^#Consumer Properties#\n/);
      assert.match(all.stdout, /\n\nSame subscription in the same group of consumer\n\nRebalance OK\n$/);

      const offsets = await mqadmin('getConsumerStatus', '-g', 'GID_status', '-t', 'StatusTopic');
      assert.equal(offsets.code, 0, offsets.stderr);
      assert.ok(offsets.stdout.startsWith(`get consumer status from client. group=GID_status, topic=StatusTopic, originClientId=\n${'#clientId'.padEnd(50)}  ${'#brokerName'.padEnd(15)}  ${'#queueId'.padEnd(15)}  #offset`), offsets.stdout);
      assert.equal(offsets.stdout.split('\n').filter((line) => line.startsWith(clientId)).length, 2, offsets.stdout);

      const withIp = await mqadmin('consumerProgress', '-g', 'GID_status', '-s', 'true');
      assert.equal(withIp.code, 0, withIp.stderr);
      assert.match(withIp.stdout, /#Client IP {11}#Diff/);
      assert.match(withIp.stdout, new RegExp(`^StatusTopic +broker-a +0 +\\d+ +\\d+ +${clientId.split('@')[0]?.replace(/\./g, '\\.')} +`, 'm'));

      const nobody = await mqadmin('consumerStatus', '-g', 'GID_status', '-i', 'no@client');
      assert.equal(nobody.code, 1);
      assert.match(nobody.stderr, /^consumerStatus command failed: running info of no@client: SYSTEM_ERROR\(1\) The Consumer <GID_status> <no@client> not online\n$/);
    } finally {
      await consumer.consumer.shutdown();
    }
  });
});
