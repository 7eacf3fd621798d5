/**
 * broker-lock.test.ts: how the broker serves the two consumption modes beyond plain clustering,
 * over TCP against a NameServer and Broker started in-process:
 * - orderly consumers' queue locks, LOCK_BATCH_MQ (41) / UNLOCK_BATCH_MQ (42), with a short
 *   rebalanceLockMaxLiveTime: one holder per queue, expiry without renewal, renewal, unlock;
 * - broadcasting consumers: heartbeat and pulls work, and the broker keeps no offsets for them.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RequestCode, ResponseCode, type MessageQueue } from '../../src/protocol/index.js';
import type { RemotingClient } from '../../src/remoting/index.js';
import { adminClient, createTopic, startBroker, startNamesrv, waitFor, type TestBroker, type TestNamesrv } from '../harness/cluster.js';
import {
  REQUEST_TIMEOUT_MS,
  decodeRecords,
  heartbeat,
  heartbeatBody,
  pullHeader,
  pullMessage,
  queryConsumerOffset,
  sendMessage,
  sendResult,
  updateConsumerOffset,
} from '../harness/broker-requests.js';
import { lockBatch, unlockBatch } from '../harness/retry-requests.js';

/**
 * Locks live 3 s here. The renewal test renews every RENEW_EVERY_MS: the gap between the two must
 * cover a stall of this process (the broker runs in it) on a loaded machine, or the renewed lock
 * expires for real; expiry to the millisecond is the lock manager's unit test, on a manual clock.
 */
const LIVE_MS = 3000;
/** How often the holder renews in the renewal test: far inside the live time. */
const RENEW_EVERY_MS = 250;

let namesrv: TestNamesrv;
let broker: TestBroker;
let admin: RemotingClient;

function queuesOf(topic: string, count: number): MessageQueue[] {
  return Array.from({ length: count }, (_, queueId) => ({ topic, brokerName: 'broker-a', queueId }));
}

const ids = (queues: readonly MessageQueue[]): number[] => queues.map((queue) => queue.queueId).sort((a, b) => a - b);

