/**
 * broker-delay.test.ts: delayed messages (property DELAY) over TCP against a NameServer and Broker
 * started in-process with short levels ("1s 2s 3s"): where they wait (SCHEDULE_TOPIC_XXXX), when
 * they reach their real topic, and that a restart neither loses nor repeats a delivery.
 *
 * Timing is read from the brokers' own store timestamps, not from when the test happens to look:
 * "not early" compares the delivered record's store time with the time before the send (exact),
 * "not more than a second late" with the time after it (a sanity bound).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeOffsetMessageId, encodeBatch, type MessageRecord } from '../../src/message/index.js';
import { RequestCode, ResponseCode, ViewMessageRequestHeader } from '../../src/protocol/index.js';
import type { RemotingClient } from '../../src/remoting/index.js';
import { adminClient, createTopic, startBroker, startNamesrv, type TestBroker, type TestNamesrv } from '../harness/cluster.js';
import { REQUEST_TIMEOUT_MS, decodeRecords, propertiesString, recordProperties, sendMessage, sendResult, pullUntil as pullRecords } from '../harness/broker-requests.js';
import { delayOffsets } from '../harness/retry-requests.js';

const LEVELS_MS = [1000, 2000, 3000];
const CONF = { messageDelayLevel: '1s 2s 3s' };
/** Delivery may be this late at most (the bound; the service aims at a few ms). */
const LATE_MS_MAX = 1000;

let namesrv: TestNamesrv;
let broker: TestBroker;
let admin: RemotingClient;

async function viewMessage(address: string, msgId: string): Promise<MessageRecord> {
  const extFields = ViewMessageRequestHeader.encode({ offset: decodeOffsetMessageId(msgId).commitLogOffset });
  const response = await admin.invoke(address, { code: RequestCode.VIEW_MESSAGE_BY_ID, extFields }, REQUEST_TIMEOUT_MS);
  assert.equal(response.code, ResponseCode.SUCCESS, response.remark);
  const [record] = decodeRecords(response.body);
  assert.ok(record);
  return record;
}

/** Every record of a queue from `offset`, waiting (long polling) until there are `count` of them. */
function pullUntil(address: string, topic: string, count: number, offset = 0): Promise<MessageRecord[]> {
  return pullRecords(admin, address, { group: 'GID_delay_reader', topic, count, offset });
}

interface Sent {
  readonly sentFrom: number;
  readonly sentBy: number;
  readonly msgId: string;
  readonly uniqKey: string;
}

async function sendDelayed(address: string, topic: string, level: number, body: string): Promise<Sent> {
  const sentFrom = Date.now();
  const result = sendResult(await sendMessage(admin, address, { topic, body, properties: { TAGS: 'TagA', KEYS: body, DELAY: String(level) } }));
  return { sentFrom, sentBy: Date.now(), msgId: result.msgId, uniqKey: result.transactionId ?? '' };
}

/**
 * Late is counted from the later of the due time and `runningSinceMs`, when the broker last
 * started: a message that came due while the broker was down is late by the downtime, which the
 * machine's load decides.
 */
function assertOnTime(delivered: MessageRecord, sent: Sent, delayMs: number, what: string, runningSinceMs = 0): void {
  assert.ok(delivered.storeTimestamp >= sent.sentFrom + delayMs, `${what} not early: stored ${delivered.storeTimestamp - sent.sentFrom} ms after the send`);
  const fromMs = Math.max(sent.sentBy + delayMs, runningSinceMs);
  assert.ok(delivered.storeTimestamp <= fromMs + LATE_MS_MAX, `${what} at most a second late: ${delivered.storeTimestamp - fromMs} ms`);
}

