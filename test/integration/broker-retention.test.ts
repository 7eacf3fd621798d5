/**
 * broker-retention.test.ts: retention seen from a client, over TCP, with a Broker on a ManualClock
 * and tiny CommitLog segments: DELETE_EXPIRED_COMMITLOG (329) deletes expired files outside the
 * deleteWhen hour, the queues' minimum offsets move up, and a pull below the minimum answers
 * PULL_OFFSET_MOVED with the new minimum as nextBeginOffset (PullMessageProcessor.java).
 */
import assert from 'node:assert/strict';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Broker, loadBrokerConfig } from '../../src/broker/index.js';
import { testLogger } from '../../src/log/index.js';
import { RequestCode, ResponseCode } from '../../src/protocol/index.js';
import type { RemotingClient } from '../../src/remoting/index.js';
import { ManualClock } from '../../src/time/index.js';
import { adminClient, createTopic, startNamesrv, tempDir, waitFor, type TestNamesrv } from '../harness/cluster.js';
import { decodeRecords, pullHeader, pullMessage, queueOffset, REQUEST_TIMEOUT_MS, sendMessage, sendResult } from '../harness/broker-requests.js';

const TOPIC = 'RetentionTopic';
const SEGMENT = 4096;
/** 10:00 local: not the default deleteWhen hour (04). */
const TEN_AM = new Date(2024, 0, 2, 10, 0, 0, 0).getTime();

let namesrv: TestNamesrv;
let broker: Broker;
let storeDir: string;
let admin: RemotingClient;
const clock = new ManualClock(TEN_AM);

describe('retention over TCP', { timeout: 120_000 }, () => {
  before(async () => {
    admin = adminClient();
    namesrv = await startNamesrv();
    storeDir = await tempDir('retention');
    const conf: Record<string, string> = {
      brokerName: 'broker-r',
      brokerIP1: '127.0.0.1',
      listenPort: '0',
      namesrvAddr: namesrv.address,
      storePathRootDir: storeDir,
      mappedFileSizeCommitLog: String(SEGMENT),
      maxMessageSize: '2048',
      commitLogWriteBufferBytes: '65536',
      mappedFileSizeConsumeQueue: String(20 * 8),
      flushIntervalConsumeQueue: '10',
      fileReservedTime: '1',
      deleteCommitLogFilesInterval: '0',
      deleteConsumeQueueFilesInterval: '0',
      deleteFileBatchMax: '4',
    };
    const { broker: config, store: storeConfig } = loadBrokerConfig(Object.entries(conf).map(([key, value]) => ({ key, value, source: 'test' })));
    broker = new Broker({ config, storeConfig, logger: testLogger(), clock });
    await broker.start();
    await createTopic(admin, broker.address, namesrv.address, TOPIC, 1);
  });

  after(async () => {
    await admin.close();
    await broker.shutdown();
    await rm(storeDir, { recursive: true, force: true });
    await namesrv.stop();
  });

  test('retention - expired files go on DELETE_EXPIRED_COMMITLOG; a pull below the new minimum answers PULL_OFFSET_MOVED', async () => {
    for (let index = 0; index < 120; index++) {
      sendResult(await sendMessage(admin, broker.address, { topic: TOPIC, queueId: 0, body: `message ${index} `.padEnd(150, '.') }));
    }
    await waitFor(async () => (await readdir(join(storeDir, 'consumequeue', TOPIC, '0'))).length > 4, 'ConsumeQueue files on disk');
    const segments = (await readdir(join(storeDir, 'commitlog'))).length;
    assert.ok(segments > 4, `${segments} segments`);

    const early = await admin.invoke(broker.address, { code: RequestCode.DELETE_EXPIRED_COMMITLOG, extFields: {} }, REQUEST_TIMEOUT_MS);
    assert.equal(early.code, ResponseCode.SUCCESS);
    clock.advance(2 * 3_600_000);
    const response = await admin.invoke(broker.address, { code: RequestCode.DELETE_EXPIRED_COMMITLOG, extFields: {} }, REQUEST_TIMEOUT_MS);
    assert.equal(response.code, ResponseCode.SUCCESS);
    const min = await waitFor(async () => queueOffset(admin, broker.address, RequestCode.GET_MIN_OFFSET, TOPIC, 0), 'the queue minimum to move up');
    assert.ok((await readdir(join(storeDir, 'commitlog'))).length < segments);

    // A pull below the minimum is sent to it; while a round is still deleting, the minimum may move
    // again before the next pull, which is then sent on once more.
    let offset = 0;
    let moves = 0;
    for (; moves < 20; moves++) {
      const response = await pullMessage(admin, broker.address, { group: 'GID_retention', topic: TOPIC, offset, maxMsgNums: 1 });
      if (response.code === ResponseCode.SUCCESS) {
        // Entries whose records were just deleted are skipped (MESSAGE_WAS_REMOVING) until the
        // round moves the queue's minimum past them, so the first record may lie further on.
        const queueOffset = decodeRecords(response.body)[0]?.queueOffset ?? -1;
        assert.ok(queueOffset >= offset, `${queueOffset} >= ${offset}`);
        assert.equal(pullHeader(response).nextBeginOffset, queueOffset + 1);
        break;
      }
      assert.equal(response.code, ResponseCode.PULL_OFFSET_MOVED, `${response.code} ${response.remark ?? ''}`);
      const { nextBeginOffset, minOffset } = pullHeader(response);
      assert.equal(nextBeginOffset, minOffset, 'the consumer is sent to the new minimum');
      assert.ok(minOffset > offset && minOffset >= min, `${minOffset} after ${offset}`);
      offset = nextBeginOffset;
    }
    assert.ok(moves >= 1 && moves < 20, `${moves} moves`);
    assert.equal(await queueOffset(admin, broker.address, RequestCode.GET_MAX_OFFSET, TOPIC, 0), 120, 'the maximum does not move');
  });
});