describe('broker orderly locks and broadcasting', { timeout: 120_000 }, () => {
  before(async () => {
    admin = adminClient();
    namesrv = await startNamesrv();
    broker = await startBroker({ namesrvAddr: namesrv.address, conf: { rebalanceLockMaxLiveTime: String(LIVE_MS) } });
  });

  after(async () => {
    await admin.close();
    await broker.stop(true);
    await namesrv.stop();
  });

  test('broker-lock - two clients locking the same queues: only one holds each', async () => {
    const queues = queuesOf('LockSame', 4);
    assert.deepEqual(ids(await lockBatch(admin, broker.address, 'GID_lock_same', 'client-A', queues.slice(0, 2))), [0, 1]);
    assert.deepEqual(ids(await lockBatch(admin, broker.address, 'GID_lock_same', 'client-B', queues)), [2, 3], 'B gets only what A does not hold');
    assert.deepEqual(ids(await lockBatch(admin, broker.address, 'GID_lock_same', 'client-A', queues)), [0, 1], 'A keeps its own and cannot take B\'s');
    assert.deepEqual(ids(await lockBatch(admin, broker.address, 'GID_lock_other', 'client-B', queues)), [0, 1, 2, 3], 'locks are per group');
  });

  test('broker-lock - a lock expires after the live time without renewal; renewal keeps it', async () => {
    const [kept, dropped] = queuesOf('LockExpiry', 2) as [MessageQueue, MessageQueue];
    assert.equal((await lockBatch(admin, broker.address, 'GID_lock_expiry', 'client-A', [kept, dropped])).length, 2);
    let renewing = true;
    const renewals = (async () => {
      while (renewing) {
        assert.deepEqual(await lockBatch(admin, broker.address, 'GID_lock_expiry', 'client-A', [kept]), [kept], 'the holder always renews');
        await new Promise((resolve) => setTimeout(resolve, RENEW_EVERY_MS));
      }
    })();
    try {
      const takenByB = await waitFor(async () => {
        const got = await lockBatch(admin, broker.address, 'GID_lock_expiry', 'client-B', [kept, dropped]);
        assert.ok(!got.some((queue) => queue.queueId === kept.queueId), 'a renewed lock is never taken');
        return got.length > 0 ? got : undefined;
      }, 'the unrenewed lock to expire');
      assert.deepEqual(takenByB, [dropped]);
    } finally {
      renewing = false;
      await renewals;
    }
  });

  test('broker-lock - unlock releases; only the holder can unlock', async () => {
    const queues = queuesOf('LockUnlock', 2);
    await lockBatch(admin, broker.address, 'GID_lock_unlock', 'client-A', queues);
    assert.equal((await unlockBatch(admin, broker.address, 'GID_lock_unlock', 'client-B', queues)).code, ResponseCode.SUCCESS);
    assert.deepEqual(await lockBatch(admin, broker.address, 'GID_lock_unlock', 'client-B', queues), [], 'B\'s unlock changed nothing');
    assert.equal((await unlockBatch(admin, broker.address, 'GID_lock_unlock', 'client-A', queues.slice(0, 1))).code, ResponseCode.SUCCESS);
    assert.deepEqual(ids(await lockBatch(admin, broker.address, 'GID_lock_unlock', 'client-B', queues)), [0]);
  });

  test('broker-lock - a client\'s locks outlive its connection until they expire, as in Java', async () => {
    const queues = queuesOf('LockClosed', 1);
    const leaving = adminClient();
    assert.equal((await lockBatch(leaving, broker.address, 'GID_lock_closed', 'client-A', queues)).length, 1);
    await leaving.close();
    assert.deepEqual(await lockBatch(admin, broker.address, 'GID_lock_closed', 'client-B', queues), [], 'still held right after the close');
    await waitFor(async () => (await lockBatch(admin, broker.address, 'GID_lock_closed', 'client-B', queues)).length === 1, 'the lock to expire');
  });

  test('broker-lock - a lock request without a usable body is SYSTEM_ERROR naming the problem', async () => {
    const noBody = await admin.invoke(broker.address, { code: RequestCode.LOCK_BATCH_MQ, extFields: {} }, REQUEST_TIMEOUT_MS);
    assert.equal(noBody.code, ResponseCode.SYSTEM_ERROR);
    assert.match(noBody.remark ?? '', /no body/);
    const badQueue = Buffer.from(JSON.stringify({ consumerGroup: 'G', clientId: 'c', mqSet: [{ topic: 'T', queueId: 0 }] }));
    const bad = await admin.invoke(broker.address, { code: RequestCode.UNLOCK_BATCH_MQ, extFields: {}, body: badQueue }, REQUEST_TIMEOUT_MS);
    assert.equal(bad.code, ResponseCode.SYSTEM_ERROR);
    assert.match(bad.remark ?? '', /mqSet\[0\]\.brokerName is not a string/);
  });

  test('broker-broadcast - a BROADCASTING consumer\'s heartbeat and pulls work and the broker keeps no offsets for it', async () => {
    const topic = 'BroadcastRaw';
    const group = 'GID_broadcast_raw';
    await createTopic(admin, broker.address, namesrv.address, topic, 1);
    for (let index = 0; index < 3; index++) sendResult(await sendMessage(admin, broker.address, { topic, body: `b${index}` }));
    for (const clientId of ['10.0.0.1@1', '10.0.0.2@2']) {
      const body = heartbeatBody(clientId, [{ group, messageModel: 'BROADCASTING', subscriptions: { [topic]: '*' } }]);
      assert.equal((await heartbeat(admin, broker.address, body)).code, ResponseCode.SUCCESS);
    }
    // Each client pulls the whole queue from its own offset, reporting none (no COMMIT_OFFSET flag).
    for (let client = 0; client < 2; client++) {
      const response = await pullMessage(admin, broker.address, { group, topic, sysFlag: 0 });
      assert.equal(response.code, ResponseCode.SUCCESS, response.remark);
      assert.deepEqual(decodeRecords(response.body).map((record) => record.body.toString()), ['b0', 'b1', 'b2']);
      assert.equal(pullHeader(response).nextBeginOffset, 3);
    }
    const offset = await queryConsumerOffset(admin, broker.address, group, topic, 0, false);
    assert.equal(offset.code, ResponseCode.QUERY_NOT_FOUND, 'no offset kept for a broadcasting group');
    // A clustering group's commit, so that consumerOffset.json is written at all.
    const clustering = heartbeatBody('10.0.0.3@3', [{ group: 'GID_clustering_raw', subscriptions: { [topic]: '*' } }]);
    assert.equal((await heartbeat(admin, broker.address, clustering)).code, ResponseCode.SUCCESS);
    assert.equal((await updateConsumerOffset(admin, broker.address, 'GID_clustering_raw', topic, 0, 2)).code, ResponseCode.SUCCESS);
    const storeDir = broker.storeDir;
    await broker.stop();
    const offsets = await readFile(join(storeDir, 'config', 'consumerOffset.json'), 'utf8');
    assert.ok(offsets.includes('GID_clustering_raw'));
    assert.ok(!offsets.includes(group), 'nor written to consumerOffset.json');
    broker = await startBroker({ namesrvAddr: namesrv.address, storeDir, conf: { rebalanceLockMaxLiveTime: String(LIVE_MS) } });
  });
});
