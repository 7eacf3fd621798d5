/**
 * mqadmin-cluster.test.ts: the cluster and broker commands of mqadmin (clusterList, brokerStatus,
 * getBrokerConfig, updateBrokerConfig, ...) as child processes against a NameServer + Broker
 * started here: their output, the figures the broker measured, and their effect.
 */
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parsePropertiesText } from '../../src/config/index.js';
import { versionDesc } from '../../src/admin/ops/mq-version.js';
import { MessageConst } from '../../src/message/index.js';
import { PermName, SERVER_VERSION } from '../../src/protocol/index.js';
import type { RemotingClient } from '../../src/remoting/index.js';
import { SERVER_VERSION_DESC } from '../../src/broker/stats/runtime-info.js';
import { adminClient, createTopic, startBroker, startNamesrv, tempDir, topicRoute, waitFor, type TestBroker, type TestNamesrv } from '../harness/cluster.js';
import { pullMessage, sendMessage, sendResult, updateConsumerOffset } from '../harness/broker-requests.js';
import { runToEnd, startUntil } from '../harness/process.js';

const TOPIC = 'ClusterAdminTopic';
const SENT = 5;
const PULLED = 3;

let namesrv: TestNamesrv;
let broker: TestBroker;
let admin: RemotingClient;

function mqadmin(...args: string[]) {
  return runToEnd('mqadmin', [...args, '-n', namesrv.address], { ...process.env, NAMESRV_ADDR: '' });
}

/** brokerStatus -b as a map. */
async function brokerStatus(address: string): Promise<Map<string, string>> {
  const result = await mqadmin('brokerStatus', '-b', address);
  assert.equal(result.code, 0, result.stderr);
  return new Map(result.stdout.trimEnd().split('\n').map((line) => {
    const at = line.indexOf(': ');
    return [line.slice(0, at).trim(), line.slice(at + 2)] as const;
  }));
}

