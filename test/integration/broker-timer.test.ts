/**
 * broker-timer.test.ts: timer messages (TIMER_DELIVER_MS, TIMER_DELAY_MS, TIMER_DELAY_SEC) over TCP
 * against a NameServer and Broker started in-process: where they wait (rmq_sys_wheel_timer), that
 * they reach their real topic in due order and never early, that a due time in the past delivers
 * at once, that a delay beyond timerMaxDelaySec is refused, that RECALL_MESSAGE cancels one, that
 * a restart delivers what waits exactly once, and that our SDK's deliverTimeMs works end to end.
 *
 * Timing is read from the broker's own timestamps: "not early" compares a delivered record's
 * store time with its exact due time (TIMER_OUT_MS, which delivery keeps); lateness has only a
 * sanity bound (a second); precision is measured by bench/timer.ts, not here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeOffsetMessageId, encodeBatch, tagsCode, type MessageRecord } from '../../src/message/index.js';
import { RecallMessageRequestHeader, RecallMessageResponseHeader, RequestCode, ResponseCode, ViewMessageRequestHeader, type RemotingCommand } from '../../src/protocol/index.js';
import type { RemotingClient } from '../../src/remoting/index.js';
import { Message, Producer } from '../../src/index.js';
import { adminClient, createTopic, startBroker, startNamesrv, waitFor, type TestBroker, type TestNamesrv } from '../harness/cluster.js';
import { FAST_CLIENT } from '../harness/client.js';
import { REQUEST_TIMEOUT_MS, decodeRecords, propertiesString, recordProperties, sendMessage, sendResult, pullUntil as pullRecords } from '../harness/broker-requests.js';
import { COMMIT, endTransaction, halfOfSend, ROLLBACK, sendHalf } from '../harness/transaction-requests.js';

const CONF = { recallMessageEnable: 'true', timerMaxDelaySec: '3600', timerFlushIntervalMs: '100' };
/** Sanity bound on lateness in tests (the benchmark measures precision). */
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

/** Every record of a queue, waiting (long polling) until there are `count` of them. */
function pullUntil(address: string, topic: string, count: number, subscription = '*'): Promise<MessageRecord[]> {
  return pullRecords(admin, address, { group: 'GID_timer_reader', topic, count, subscription });
}

interface Sent {
  readonly body: string;
  readonly sentFrom: number;
  readonly sentBy: number;
  readonly uniqKey: string;
  readonly msgId: string;
  readonly recallHandle: string | undefined;
}

async function sendTimer(address: string, topic: string, body: string, properties: Record<string, string>): Promise<Sent> {
  const sentFrom = Date.now();
  const result = sendResult(await sendMessage(admin, address, { topic, body, properties: { TAGS: 'TagA', KEYS: body, ...properties } }));
  return { body, sentFrom, sentBy: Date.now(), uniqKey: result.transactionId ?? '', msgId: result.msgId, recallHandle: result.recallHandle };
}

/**
 * Not early (exact, against the due time the broker kept); at most a second late (sanity) after
 * the later of its due time and `runningSinceMs`, when the broker last started: a message that
 * came due while the broker was down is late by the downtime, which the machine's load decides.
 */
function assertOnTime(delivered: MessageRecord, earliestDueMs: number, latestDueMs: number, what: string, runningSinceMs = 0): void {
  const dueMs = Number(recordProperties(delivered).get('TIMER_OUT_MS'));
  assert.ok(dueMs >= earliestDueMs && dueMs <= latestDueMs, `${what}: due ${dueMs} within [${earliestDueMs}, ${latestDueMs}]`);
  assert.ok(delivered.storeTimestamp >= dueMs, `${what} not early: stored ${delivered.storeTimestamp - dueMs} ms after its due time`);
  const fromMs = Math.max(dueMs, runningSinceMs);
  assert.ok(delivered.storeTimestamp <= fromMs + LATE_MS_MAX, `${what} at most a second late: ${delivered.storeTimestamp - fromMs} ms (due ${delivered.storeTimestamp - dueMs} ms before)`);
}

function recall(address: string, topic: string, recallHandle: string): Promise<RemotingCommand> {
  const extFields = RecallMessageRequestHeader.encode({ producerGroup: 'PID_timer', topic, recallHandle });
  return admin.invoke(address, { code: RequestCode.RECALL_MESSAGE, extFields }, REQUEST_TIMEOUT_MS);
}