describe('broker delay levels', { timeout: 120_000 }, () => {
  before(async () => {
    admin = adminClient();
    namesrv = await startNamesrv();
    broker = await startBroker({ namesrvAddr: namesrv.address, conf: CONF });
  });

  after(async () => {
    await admin.close();
    await broker.stop(true);
    await namesrv.stop();
  });

  test('broker-delay - a delayed message waits in SCHEDULE_TOPIC_XXXX queue level-1 with its real topic and queue', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'DelayWhere', 2);
    const response = await sendMessage(admin, broker.address, { topic: 'DelayWhere', queueId: 1, properties: { TAGS: 'TagA', DELAY: '2' } });
    const result = sendResult(response);
    assert.equal(result.queueId, 1, 'the answer names the queue the producer asked for');
    const waiting = await viewMessage(broker.address, result.msgId);
    assert.equal(waiting.topic, 'SCHEDULE_TOPIC_XXXX');
    assert.equal(waiting.queueId, 1);
    const properties = recordProperties(waiting);
    assert.equal(properties.get('REAL_TOPIC'), 'DelayWhere');
    assert.equal(properties.get('REAL_QID'), '1');
    assert.equal(properties.get('DELAY'), '2');
    const above = sendResult(await sendMessage(admin, broker.address, { topic: 'DelayWhere', properties: { DELAY: '18' } }));
    const clamped = await viewMessage(broker.address, above.msgId);
    assert.equal(clamped.queueId, 2, 'a level above the highest waits in the highest');
    assert.equal(recordProperties(clamped).get('DELAY'), '3');
  });

  test('broker-delay - levels 2 and 3 reach their real topic and queue neither early nor more than a second late', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'DelayOnTime', 1);
    const level3 = await sendDelayed(broker.address, 'DelayOnTime', 3, 'three');
    const level2 = await sendDelayed(broker.address, 'DelayOnTime', 2, 'two');
    const plain = sendResult(await sendMessage(admin, broker.address, { topic: 'DelayOnTime', body: 'plain' }));
    assert.equal(plain.queueOffset, 0, 'a plain message is there at once, before the delayed ones');
    const records = await pullUntil(broker.address, 'DelayOnTime', 3);
    assert.deepEqual(records.map((record) => record.body.toString()), ['plain', 'two', 'three'], 'delivered in due order');
    const [, two, three] = records as [MessageRecord, MessageRecord, MessageRecord];
    assertOnTime(two, level2, LEVELS_MS[1] ?? 0, 'level 2');
    assertOnTime(three, level3, LEVELS_MS[2] ?? 0, 'level 3');
    const properties = recordProperties(two);
    assert.equal(properties.has('DELAY'), false, 'DELAY is gone once delivered');
    assert.equal(properties.get('TAGS'), 'TagA');
    assert.equal(properties.get('KEYS'), 'two');
    assert.equal(properties.get('UNIQ_KEY'), level2.uniqKey, 'the client-visible message id is the one the send answered');
    assert.equal(two.topic, 'DelayOnTime');
    assert.equal(two.queueId, 0);
    const offsets = await delayOffsets(admin, broker.address);
    assert.ok((offsets.get(2) ?? 0) >= 1 && (offsets.get(3) ?? 0) >= 1, 'GET_ALL_DELAY_OFFSET shows the progress');
  });

  test('broker-delay - a batch cannot hold delayed messages', async () => {
    const body = encodeBatch([
      { flag: 0, body: Buffer.from('a'), properties: '' },
      { flag: 0, body: Buffer.from('b'), properties: propertiesString({ DELAY: '1' }) },
    ]);
    const response = await sendMessage(admin, broker.address, { code: RequestCode.SEND_BATCH_MESSAGE, topic: 'DelayBatch', body });
    assert.equal(response.code, ResponseCode.MESSAGE_ILLEGAL);
    assert.match(response.remark ?? '', /batch cannot hold delayed messages/);
    const notANumber = await sendMessage(admin, broker.address, { topic: 'DelayBatch', properties: { DELAY: 'soon' } });
    assert.equal(notANumber.code, ResponseCode.MESSAGE_ILLEGAL);
  });

  test('broker-delay - across a restart a scheduled message is delivered once, on time, and a delivered one is not repeated', async () => {
    let restarting = await startBroker({ namesrvAddr: namesrv.address, brokerName: 'broker-delay-restart', conf: CONF });
    const { storeDir } = restarting;
    const port = restarting.broker.port;
    try {
      await createTopic(admin, restarting.address, namesrv.address, 'DelayRestart', 1);
      const early = await sendDelayed(restarting.address, 'DelayRestart', 1, 'before');
      await pullUntil(restarting.address, 'DelayRestart', 1);
      const pending = await sendDelayed(restarting.address, 'DelayRestart', 3, 'across');
      await restarting.stop();
      const file = await readFile(join(storeDir, 'config', 'delayOffset.json'), 'utf8');
      assert.match(file, /"offsetTable":\{1:1,2:0,3:0\}/, 'Java\'s format, level 1 past its message, level 3 not yet');
      restarting = await startBroker({ namesrvAddr: namesrv.address, brokerName: 'broker-delay-restart', storeDir, listenPort: port, conf: CONF });
      const restartedAt = Date.now();
      const after = await sendDelayed(restarting.address, 'DelayRestart', 1, 'after');
      const records = await pullUntil(restarting.address, 'DelayRestart', 3);
      // Level 1 is read in order: 'after' (its offset 1) comes only after a repeat of 'before' would have.
      assert.deepEqual(records.map((record) => record.body.toString()).sort(), ['across', 'after', 'before']);
      const across = records.find((record) => record.body.toString() === 'across');
      assert.ok(across);
      assertOnTime(across, pending, LEVELS_MS[2] ?? 0, 'the message scheduled before the restart', restartedAt);
      assert.ok(early.sentFrom <= after.sentFrom);
      assert.deepEqual(await delayOffsets(admin, restarting.address), new Map([[1, 2], [2, 0], [3, 1]]));
    } finally {
      await restarting.stop(true);
    }
  });
});