describe('mqadmin cluster and broker commands', { timeout: 180_000 }, () => {
  before(async () => {
    admin = adminClient();
    namesrv = await startNamesrv();
    broker = await startBroker({ namesrvAddr: namesrv.address });
    await createTopic(admin, broker.address, namesrv.address, TOPIC, 2);
    for (let index = 0; index < SENT; index++) sendResult(await sendMessage(admin, broker.address, { topic: TOPIC, body: `m${index}` }));
    const pulled = await pullMessage(admin, broker.address, { group: 'ClusterAdminGroup', topic: TOPIC, maxMsgNums: PULLED });
    assert.equal(pulled.code, 0);
    assert.equal((await updateConsumerOffset(admin, broker.address, 'ClusterAdminGroup', TOPIC, 0, 1)).code, 0);
  });

  after(async () => {
    await admin.close();
    await broker.stop(true);
    await namesrv.stop();
  });

  test('clusterList - one line per broker with its version, the measured put rate and ACTIVATED', async () => {
    assert.equal(SERVER_VERSION_DESC, versionDesc(SERVER_VERSION));
    const result = await waitFor(async () => {
      const run = await mqadmin('clusterList');
      assert.equal(run.code, 0, run.stderr);
      const line = run.stdout.split('\n')[1] ?? '';
      // InTPS is the put rate over the last 10 seconds: not 0 shortly after the sends.
      return Number(/\s(\d+\.\d\d)\(N,Nms\)/.exec(line)?.[1] ?? 0) > 0 ? run : undefined;
    }, 'a put rate above 0 in clusterList');
    const [header, line] = result.stdout.split('\n');
    assert.equal(
      header,
      '#Cluster Name           #Broker Name            #BID  #Addr                  #Version              #InTPS(LOAD)                   #OutTPS(LOAD)  #Timer(Progress)        #PCWait(ms)  #Hour         #SPACE    #ACTIVATED',
    );
    const fields = (line ?? '').trim().split(/\s+/);
    assert.deepEqual(fields.slice(0, 5), ['DefaultCluster', 'broker-a', '0', broker.address, 'V5_3_3']);
    assert.equal(fields.at(-1), 'true');
    const space = Number(fields.at(-2));
    assert.ok(space > 0 && space < 1, `#SPACE is the used share of the disk: ${space}`);
    const hour = Number(fields.at(-3));
    assert.ok(hour >= 0 && hour < 1, `#Hour since the first message: ${hour}`);
  });

  test('clusterList -m - the messages put and got today, as the broker counted them', async () => {
    const result = await mqadmin('clusterList', '-m');
    assert.equal(result.code, 0, result.stderr);
    const [header, line] = result.stdout.split('\n');
    assert.equal(header, '#Cluster Name     #Broker Name                       #InTotalYest  #OutTotalYest  #InTotalToday #OutTotalToday');
    assert.equal(line, `DefaultCluster    broker-a                                      0              0              ${SENT}              ${PULLED}`);
    const other = await mqadmin('clusterList', '-m', '-c', 'NoSuchCluster');
    assert.equal(other.code, 1);
    assert.equal(other.stderr, 'clusterList command failed: cluster NoSuchCluster does not exist\n');
  });

  test('clusterList -i - prints again every interval until stopped', async () => {
    const running = await startUntil('mqadmin', ['clusterList', '-m', '-i', '1', '-n', namesrv.address], [/\nDefaultCluster[^]*\nDefaultCluster.*\n/]);
    const finished = await running.stop();
    assert.ok(finished.stdout.split('\n').filter((line) => line.startsWith('DefaultCluster')).length >= 2);
  });

  test('brokerStatus - every runtime key in Java\'s order, with the measured counts', async () => {
    const result = await mqadmin('brokerStatus', '-b', broker.address);
    assert.equal(result.code, 0, result.stderr);
    const keys = result.stdout.trimEnd().split('\n').map((line) => line.slice(0, 32).trim());
    assert.deepEqual(keys, [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    assert.match(result.stdout, /^msgPutTotalTodayNow {13}: 5$/m);
    const status = await brokerStatus(broker.address);
    assert.equal(status.get('msgPutTotalTodayNow'), String(SENT));
    assert.equal(status.get('msgGetTotalTodayNow'), String(PULLED));
    assert.equal(status.get('putMessageTimesTotal'), String(SENT));
    assert.equal(status.get('brokerVersionDesc'), 'V5_3_3');
    assert.equal(status.get('brokerVersion'), String(SERVER_VERSION));
    assert.equal(status.get('commitLogMinOffset'), '0');
    assert.ok(Number(status.get('commitLogMaxOffset')) > 0);
    assert.ok(Math.abs(Number(status.get('earliestMessageTimeStamp')) - Date.now()) < 600_000);
    assert.match(status.get('runtime') ?? '', /^\[ 0 days, 0 hours, \d+ minutes, \d+ seconds \]$/);
    assert.match(status.get('putTps') ?? '', /^\S+ \S+ \S+$/);
    assert.equal(status.get('scheduleMessageOffset_1'), '0,0');
    // Thread pool figures have no meaning here and are left out rather than invented.
    assert.equal(status.has('sendThreadPoolQueueSize'), false);
    const byCluster = await mqadmin('brokerStatus', '-c', 'DefaultCluster');
    assert.equal(byCluster.code, 0, byCluster.stderr);
    assert.match(byCluster.stdout, new RegExp(`^${broker.address.replace(/\./g, '\\.')} +msgPutTotalTodayNow +: 5$`, 'm'));
  });

  test('getBrokerConfig - every key under a banner, by broker or by cluster', async () => {
    const result = await mqadmin('getBrokerConfig', '-b', broker.address);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.split('\n');
    assert.equal(lines[0], `============${broker.address}============`);
    assert.ok(lines.includes(`${'brokerName'.padEnd(50)}=  broker-a`));
    assert.ok(lines.includes(`${'flushDiskType'.padEnd(50)}=  ASYNC_FLUSH`));
    const byCluster = await mqadmin('getBrokerConfig', '-c', 'DefaultCluster');
    assert.equal(byCluster.code, 0, byCluster.stderr);
    assert.equal(byCluster.stdout.split('\n')[0], `============Master: ${broker.address}============`);
    const neither = await mqadmin('getBrokerConfig');
    assert.equal(neither.code, 1);
  });

  test('statsAll - per topic and group the rates and 24-hour counts the broker measured', async () => {
    const row = await waitFor(async () => {
      const run = await mqadmin('statsAll', '-t', TOPIC);
      assert.equal(run.code, 0, run.stderr);
      const line = run.stdout.split('\n').find((text) => text.startsWith(TOPIC));
      // The minute's figures are sampled every 10 seconds.
      return line !== undefined && / 5 +3$/.test(line) ? { run, line } : undefined;
    }, 'statsAll to show the sends and pulls');
    assert.equal(
      row.run.stdout.split('\n')[0],
      `${'#Topic'.padEnd(64)}  ${'#Consumer Group'.padEnd(64)} #Accumulation      #InTPS     #OutTPS   #InMsg24Hour  #OutMsg24Hour`,
    );
    const fields = row.line.trim().split(/\s+/);
    assert.equal(fields[0], TOPIC);
    assert.equal(fields[1], 'ClusterAdminGroup');
    assert.equal(fields[2], String(SENT - 1), '#Accumulation: the group committed offset 1 of the 5 messages in queue 0');
    assert.ok(Number(fields[3]) > 0, `#InTPS over the last minute: ${fields[3]}`);
    assert.ok(Number(fields[4]) > 0, `#OutTPS over the last minute: ${fields[4]}`);
    const groups = await mqadmin('statsAll', '-a');
    assert.equal(groups.code, 0, groups.stderr);
    assert.ok(groups.stdout.split('\n').some((line) => line.startsWith(TOPIC)));
    assert.ok(!groups.stdout.includes('TBW102'), 'with -a only topics with traffic');
  });

  test('wipeWritePerm and addWritePerm - the name server\'s routes lose and regain WRITE', async () => {
    const wipe = await mqadmin('wipeWritePerm', '-b', 'broker-a');
    assert.equal(wipe.code, 0, wipe.stderr);
    assert.match(wipe.stdout, new RegExp(`^wipe write perm of broker\\[broker-a\\] in name server\\[${namesrv.address}\\] OK, [1-9]\\d*\\n$`));
    assert.equal((await topicRoute(admin, namesrv.address, TOPIC))?.queueDatas[0]?.perm, PermName.READ);
    const add = await mqadmin('addWritePerm', '-b', 'broker-a');
    assert.equal(add.code, 0, add.stderr);
    assert.match(add.stdout, /^add write perm of broker\[broker-a\] in name server\[.*\] OK, [1-9]\d*\n$/);
    assert.equal((await topicRoute(admin, namesrv.address, TOPIC))?.queueDatas[0]?.perm, PermName.READ | PermName.WRITE);
    const missing = await mqadmin('wipeWritePerm');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^Missing required option: b\n/);
  });

  test('clusterRT - the mean send time to each broker, again every interval', async () => {
    const running = await startUntil('mqadmin', ['clusterRT', '-a', '5', '-s', '16', '-i', '1', '-n', namesrv.address], [/\nDefaultCluster[^]*\nDefaultCluster.*\n/]);
    const { stdout } = await running.stop();
    const lines = stdout.split('\n');
    assert.equal(lines[0], '#Cluster Name             #Broker Name              #RT   #successCount  #failCount');
    assert.match(lines[1] ?? '', /^DefaultCluster +broker-a +\d+\.\d\d +5 +0 *$/);
    const status = await brokerStatus(broker.address);
    assert.ok(Number(status.get('putMessageTimesTotal')) >= SENT + 10, 'the sends were stored');
  });

  test('updateBrokerConfig - changes a key at once; refuses unknown, startup-only and black-listed keys', async () => {
    const update = await mqadmin('updateBrokerConfig', '-b', broker.address, '-k', 'traceOn', '-v', 'false');
    assert.equal(update.code, 0, update.stderr);
    assert.equal(update.stdout, `update broker config success, ${broker.address}\n`);
    const config = await mqadmin('getBrokerConfig', '-b', broker.address);
    assert.ok(config.stdout.split('\n').includes(`${'traceOn'.padEnd(50)}=  false`));
    const sent = await sendMessage(admin, broker.address, { topic: TOPIC });
    assert.equal(sent.extFields[MessageConst.TRACE_SWITCH], 'false', 'the send path reads the new value');
    const unknown = await mqadmin('updateBrokerConfig', '-b', broker.address, '-k', 'noSuchKey', '-v', '1');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^updateBrokerConfig command failed: .*INVALID_PARAMETER\(29\) unknown config key noSuchKey\n$/);
    const startupOnly = await mqadmin('updateBrokerConfig', '-b', broker.address, '-k', 'listenPort', '-v', '1');
    assert.match(startupOnly.stderr, /listenPort cannot be changed at runtime/);
    const blackListed = await mqadmin('updateBrokerConfig', '-b', broker.address, '-k', 'brokerConfigPath', '-v', '/tmp/x');
    assert.match(blackListed.stderr, /NO_PERMISSION\(16\) Can not update config in black list\.\n$/);
    const badValue = await mqadmin('updateBrokerConfig', '-b', broker.address, '-k', 'brokerPermission', '-v', 'rw');
    assert.match(badValue.stderr, /brokerPermission: "rw" is not an integer/);
    const after = await mqadmin('updateBrokerConfig', '-b', broker.address, '-k', 'traceOn', '-v', 'true');
    assert.equal(after.code, 0, after.stderr);
  });

  test('updateBrokerConfig -c - brokerPermission reaches the name server\'s routes', async () => {
    const update = await mqadmin('updateBrokerConfig', '-c', 'DefaultCluster', '-k', 'brokerPermission', '-v', String(PermName.READ));
    assert.equal(update.code, 0, update.stderr);
    await waitFor(async () => (await topicRoute(admin, namesrv.address, TOPIC))?.queueDatas[0]?.perm === PermName.READ, 'a read-only route');
    const refused = await sendMessage(admin, broker.address, { topic: TOPIC });
    assert.equal(refused.code, 16);
    const back = await mqadmin('updateBrokerConfig', '-c', 'DefaultCluster', '-k', 'brokerPermission', '-v', String(PermName.READ | PermName.WRITE));
    assert.equal(back.code, 0, back.stderr);
    await waitFor(async () => (await topicRoute(admin, namesrv.address, TOPIC))?.queueDatas[0]?.perm === (PermName.READ | PermName.WRITE), 'a writable route');
  });

  test('mqadmin cluster commands - a bad flag prints the usage and exits non-zero', async () => {
    for (const name of ['clusterList', 'brokerStatus', 'getBrokerConfig', 'updateBrokerConfig', 'statsAll', 'clusterRT', 'wipeWritePerm', 'addWritePerm', 'cleanExpiredCQ', 'deleteExpiredCommitLog']) {
      const result = await mqadmin(name, '-z');
      assert.equal(result.code, 1, name);
      assert.match(result.stderr, new RegExp(`^Unrecognized option: -z\\nusage: mqadmin ${name}`), name);
    }
  });
});

