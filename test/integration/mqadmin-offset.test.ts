/**
 * mqadmin-offset.test.ts: the offset commands (resetOffsetByTime, skipAccumulatedMessage,
 * cloneGroupOffset) as child processes against a NameServer + Broker started here, with our
 * SDK's consumers running: a reset makes a running PushConsumer or LitePullConsumer read again
 * without a restart; an offline group's offsets are committed directly.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RemotingClient } from '../../src/remoting/index.js';
import { LitePullConsumer, type MessageExt } from '../../src/index.js';
import { queryConsumerOffset } from '../harness/broker-requests.js';
import { createTopic, waitFor, type TestBroker, type TestNamesrv } from '../harness/cluster.js';
import { collect, FAST_CLIENT, startClientCluster, type ClientCluster } from '../harness/client.js';
import { runToEnd } from '../harness/process.js';

let namesrv: TestNamesrv;
let broker: TestBroker;
let admin: RemotingClient;
let cluster: ClientCluster;

function mqadmin(...args: string[]) {
  return runToEnd('mqadmin', [...args, '-n', namesrv.address], { ...process.env, NAMESRV_ADDR: '' });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Java's yyyy-MM-dd#HH:mm:ss:SSS in local time. */
function javaTimestamp(ms: number): string {
  const date = new Date(ms);
  const pad = (value: number, width = 2): string => String(value).padStart(width, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}#${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}:${pad(date.getMilliseconds(), 3)}`;
}

async function committedOffsets(group: string, topic: string, queues: number): Promise<number[]> {
  const offsets: number[] = [];
  for (let queueId = 0; queueId < queues; queueId++) {
    const response = await queryConsumerOffset(admin, broker.address, group, topic, queueId);
    offsets.push(response.code === 0 ? Number(response.extFields['offset']) : -1);
  }
  return offsets;
}