/** GET_TIMER_CHECK_POINT's lastReadTimeMs: every timer message due before it is delivered. */
async function deliveredBefore(address: string): Promise<number> {
  const response = await admin.invoke(address, { code: RequestCode.GET_TIMER_CHECK_POINT, extFields: {} }, REQUEST_TIMEOUT_MS);
  assert.equal(response.code, ResponseCode.SUCCESS, response.remark);
  assert.equal(response.body?.length, 56, 'Java\'s TimerCheckpoint layout');
  return Number((response.body as Buffer).readBigInt64BE(0));
}

describe('broker timer messages', { timeout: 120_000 }, () => {
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

  test('broker-timer - a timer message waits in rmq_sys_wheel_timer with its due time, real topic and queue, and a recall handle', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'TimerWhere', 2);
    const dueMs = Date.now() + 60_000;
    const response = await sendMessage(admin, broker.address, { topic: 'TimerWhere', queueId: 1, properties: { TAGS: 'TagA', TIMER_DELIVER_MS: String(dueMs) } });
    const result = sendResult(response);
    assert.equal(result.queueId, 1, 'the answer names the queue the producer asked for');
    const waiting = await viewMessage(broker.address, result.msgId);
    assert.equal(waiting.topic, 'rmq_sys_wheel_timer');
    assert.equal(waiting.queueId, 0);
    const properties = recordProperties(waiting);
    assert.equal(properties.get('TIMER_OUT_MS'), String(dueMs));
    assert.equal(properties.get('REAL_TOPIC'), 'TimerWhere');
    assert.equal(properties.get('REAL_QID'), '1');
    const handle = Buffer.from(result.recallHandle ?? '', 'base64url').toString();
    assert.equal(handle, `v1 TimerWhere broker-a ${dueMs + 1} ${result.transactionId ?? ''}`, 'Java 5.3\'s handle: topic, broker, TIMER_OUT_MS + 1, UNIQ_KEY');
    const metrics = await admin.invoke(broker.address, { code: RequestCode.GET_TIMER_METRICS, extFields: {} }, REQUEST_TIMEOUT_MS);
    assert.equal(metrics.code, ResponseCode.SUCCESS);
    await waitFor(() => {
      return admin.invoke(broker.address, { code: RequestCode.GET_TIMER_METRICS, extFields: {} }, REQUEST_TIMEOUT_MS).then((reply) => {
        const body = JSON.parse(reply.body?.toString() ?? '{}') as { timingCount?: Record<string, { count: number }> };
        return body.timingCount?.['TimerWhere']?.count === 1;
      });
    }, 'GET_TIMER_METRICS counts the waiting message');
  });

  test('broker-timer - messages at several due times, relative and absolute, sent out of order, arrive in due order and not early', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'TimerOrder', 1);
    const base = Date.now();
    const sent = [
      await sendTimer(broker.address, 'TimerOrder', 'd2500', { TIMER_DELAY_MS: '2500' }),
      await sendTimer(broker.address, 'TimerOrder', 'a1000', { TIMER_DELIVER_MS: String(base + 1000) }),
      await sendTimer(broker.address, 'TimerOrder', 's2', { TIMER_DELAY_SEC: '2' }),
      await sendTimer(broker.address, 'TimerOrder', 'a1500', { TIMER_DELIVER_MS: String(base + 1500) }),
    ];
    const plain = sendResult(await sendMessage(admin, broker.address, { topic: 'TimerOrder', body: 'plain' }));
    assert.equal(plain.queueOffset, 0, 'a plain message is there at once, before the timer ones');
    const records = await pullUntil(broker.address, 'TimerOrder', 5);
    assert.deepEqual(records.map((record) => record.body.toString()), ['plain', 'a1000', 'a1500', 's2', 'd2500'], 'delivered in due order');
    const byBody = new Map(records.map((record) => [record.body.toString(), record]));
    const [d2500, , s2] = sent as [Sent, Sent, Sent, Sent];
    assertOnTime(byBody.get('a1000') as MessageRecord, base + 1000, base + 1000, 'absolute +1000');
    assertOnTime(byBody.get('a1500') as MessageRecord, base + 1500, base + 1500, 'absolute +1500');
    assertOnTime(byBody.get('s2') as MessageRecord, s2.sentFrom + 2000, s2.sentBy + 2000, 'TIMER_DELAY_SEC 2');
    assertOnTime(byBody.get('d2500') as MessageRecord, d2500.sentFrom + 2500, d2500.sentBy + 2500, 'TIMER_DELAY_MS 2500');
    const delivered = byBody.get('s2') as MessageRecord;
    const properties = recordProperties(delivered);
    assert.equal(delivered.topic, 'TimerOrder');
    assert.equal(delivered.queueId, 0);
    assert.equal(properties.has('REAL_TOPIC') || properties.has('REAL_QID'), false, 'REAL_TOPIC and REAL_QID go, as Java\'s convertMessage');
    assert.equal(properties.get('UNIQ_KEY'), s2.uniqKey, 'the client-visible id is the one the send answered');
    assert.equal(properties.get('TIMER_DELAY_SEC'), '2', 'the producer\'s timer property stays, as in Java');
    assert.ok(Number(properties.get('TIMER_ENQUEUE_MS')) <= Number(properties.get('TIMER_DEQUEUE_MS')));
    assert.ok(Number(properties.get('TIMER_DEQUEUE_MS')) >= Number(properties.get('TIMER_OUT_MS')));
    const tagged = await pullUntil(broker.address, 'TimerOrder', 4, 'TagA');
    assert.deepEqual(tagged.map((record) => record.body.toString()), ['a1000', 'a1500', 's2', 'd2500'], 'the tag hash is recomputed, so tag filters match');
    assert.equal(tagsCode('TagA') !== 0, true);
  });

  test('broker-timer - a due time in the past (or now) is delivered at once, without a recall handle', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'TimerPast', 1);
    const past = await sendTimer(broker.address, 'TimerPast', 'past', { TIMER_DELIVER_MS: String(Date.now() - 5000) });
    const zero = await sendTimer(broker.address, 'TimerPast', 'zero', { TIMER_DELAY_MS: '0' });
    assert.equal(past.recallHandle, undefined);
    assert.equal((await viewMessage(broker.address, past.msgId)).topic, 'TimerPast', 'stored in its topic, not in the timer');
    assert.equal((await viewMessage(broker.address, zero.msgId)).topic, 'TimerPast');
    const records = await pullUntil(broker.address, 'TimerPast', 2);
    assert.deepEqual(records.map((record) => record.body.toString()), ['past', 'zero']);
  });

  test('broker-timer - beyond timerMaxDelaySec, not a number, in a batch or sent to the timer topic: refused', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'TimerRefused', 1);
    const tooFar = await sendMessage(admin, broker.address, { topic: 'TimerRefused', properties: { TIMER_DELAY_SEC: '3601' } });
    assert.equal(tooFar.code, ResponseCode.MESSAGE_ILLEGAL);
    assert.equal(
      tooFar.remark,
      'timer message illegal, the delay time should not be bigger than the max delay 3600000ms; or if set del msg, the delay time should be bigger than the current time',
    );
    const farAbsolute = await sendMessage(admin, broker.address, { topic: 'TimerRefused', properties: { TIMER_DELIVER_MS: String(Date.now() + 3_700_000) } });
    assert.equal(farAbsolute.code, ResponseCode.MESSAGE_ILLEGAL);
    const notANumber = await sendMessage(admin, broker.address, { topic: 'TimerRefused', properties: { TIMER_DELAY_MS: 'soon' } });
    assert.equal(notANumber.code, ResponseCode.MESSAGE_ILLEGAL);
    assert.match(notANumber.remark ?? '', /TIMER_DELAY_MS "soon" is not an integer/);
    const batch = encodeBatch([
      { flag: 0, body: Buffer.from('a'), properties: '' },
      { flag: 0, body: Buffer.from('b'), properties: propertiesString({ TIMER_DELAY_MS: '1000' }) },
    ]);
    const batched = await sendMessage(admin, broker.address, { code: RequestCode.SEND_BATCH_MESSAGE, topic: 'TimerRefused', body: batch });
    assert.equal(batched.code, ResponseCode.MESSAGE_ILLEGAL);
    assert.match(batched.remark ?? '', /batch cannot hold timer messages/);
    const forged = await sendMessage(admin, broker.address, { topic: 'rmq_sys_wheel_timer', properties: { TIMER_OUT_MS: '1', REAL_TOPIC: 'TimerRefused', REAL_QID: '0' } });
    assert.equal(forged.code, ResponseCode.NO_PERMISSION);
    assert.equal(await admin.invoke(broker.address, { code: RequestCode.GET_MAX_OFFSET, extFields: { topic: 'TimerRefused', queueId: '0' } }, REQUEST_TIMEOUT_MS).then((reply) => reply.extFields?.['offset']), '0');
  });

  test('broker-timer - a delay level beside TIMER_* properties wins: the message waits in SCHEDULE_TOPIC_XXXX without them, as Java\'s put hook does', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'TimerWithDelay', 1);
    // Values that would be refused on their own: the delay level drops them unread.
    const sent = await sendTimer(broker.address, 'TimerWithDelay', 'leveled', { DELAY: '1', TIMER_DELAY_SEC: '999999999', TIMER_DELIVER_MS: 'soon' });
    assert.equal(sent.recallHandle, undefined, 'not a timer message');
    const waiting = await viewMessage(broker.address, sent.msgId);
    assert.equal(waiting.topic, 'SCHEDULE_TOPIC_XXXX');
    const properties = recordProperties(waiting);
    for (const name of ['TIMER_DELAY_SEC', 'TIMER_DELIVER_MS', 'TIMER_OUT_MS']) assert.equal(properties.has(name), false, name);
    const [record] = await pullUntil(broker.address, 'TimerWithDelay', 1);
    assert.equal(record?.body.toString(), 'leveled');
    assert.ok((record as MessageRecord).storeTimestamp >= sent.sentFrom + 1000, 'after its delay level (1 s)');
  });

  test('broker-timer - RECALL_MESSAGE with the send\'s handle cancels delivery; a bad handle is refused as Java refuses it', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'TimerRecall', 1);
    const recalled = await sendTimer(broker.address, 'TimerRecall', 'recalled', { TIMER_DELAY_MS: '1500' });
    const kept = await sendTimer(broker.address, 'TimerRecall', 'kept', { TIMER_DELAY_MS: '2000' });
    assert.ok(recalled.recallHandle !== undefined && kept.recallHandle !== undefined);
    const response = await recall(broker.address, 'TimerRecall', recalled.recallHandle);
    assert.equal(response.code, ResponseCode.SUCCESS, response.remark);
    assert.equal(RecallMessageResponseHeader.decode(response.extFields).msgId, recalled.uniqKey);
    for (const [topic, handle, remark] of [
      ['TimerRecall', 'not base64!', 'recall handle is invalid'],
      ['TimerRecall', Buffer.from('v2 TimerRecall broker-a 1 x').toString('base64url'), 'recall handle is invalid'],
      ['TimerOrder', kept.recallHandle, 'recall failed, topic not match'],
      ['TimerRecall', Buffer.from(`v1 TimerRecall broker-b ${Date.now() + 5000} x`).toString('base64url'), 'recall failed, broker service not available'],
      ['TimerRecall', Buffer.from(`v1 TimerRecall broker-a ${Date.now() - 5000} x`).toString('base64url'), 'recall failed, timestamp invalid'],
    ] as const) {
      const refused = await recall(broker.address, topic, handle);
      assert.equal(refused.code, ResponseCode.ILLEGAL_OPERATION, remark);
      assert.equal(refused.remark, remark);
    }
    const noTopic = await recall(broker.address, 'NoSuchTopic', kept.recallHandle);
    assert.equal(noTopic.code, ResponseCode.TOPIC_NOT_EXIST);
    // 'kept' is due after 'recalled': once it is there, 'recalled' would have been delivered before it.
    const records = await pullUntil(broker.address, 'TimerRecall', 1);
    assert.deepEqual(records.map((record) => record.body.toString()), ['kept']);
    await waitFor(async () => (await deliveredBefore(broker.address)) > kept.sentBy + 2000, 'the timer past both due times');
    const max = await admin.invoke(broker.address, { code: RequestCode.GET_MAX_OFFSET, extFields: { topic: 'TimerRecall', queueId: '0' } }, REQUEST_TIMEOUT_MS);
    assert.equal(max.extFields?.['offset'], '1', 'the recalled message never arrives');
  });

  test('broker-timer - across a restart a scheduled message is delivered once, after it, and a delivered one is not repeated', async () => {
    let restarting = await startBroker({ namesrvAddr: namesrv.address, brokerName: 'broker-timer-restart', conf: { timerFlushIntervalMs: '100' } });
    const { storeDir } = restarting;
    const port = restarting.broker.port;
    try {
      await createTopic(admin, restarting.address, namesrv.address, 'TimerRestart', 1);
      await sendTimer(restarting.address, 'TimerRestart', 'before', { TIMER_DELAY_MS: '300' });
      await pullUntil(restarting.address, 'TimerRestart', 1);
      const across = await sendTimer(restarting.address, 'TimerRestart', 'across', { TIMER_DELAY_MS: '2500' });
      const recallOff = await recall(restarting.address, 'TimerRestart', across.recallHandle ?? '');
      assert.equal(recallOff.code, ResponseCode.NO_PERMISSION, 'recallMessageEnable is off by default, as in Java');
      assert.equal(recallOff.remark, 'recall failed, operation is forbidden');
      await restarting.stop();
      restarting = await startBroker({ namesrvAddr: namesrv.address, brokerName: 'broker-timer-restart', storeDir, listenPort: port, conf: { timerFlushIntervalMs: '100' } });
      const restartedAt = Date.now();
      const records = await pullUntil(restarting.address, 'TimerRestart', 2);
      assert.deepEqual(records.map((record) => record.body.toString()), ['before', 'across']);
      assertOnTime(records[1] as MessageRecord, across.sentFrom + 2500, across.sentBy + 2500, 'the message scheduled before the restart', restartedAt);
      await waitFor(async () => (await deliveredBefore(restarting.address)) > across.sentBy + 2500, 'the timer past the due time');
      const max = await admin.invoke(restarting.address, { code: RequestCode.GET_MAX_OFFSET, extFields: { topic: 'TimerRestart', queueId: '0' } }, REQUEST_TIMEOUT_MS);
      assert.equal(max.extFields?.['offset'], '2', 'each delivered exactly once');
    } finally {
      await restarting.stop(true);
    }
  });

  test('broker-timer - a transactional timer message waits in the timer from its commit, as Java\'s put hook does', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'TimerTransaction', 1);
    const half = await sendHalf(admin, broker.address, 'PID_timer_tx', { topic: 'TimerTransaction', body: 'tx', extraProperties: { TIMER_DELAY_MS: '1200' } });
    const committedFrom = Date.now();
    const ended = await endTransaction(admin, broker.address, 'PID_timer_tx', halfOfSend(half), COMMIT);
    assert.equal(ended.code, ResponseCode.SUCCESS, ended.remark);
    const committedBy = Date.now();
    const [record] = await pullUntil(broker.address, 'TimerTransaction', 1);
    assert.ok(record);
    assertOnTime(record, committedFrom + 1200, committedBy + 1200, 'committed timer message');
  });

  test('broker-timer - a commit whose timer properties are refused answers as Java\'s END_TRANSACTION does and leaves the transaction open', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'TimerTransactionRefused', 1);
    // A half is not checked for timer properties (Java's put hook skips prepared messages): the commit is.
    const half = await sendHalf(admin, broker.address, 'PID_timer_tx', { topic: 'TimerTransactionRefused', body: 'too far', extraProperties: { TIMER_DELAY_SEC: '3601' } });
    const refused = await endTransaction(admin, broker.address, 'PID_timer_tx', halfOfSend(half), COMMIT);
    assert.equal(refused.code, ResponseCode.MESSAGE_ILLEGAL);
    assert.equal(refused.remark, 'timer message illegal, the delay time should not be bigger than the max delay 3600000ms; or if set del msg, the delay time should be bigger than the current time');
    const rolledBack = await endTransaction(admin, broker.address, 'PID_timer_tx', halfOfSend(half), ROLLBACK);
    assert.equal(rolledBack.code, ResponseCode.SUCCESS, 'still open: a later decision is taken');
    const max = await admin.invoke(broker.address, { code: RequestCode.GET_MAX_OFFSET, extFields: { topic: 'TimerTransactionRefused', queueId: '0' } }, REQUEST_TIMEOUT_MS);
    assert.equal(max.extFields?.['offset'], '0', 'nothing delivered');
  });

  test('broker-timer - our SDK\'s Message.deliverTimeMs (TIMER_DELIVER_MS) goes through the timer', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'TimerSdk', 1);
    const producer = new Producer({ ...FAST_CLIENT, groupName: 'PID_timer_sdk', namesrvAddr: namesrv.address });
    await producer.start();
    try {
      const dueMs = Date.now() + 1200;
      const result = await producer.send(new Message({ topic: 'TimerSdk', tags: 'TagA', body: 'sdk', deliverTimeMs: dueMs }));
      assert.equal(result.sendStatus, 'SEND_OK');
      const [record] = await pullUntil(broker.address, 'TimerSdk', 1);
      assert.ok(record);
      assertOnTime(record, dueMs, dueMs, 'deliverTimeMs');
      assert.equal(recordProperties(record).get('UNIQ_KEY'), result.msgId);
    } finally {
      await producer.shutdown();
    }
  });
});
