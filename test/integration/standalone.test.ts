/**
 * standalone.test.ts: `npm start`'s program and `mqbroker` as real processes: boot lines, clean
 * shutdown on SIGTERM (no abort file left, every message still there after a restart), and
 * config errors as one line with exit status 1.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  CreateTopicRequestHeader,
  GetMaxOffsetRequestHeader,
  OffsetResponseHeader,
  RequestCode,
  ResponseCode,
} from '../../src/protocol/index.js';
import { sendMessage, sendResult } from '../harness/broker-requests.js';
import { adminClient, startNamesrv, tempDir, topicRoute, waitFor } from '../harness/cluster.js';
import { runToEnd, startUntil } from '../harness/process.js';

const NAMESRV_BOOT = /^The Name Server boot success\. serializeType=JSON, address 0\.0\.0\.0:(\d+)$/m;
const BROKER_BOOT = /^The broker\[([^,]+), ([\d.]+:\d+)\] boot success\. serializeType=JSON and name server is (\S+)$/m;
const admin = adminClient();

after(() => admin.close());

async function maxOffset(brokerAddr: string, topic: string): Promise<number> {
  const response = await admin.invoke(brokerAddr, { code: RequestCode.GET_MAX_OFFSET, extFields: GetMaxOffsetRequestHeader.encode({ topic, queueId: 0 }) }, 5000);
  return OffsetResponseHeader.decode(response.extFields).offset;
}

describe('processes', { timeout: 120_000 }, () => {
  test('standalone - boots a name server and a broker, stops cleanly on SIGTERM, keeps its messages', async () => {
    const store = await tempDir('standalone');
    const args = ['--store', store, '--namesrv-port', '0', '--broker-port', '0'];
    const first = await startUntil('standalone', args, [NAMESRV_BOOT, BROKER_BOOT]);
    const [, broker] = first.matches;
    assert.equal(broker?.[1], 'broker-a');
    const brokerAddr = broker?.[2] ?? '';
    assert.equal(broker?.[3], `127.0.0.1:${first.matches[0]?.[1]}`);
    const create = CreateTopicRequestHeader.encode({
      topic: 'Standalone', defaultTopic: 'TBW102', readQueueNums: 1, writeQueueNums: 1, perm: 6, topicFilterType: 'SINGLE_TAG', order: false,
    });
    assert.equal((await admin.invoke(brokerAddr, { code: RequestCode.UPDATE_AND_CREATE_TOPIC, extFields: create }, 5000)).code, ResponseCode.SUCCESS);
    await waitFor(() => topicRoute(admin, broker?.[3] ?? '', 'Standalone'), 'the route at the standalone name server');
    for (let index = 0; index < 10; index++) sendResult(await sendMessage(admin, brokerAddr, { topic: 'Standalone', body: `m${index}` }));
    assert.ok(existsSync(join(store, 'abort')), 'the abort file exists while running');
    const stopped = await first.stop('SIGTERM');
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.ok(!existsSync(join(store, 'abort')), 'a clean shutdown removes the abort file');
    const second = await startUntil('standalone', args, [NAMESRV_BOOT, BROKER_BOOT]);
    try {
      assert.equal(await maxOffset(second.matches[1]?.[2] ?? '', 'Standalone'), 10);
    } finally {
      assert.equal((await second.stop()).code, 0);
    }
  });

  test('mqbroker - registers with the -n name server and prints RocketMQ\'s boot line', async () => {
    const namesrv = await startNamesrv();
    const dir = await tempDir('mqbroker');
    const conf = join(dir, 'broker.conf');
    await writeFile(conf, `brokerName=broker-x\nbrokerIP1=127.0.0.1\nlistenPort=0\nstorePathRootDir=${dir}\ntransientStorePoolEnable=false\n`);
    const broker = await startUntil('broker', ['-c', conf, '-n', namesrv.address], [BROKER_BOOT]);
    try {
      assert.equal(broker.matches[0]?.[1], 'broker-x');
      assert.equal(broker.matches[0]?.[3], namesrv.address);
      assert.match(broker.output().stderr, /transientStorePoolEnable is a RocketMQ key this server does not support yet/);
      await waitFor(() => topicRoute(admin, namesrv.address, 'broker-x'), 'the broker-named topic at the name server');
    } finally {
      const stopped = await broker.stop();
      await namesrv.stop();
      assert.equal(stopped.code, 0, stopped.stderr);
    }
  });

  test('mqbroker - NAMESRV_ADDR is used when neither the file nor -n names a name server', async () => {
    const namesrv = await startNamesrv();
    const dir = await tempDir('mqbroker');
    const conf = join(dir, 'broker.conf');
    await writeFile(conf, `brokerName=broker-env\nbrokerIP1=127.0.0.1\nlistenPort=0\nstorePathRootDir=${dir}\n`);
    const broker = await startUntil('broker', ['-c', conf], [BROKER_BOOT], { ...process.env, NAMESRV_ADDR: namesrv.address });
    try {
      assert.equal(broker.matches[0]?.[3], namesrv.address);
    } finally {
      await broker.stop();
      await namesrv.stop();
    }
  });

  test('mqbroker - a bad config value is one line naming the key, and exit status 1', async () => {
    const dir = await tempDir('mqbroker');
    const conf = join(dir, 'broker.conf');
    await writeFile(conf, 'brokerName=broker-a\nlistenPort=not-a-port\nflushDiskType=SOMETIMES\n');
    const result = await runToEnd('broker', ['-c', conf, '-n', '127.0.0.1:9876']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /broker\.conf:2: listenPort/);
    assert.match(result.stderr, /broker\.conf:3: flushDiskType/);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    const missing = await runToEnd('broker', ['-c', join(dir, 'nope.conf')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /nope\.conf: cannot read/);
    const badNamesrv = await runToEnd('broker', ['-n', 'localhost']);
    assert.equal(badNamesrv.code, 1);
    assert.match(badNamesrv.stderr, /The Name Server Address\[localhost\] illegal/);
  });
});