describe('mqadmin offsets', { timeout: 180_000 }, () => {
  before(async () => {
    cluster = await startClientCluster('PID_mqadmin_offset', { accessMessageInMemoryMaxRatio: '0' });
    ({ namesrv, broker, admin } = cluster);
  });

  after(() => cluster.stop());

  test('mqadmin resetOffsetByTime - a running PushConsumer reads again from the time given, without a restart', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'ResetPushTopic', 2);
    await cluster.sendAll('ResetPushTopic', 6, 'old');
    await sleep(50);
    const middle = Date.now();
    await sleep(50);
    await cluster.sendAll('ResetPushTopic', 6, 'new');
    const consumer = await collect(namesrv.address, 'GID_reset_push', 'ResetPushTopic');
    try {
      await consumer.waitForCount(12);
      await waitFor(async () => (await committedOffsets('GID_reset_push', 'ResetPushTopic', 2)).reduce((a, b) => a + b, 0) === 12, 'the offsets committed');
      const reset = await mqadmin('resetOffsetByTime', '-g', 'GID_reset_push', '-t', 'ResetPushTopic', '-s', javaTimestamp(middle));
      assert.equal(reset.code, 0, reset.stderr);
      assert.match(reset.stdout, /^start reset consumer offset by specified, group\[GID_reset_push\], topic\[ResetPushTopic\], force\[true\], timestamp\(string\)\[\d{4}-\d{2}-\d{2}#[\d:]+\], timestamp\(long\)\[\d+\]$/m);
      assert.ok(reset.stdout.includes(`${'#brokerName'.padEnd(40)}  ${'#queueId'.padEnd(40)}  ${'#offset'.padEnd(40)}\n`), reset.stdout);
      const rows = reset.stdout.split('\n').filter((line) => line.startsWith('broker-a')).map((line) => line.trim().split(/\s+/).map((cell, index) => (index === 0 ? cell : Number(cell))));
      assert.equal(rows.length, 2);
      assert.equal(rows.reduce((sum, row) => sum + Number(row[2]), 0), 6, 'each queue restarts at its first new message');
      // The consumer receives the six new messages a second time.
      await waitFor(() => consumer.bodies().filter((body) => body.startsWith('new')).length >= 12, 'the new messages read again');
      assert.equal(consumer.bodies().filter((body) => body.startsWith('old')).length, 6, 'the old ones are not read again');
    } finally {
      await consumer.consumer.shutdown();
    }
  });

  test('mqadmin resetOffsetByTime - a running LitePullConsumer reads again; "now" skips to the end', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'ResetLiteTopic', 2);
    await cluster.sendAll('ResetLiteTopic', 8, 'lite');
    const consumer = new LitePullConsumer({ ...FAST_CLIENT, groupName: 'GID_reset_lite', namesrvAddr: namesrv.address, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', autoCommitIntervalMillis: 1000 });
    consumer.subscribe('ResetLiteTopic');
    await consumer.start();
    const received: MessageExt[] = [];
    let polling = true;
    const loop = (async () => {
      while (polling) received.push(...(await consumer.poll(100)));
    })();
    try {
      await waitFor(() => received.length >= 8, 'the first reading');
      await waitFor(async () => (await committedOffsets('GID_reset_lite', 'ResetLiteTopic', 2)).reduce((a, b) => a + b, 0) === 8, 'the offsets committed');
      const reset = await mqadmin('resetOffsetByTime', '-g', 'GID_reset_lite', '-t', 'ResetLiteTopic', '-s', '0');
      assert.equal(reset.code, 0, reset.stderr);
      await waitFor(() => received.length >= 16, 'the messages read again');
      assert.deepEqual(received.slice(8).map((message) => message.body.toString()).sort(), received.slice(0, 8).map((message) => message.body.toString()).sort());
      const skip = await mqadmin('resetOffsetByTime', '-g', 'GID_reset_lite', '-t', 'ResetLiteTopic', '-s', 'now');
      assert.equal(skip.code, 0, skip.stderr);
      await waitFor(async () => (await committedOffsets('GID_reset_lite', 'ResetLiteTopic', 2)).reduce((a, b) => a + b, 0) === 8, 'the end committed');
    } finally {
      polling = false;
      await loop;
      await consumer.shutdown();
    }
  });

  test('mqadmin resetOffsetByTime - an offline group\'s offsets are committed directly; bad input fails with the usage', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'ResetOfflineTopic', 1);
    await cluster.sendAll('ResetOfflineTopic', 4, 'x');
    const consumer = await collect(namesrv.address, 'GID_reset_offline', 'ResetOfflineTopic');
    await consumer.waitForCount(4);
    await consumer.consumer.shutdown();
    await waitFor(async () => (await committedOffsets('GID_reset_offline', 'ResetOfflineTopic', 1))[0] === 4, 'the offset committed');
    const reset = await mqadmin('resetOffsetByTime', '-g', 'GID_reset_offline', '-t', 'ResetOfflineTopic', '-s', '0');
    assert.equal(reset.code, 0, reset.stderr);
    assert.match(reset.stdout, /^reset consumer offset by specified consumerGroup\[GID_reset_offline\], topic\[ResetOfflineTopic\], force\[true\], timestamp\(string\)\[0\], timestamp\(long\)\[0\]$/m);
    assert.ok(reset.stdout.includes(`${'#brokerName'.padEnd(20)}  ${'#queueId'.padEnd(20)}  ${'#brokerOffset'.padEnd(20)}  ${'#consumerOffset'.padEnd(20)}  ${'#timestampOffset'.padEnd(20)}  ${'#resetOffset'.padEnd(20)}\n`));
    assert.ok(reset.stdout.includes(`${'broker-a'.padEnd(20)}  ${'0'.padEnd(20)}  ${'4'.padEnd(20)}  ${'4'.padEnd(20)}  ${'0'.padEnd(20)}  ${'0'.padEnd(20)}\n`), reset.stdout);
    assert.deepEqual(await committedOffsets('GID_reset_offline', 'ResetOfflineTopic', 1), [0]);

    const badFlag = await mqadmin('resetOffsetByTime', '-g', 'G', '-t', 'T', '-s', 'now', '-x');
    assert.equal(badFlag.code, 1);
    assert.match(badFlag.stderr, /^Unrecognized option: -x\nusage: mqadmin resetOffsetByTime /);
    const badTime = await mqadmin('resetOffsetByTime', '-g', 'G', '-t', 'T', '-s', 'yesterday');
    assert.equal(badTime.code, 1);
    assert.equal(badTime.stderr, 'resetOffsetByTime command failed: timestamp "yesterday" is not now, milliseconds or yyyy-MM-dd#HH:mm:ss:SSS\n');
  });
  test('mqadmin skipAccumulatedMessage - a running consumer\'s offsets go to the end; offline, a backlog is skipped and never read', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'SkipTopic', 2);
    await cluster.sendAll('SkipTopic', 4, 'read');
    const consumer = await collect(namesrv.address, 'GID_skip', 'SkipTopic');
    try {
      await consumer.waitForCount(4);
      await waitFor(async () => (await committedOffsets('GID_skip', 'SkipTopic', 2)).reduce((a, b) => a + b, 0) === 4, 'the offsets committed');
      const skip = await mqadmin('skipAccumulatedMessage', '-g', 'GID_skip', '-t', 'SkipTopic');
      assert.equal(skip.code, 0, skip.stderr);
      assert.ok(skip.stdout.startsWith(`${'#brokerName'.padEnd(40)}  ${'#queueId'.padEnd(40)}  ${'#offset'.padEnd(40)}\n`), skip.stdout);
      const offsets = skip.stdout.split('\n').filter((line) => line.startsWith('broker-a')).map((line) => Number(line.trim().split(/\s+/)[2]));
      assert.equal(offsets.reduce((a, b) => a + b, 0), 4, 'the end of each queue');
    } finally {
      await consumer.consumer.shutdown();
    }
    // Offline: the old way, with its own table.
    await cluster.sendAll('SkipTopic', 6, 'backlog');
    const offline = await mqadmin('skipAccumulatedMessage', '-g', 'GID_skip', '-t', 'SkipTopic');
    assert.equal(offline.code, 0, offline.stderr);
    assert.ok(offline.stdout.startsWith(`${'#brokerName'.padEnd(20)}  ${'#queueId'.padEnd(20)}  ${'#brokerOffset'.padEnd(20)}  ${'#consumerOffset'.padEnd(20)}  ${'#timestampOffset'.padEnd(20)}  ${'#rollbackOffset'.padEnd(20)}\n`), offline.stdout);
    assert.equal((await committedOffsets('GID_skip', 'SkipTopic', 2)).reduce((a, b) => a + b, 0), 10, 'at the end of both queues');
    const again = await collect(namesrv.address, 'GID_skip', 'SkipTopic');
    try {
      await cluster.sendAll('SkipTopic', 2, 'fresh');
      await again.waitForCount(2);
      assert.deepEqual(again.bodies().sort(), ['fresh0', 'fresh1'], 'the skipped backlog is not read');
    } finally {
      await again.consumer.shutdown();
    }
  });

  test('mqadmin cloneGroupOffset - the destination group gets the source group\'s offsets of the topic', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'CloneTopic', 2);
    await cluster.sendAll('CloneTopic', 10, 'c');
    const consumer = await collect(namesrv.address, 'GID_clone_src', 'CloneTopic');
    await consumer.waitForCount(10);
    await consumer.consumer.shutdown();
    const source = await waitFor(async () => {
      const offsets = await committedOffsets('GID_clone_src', 'CloneTopic', 2);
      return offsets.reduce((a, b) => a + b, 0) === 10 && offsets;
    }, 'the source offsets');
    const clone = await mqadmin('cloneGroupOffset', '-s', 'GID_clone_src', '-d', 'GID_clone_dest', '-t', 'CloneTopic');
    assert.equal(clone.code, 0, clone.stderr);
    assert.equal(clone.stdout, 'clone group offset success. srcGroup[GID_clone_src], destGroup=[GID_clone_dest], topic[CloneTopic]\n');
    assert.deepEqual(await committedOffsets('GID_clone_dest', 'CloneTopic', 2), source);
    const missing = await mqadmin('cloneGroupOffset', '-s', 'GID_clone_src', '-d', 'GID_clone_dest');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^Missing required option: t\nusage: mqadmin cloneGroupOffset /);
  });
});