describe('mqadmin updateBrokerConfig persistence', { timeout: 120_000 }, () => {
  test('updateBrokerConfig - the change is written to the config file and survives a restart', async () => {
    const ns = await startNamesrv();
    const dir = await tempDir('broker-conf');
    const confPath = join(dir, 'broker.conf');
    const storeDir = join(dir, 'store');
    const first = await startBroker({ namesrvAddr: ns.address, storeDir, brokerName: 'broker-p', conf: { brokerConfigPath: confPath } });
    try {
      const update = await runToEnd('mqadmin', ['updateBrokerConfig', '-b', first.address, '-k', 'fileReservedTime', '-v', '96', '-n', ns.address]);
      assert.equal(update.code, 0, update.stderr);
      assert.equal(first.broker.ctx.storeConfig.fileReservedTime, 96);
    } finally {
      await first.stop();
    }
    const text = await readFile(confPath, 'utf8');
    assert.equal(text, 'fileReservedTime=96\n');
    const conf = Object.fromEntries(parsePropertiesText(text, confPath).map((entry) => [entry.key, entry.value]));
    const second = await startBroker({ namesrvAddr: ns.address, storeDir, brokerName: 'broker-p', conf: { ...conf, brokerConfigPath: confPath } });
    try {
      const config = await runToEnd('mqadmin', ['getBrokerConfig', '-b', second.address, '-n', ns.address]);
      assert.ok(config.stdout.split('\n').includes(`${'fileReservedTime'.padEnd(50)}=  96`), config.stdout);
    } finally {
      await second.stop(true);
      await ns.stop();
    }
  });
  test('updateBrokerConfig - mqbroker -c: the change goes back into the -c file, other lines kept, and a restart reads it', async () => {
    const ns = await startNamesrv();
    const dir = await tempDir('mqbroker-conf');
    const conf = join(dir, 'broker.conf');
    const original = `# test broker\nbrokerName=broker-c\nbrokerIP1=127.0.0.1\nlistenPort=0\nstorePathRootDir=${dir}\ntraceOn=true\n`;
    await writeFile(conf, original);
    const boot = /^The broker\[broker-c, ([\d.]+:\d+)\] boot success/m;
    try {
      const first = await startUntil('broker', ['-c', conf, '-n', ns.address], [boot]);
      try {
        const address = first.matches[0]?.[1] ?? '';
        const update = await runToEnd('mqadmin', ['updateBrokerConfig', '-b', address, '-k', 'traceOn', '-v', 'false', '-n', ns.address]);
        assert.equal(update.code, 0, update.stderr);
      } finally {
        await first.stop();
      }
      assert.equal(await readFile(conf, 'utf8'), original.replace('traceOn=true', 'traceOn=false'));
      assert.equal(await readFile(`${conf}.bak`, 'utf8'), original, 'the previous file is kept as .bak');
      const second = await startUntil('broker', ['-c', conf, '-n', ns.address], [boot]);
      try {
        const address = second.matches[0]?.[1] ?? '';
        const config = await runToEnd('mqadmin', ['getBrokerConfig', '-b', address, '-n', ns.address]);
        assert.ok(config.stdout.split('\n').includes(`${'traceOn'.padEnd(50)}=  false`), config.stdout);
      } finally {
        await second.stop();
      }
    } finally {
      await ns.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('mqadmin deleteExpiredCommitLog and cleanExpiredCQ', { timeout: 120_000 }, () => {
  test('deleteExpiredCommitLog and cleanExpiredCQ - expired CommitLog files go, then the ConsumeQueues that pointed only into them', async () => {
    const ns = await startNamesrv();
    const segment = 64 * 1024;
    const conf = { mappedFileSizeCommitLog: String(segment), commitLogWriteBufferBytes: String(segment), maxMessageSize: String(16 * 1024) };
    const expiring = await startBroker({ namesrvAddr: ns.address, brokerName: 'broker-e', conf });
    const client = adminClient();
    const run = (...args: string[]) => runToEnd('mqadmin', [...args, '-n', ns.address], { ...process.env, NAMESRV_ADDR: '' });
    try {
      await createTopic(client, expiring.address, ns.address, 'OldTopic', 1);
      await createTopic(client, expiring.address, ns.address, 'FillerTopic', 1);
      for (let index = 0; index < 5; index++) sendResult(await sendMessage(client, expiring.address, { topic: 'OldTopic' }));
      const filler = Buffer.alloc(8 * 1024, 'f');
      for (let index = 0; index < 24; index++) sendResult(await sendMessage(client, expiring.address, { topic: 'FillerTopic', body: filler }));
      const store = expiring.broker.ctx.store;
      assert.equal(store.minPhyOffset, 0);
      const nothingYet = await run('cleanExpiredCQ', '-b', expiring.address);
      assert.equal(nothingYet.stdout, 'success\n', nothingYet.stderr);
      assert.equal(store.getMaxOffsetInQueue('OldTopic', 0), 5, 'nothing is expired before the CommitLog files go');
      // Files are kept 72 hours by default: the runtime change to 0 is what lets this round delete them.
      const reserved = await run('updateBrokerConfig', '-b', expiring.address, '-k', 'fileReservedTime', '-v', '0');
      assert.equal(reserved.code, 0, reserved.stderr);
      const deleted = await run('deleteExpiredCommitLog', '-c', 'DefaultCluster');
      assert.equal(deleted.code, 0, deleted.stderr);
      assert.equal(deleted.stdout, 'success\n');
      await waitFor(() => store.minPhyOffset > 0 && store.getMinOffsetInQueue('OldTopic', 0) === 5, 'the first CommitLog files to go');
      const status = await run('brokerStatus', '-b', expiring.address);
      assert.match(status.stdout, new RegExp(`^commitLogMinOffset +: ${store.minPhyOffset}$`, 'm'));
      const cleaned = await run('cleanExpiredCQ', '-c', 'DefaultCluster');
      assert.equal(cleaned.code, 0, cleaned.stderr);
      assert.equal(cleaned.stdout, 'success\n');
      assert.equal(store.getMaxOffsetInQueue('OldTopic', 0), 0, 'the expired ConsumeQueue is gone');
      assert.ok(store.getMaxOffsetInQueue('FillerTopic', 0) === 24, 'a queue with live messages stays');
      const unknown = await run('cleanExpiredCQ', '-c', 'NoSuchCluster');
      assert.equal(unknown.code, 1);
    } finally {
      await client.close();
      await expiring.stop(true);
      await ns.stop();
    }
  });
});
