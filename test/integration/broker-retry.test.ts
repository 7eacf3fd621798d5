/**
 * broker-retry.test.ts: CONSUMER_SEND_MSG_BACK (36) and the dead-letter queue over TCP against a
 * NameServer and Broker started in-process with short delay levels ("1s 1s 1s ..."): the retry
 * copy in %RETRY%<group> after its delay, the DLQ after maxReconsumeTimes, re-sending a dead
 * letter to its original topic (our RESEND_DEAD_LETTER_MESSAGE), and Java's remarks for refusals.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createOffsetMessageId, decodeOffsetMessageId, type MessageRecord } from '../../src/message/index.js';
import {
  PermName,
  RequestCode,
  ResponseCode,
  SendMessageResponseHeader,
  type ConsumerSendMsgBackRequestHeader,
} from '../../src/protocol/index.js';
import type { RemotingClient } from '../../src/remoting/index.js';
import { adminClient, createTopic, startBroker, startNamesrv, topicRoute, waitFor, type TestBroker, type TestNamesrv } from '../harness/cluster.js';
import { REQUEST_TIMEOUT_MS, queueOffset, recordProperties, sendMessage, sendResult, pullUntil as pullRecords } from '../harness/broker-requests.js';
import { lockBatch, resendDeadLetter, sendMsgBack, unlockBatch } from '../harness/retry-requests.js';

/** Every level 1 s, so a retry (level 3 + reconsumeTimes) comes back after a second. */
const CONF = { messageDelayLevel: '1s 1s 1s 1s 1s 1s 1s 1s' };
const RETRY_DELAY_MS = 1000;

let namesrv: TestNamesrv;
let broker: TestBroker;
/** autoCreateSubscriptionGroup=false. */
let strict: TestBroker;
let admin: RemotingClient;

/** Every record of queue 0 of `topic` from `offset`, waiting (long polling) until there are `count`. */
function pullUntil(topic: string, count: number, offset = 0): Promise<MessageRecord[]> {
  return pullRecords(admin, broker.address, { group: 'GID_retry_reader', topic, count, offset });
}

function offsetMsgId(record: MessageRecord): string {
  return createOffsetMessageId(record.storeHost, record.commitLogOffset);
}

function backHeader(record: MessageRecord, group: string, extra: Partial<ConsumerSendMsgBackRequestHeader> = {}): ConsumerSendMsgBackRequestHeader {
  return { offset: record.commitLogOffset, group, delayLevel: 0, originMsgId: offsetMsgId(record), originTopic: record.topic, ...extra };
}

async function assertAnswer(response: Promise<{ code: number; remark?: string | undefined }>, code: number, remark?: RegExp): Promise<void> {
  const answer = await response;
  assert.equal(answer.code, code, answer.remark);
  if (remark) assert.match(answer.remark ?? '', remark);
}

describe('broker retry and dead letters', { timeout: 120_000 }, () => {
  before(async () => {
    admin = adminClient();
    namesrv = await startNamesrv();
    broker = await startBroker({ namesrvAddr: namesrv.address, conf: CONF });
    strict = await startBroker({ namesrvAddr: namesrv.address, brokerName: 'broker-retry-strict', conf: { ...CONF, autoCreateSubscriptionGroup: 'false' } });
  });

  after(async () => {
    await admin.close();
    await strict.stop(true);
    await broker.stop(true);
    await namesrv.stop();
  });

  test('broker-retry - a message sent back comes back in %RETRY%group after its delay, reconsumeTimes 1, with its original topic', async () => {
    const group = 'GID_retry_once';
    await createTopic(admin, broker.address, namesrv.address, 'RetryOnce', 1);
    const sent = sendResult(await sendMessage(admin, broker.address, { topic: 'RetryOnce', body: 'fail me', properties: { TAGS: 'TagA', KEYS: 'k1' } }));
    const [original] = await pullUntil('RetryOnce', 1);
    assert.ok(original);
    const sentBackAt = Date.now();
    await assertAnswer(sendMsgBack(admin, broker.address, backHeader(original, group, { maxReconsumeTimes: 3 })), ResponseCode.SUCCESS);
    assert.equal(await queueOffset(admin, broker.address, RequestCode.GET_MAX_OFFSET, 'SCHEDULE_TOPIC_XXXX', 2), 1, 'it waits at level 3');
    const [retried] = await pullUntil(`%RETRY%${group}`, 1);
    assert.ok(retried);
    assert.ok(retried.storeTimestamp >= sentBackAt + RETRY_DELAY_MS, 'not before its delay');
    assert.equal(retried.reconsumeTimes, 1);
    assert.equal(retried.body.toString(), 'fail me');
    assert.equal(retried.bornTimestamp, original.bornTimestamp);
    const properties = recordProperties(retried);
    assert.equal(properties.get('RETRY_TOPIC'), 'RetryOnce');
    assert.equal(properties.get('ORIGIN_MESSAGE_ID'), sent.msgId);
    assert.equal(properties.get('UNIQ_KEY'), sent.transactionId, 'clients see the same message id');
    assert.equal(properties.get('TAGS'), 'TagA');
    assert.equal(properties.get('KEYS'), 'k1');
    assert.equal(properties.has('DELAY'), false);
    const route = await waitFor(() => topicRoute(admin, namesrv.address, `%RETRY%${group}`), 'route of the retry topic');
    assert.equal(route.queueDatas[0]?.writeQueueNums, 1, 'the group\'s retryQueueNums');
  });

  test('broker-retry - a timer message sent back waits for its retry level, without its TIMER_* request properties, as Java\'s put hook drops them', async () => {
    const group = 'GID_retry_timer';
    await createTopic(admin, broker.address, namesrv.address, 'RetryTimer', 1);
    sendResult(await sendMessage(admin, broker.address, { topic: 'RetryTimer', body: 'timed', properties: { TAGS: 'TagT', TIMER_DELAY_MS: '300' } }));
    const [original] = await pullUntil('RetryTimer', 1);
    assert.ok(original);
    assert.ok(recordProperties(original).has('TIMER_OUT_MS'), 'it came through the timer');
    const sentBackAt = Date.now();
    await assertAnswer(sendMsgBack(admin, broker.address, backHeader(original, group)), ResponseCode.SUCCESS);
    const [retried] = await pullUntil(`%RETRY%${group}`, 1);
    assert.ok(retried);
    assert.ok(retried.storeTimestamp >= sentBackAt + RETRY_DELAY_MS, 'not before its retry delay');
    assert.equal(retried.reconsumeTimes, 1);
    const properties = recordProperties(retried);
    assert.equal(properties.get('RETRY_TOPIC'), 'RetryTimer');
    assert.equal(properties.has('TIMER_DELAY_MS'), false, 'the retry level replaced the timer request');
    assert.equal(properties.get('TIMER_OUT_MS'), recordProperties(original).get('TIMER_OUT_MS'), 'kept, as in Java: never scheduled again');
    await assertAnswer(sendMsgBack(admin, broker.address, backHeader(retried, group, { delayLevel: -1 })), ResponseCode.SUCCESS);
    const [dead] = await pullUntil(`%DLQ%${group}`, 1);
    assert.equal(dead?.body.toString(), 'timed', 'a dead-lettered timer message is stored at once, not scheduled again');
  });

  test('broker-retry - past maxReconsumeTimes it is in %DLQ%group, readable, and re-sending puts it back on its original topic', async () => {
    const group = 'GID_retry_dead';
    await createTopic(admin, broker.address, namesrv.address, 'RetryDead', 1);
    const sent = sendResult(await sendMessage(admin, broker.address, { topic: 'RetryDead', body: 'doomed', properties: { TAGS: 'TagD' } }));
    const [original] = await pullUntil('RetryDead', 1);
    assert.ok(original);
    await assertAnswer(sendMsgBack(admin, broker.address, backHeader(original, group, { maxReconsumeTimes: 1 })), ResponseCode.SUCCESS);
    const [retried] = await pullUntil(`%RETRY%${group}`, 1);
    assert.ok(retried);
    // reconsumeTimes 1 reached maxReconsumeTimes 1: the next failure is final.
    await assertAnswer(sendMsgBack(admin, broker.address, backHeader(retried, group, { maxReconsumeTimes: 1 })), ResponseCode.SUCCESS);
    const [dead] = await pullUntil(`%DLQ%${group}`, 1);
    assert.ok(dead);
    assert.equal(dead.reconsumeTimes, 2);
    assert.equal(dead.body.toString(), 'doomed');
    assert.equal(recordProperties(dead).get('RETRY_TOPIC'), 'RetryDead');
    assert.equal(recordProperties(dead).get('ORIGIN_MESSAGE_ID'), sent.msgId, 'the first message\'s id, through every copy');
    assert.deepEqual(await pullUntil(`%RETRY%${group}`, 1), [retried], 'no second retry');
    const route = await waitFor(() => topicRoute(admin, namesrv.address, `%DLQ%${group}`), 'route of the DLQ');
    assert.equal(route.queueDatas[0]?.perm, PermName.READ | PermName.WRITE, 'the DLQ is readable');

    const byMsgId = await resendDeadLetter(admin, broker.address, { msgId: offsetMsgId(dead) });
    assert.equal(byMsgId.code, ResponseCode.SUCCESS, byMsgId.remark);
    const resent = SendMessageResponseHeader.decode(byMsgId.extFields);
    assert.equal(resent.queueOffset, 1);
    const [, back] = await pullUntil('RetryDead', 2);
    assert.ok(back);
    assert.equal(back.topic, 'RetryDead');
    assert.equal(back.reconsumeTimes, 0, 'a fresh set of retries');
    assert.equal(back.body.toString(), 'doomed');
    assert.equal(recordProperties(back).get('TAGS'), 'TagD');
    assert.equal(recordProperties(back).get('UNIQ_KEY'), sent.transactionId);
    assert.equal(offsetMsgId(back), resent.msgId);
    const byOffset = await resendDeadLetter(admin, broker.address, { offset: dead.commitLogOffset });
    assert.equal(byOffset.code, ResponseCode.SUCCESS, byOffset.remark);
    assert.equal((await pullUntil('RetryDead', 3)).length, 3, 'each re-send stores one more copy');
  });

  test('broker-retry - a negative delayLevel goes straight to the DLQ; a positive one is used as given', async () => {
    const group = 'GID_retry_levels';
    await createTopic(admin, broker.address, namesrv.address, 'RetryLevels', 1);
    sendResult(await sendMessage(admin, broker.address, { topic: 'RetryLevels', body: 'm' }));
    const [original] = await pullUntil('RetryLevels', 1);
    assert.ok(original);
    await assertAnswer(sendMsgBack(admin, broker.address, backHeader(original, group, { delayLevel: -1 })), ResponseCode.SUCCESS);
    const [dead] = await pullUntil(`%DLQ%${group}`, 1);
    assert.equal(dead?.reconsumeTimes, 1);
    const level1Before = await queueOffset(admin, broker.address, RequestCode.GET_MAX_OFFSET, 'SCHEDULE_TOPIC_XXXX', 0);
    await assertAnswer(sendMsgBack(admin, broker.address, backHeader(original, group, { delayLevel: 1 })), ResponseCode.SUCCESS);
    assert.equal(await queueOffset(admin, broker.address, RequestCode.GET_MAX_OFFSET, 'SCHEDULE_TOPIC_XXXX', 0), level1Before + 1, 'waits at level 1');
    assert.equal((await pullUntil(`%RETRY%${group}`, 1))[0]?.reconsumeTimes, 1);
  });

  test('broker-retry - a %RETRY% send of a group holding queue locks (orderly) goes straight to the DLQ', async () => {
    const group = 'GID_retry_orderly';
    const queue = { topic: 'RetryOrderly', brokerName: 'broker-a', queueId: 0 };
    assert.deepEqual(await lockBatch(admin, broker.address, group, 'client-1', [queue]), [queue]);
    sendResult(await sendMessage(admin, broker.address, { topic: `%RETRY%${group}`, reconsumeTimes: 1, maxReconsumeTimes: 16, body: 'orderly' }));
    assert.equal((await pullUntil(`%DLQ%${group}`, 1))[0]?.body.toString(), 'orderly');
    await assertAnswer(unlockBatch(admin, broker.address, group, 'client-1', [queue]), ResponseCode.SUCCESS);
    sendResult(await sendMessage(admin, broker.address, { topic: `%RETRY%${group}`, reconsumeTimes: 1, maxReconsumeTimes: 16, body: 'concurrent' }));
    assert.equal((await pullUntil(`%RETRY%${group}`, 1))[0]?.body.toString(), 'concurrent', 'without locks it is retried');
  });

  test('broker-retry - refusals: unknown offset, unknown group, missing field, and dead-letter re-sends that cannot be', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'RetryRefused', 1);
    const sent = sendResult(await sendMessage(admin, broker.address, { topic: 'RetryRefused', body: 'x' }));
    const offset = decodeOffsetMessageId(sent.msgId).commitLogOffset;
    const header = { offset: 1 << 30, group: 'GID_retry_refused', delayLevel: 0 };
    await assertAnswer(sendMsgBack(admin, broker.address, header), ResponseCode.SYSTEM_ERROR, /look message by offset failed, 1073741824/);
    await assertAnswer(sendMsgBack(admin, strict.address, { ...header, offset: 0 }), ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, /subscription group not exist, GID_retry_refused/);
    const noGroup = await admin.invoke(broker.address, { code: RequestCode.CONSUMER_SEND_MSG_BACK, extFields: { offset: '0', delayLevel: '0' } }, REQUEST_TIMEOUT_MS);
    assert.equal(noGroup.code, ResponseCode.SYSTEM_ERROR);
    assert.match(noGroup.remark ?? '', /group/);

    await assertAnswer(resendDeadLetter(admin, broker.address, { offset }), ResponseCode.INVALID_PARAMETER, /in RetryRefused, not in a dead-letter queue/);
    await assertAnswer(resendDeadLetter(admin, broker.address, {}), ResponseCode.INVALID_PARAMETER, /either msgId .* or offset/);
    await assertAnswer(resendDeadLetter(admin, broker.address, { offset, msgId: sent.msgId }), ResponseCode.INVALID_PARAMETER);
    await assertAnswer(resendDeadLetter(admin, broker.address, { msgId: 'nope' }), ResponseCode.INVALID_PARAMETER, /not an offset message id/);
    await assertAnswer(resendDeadLetter(admin, strict.address, { msgId: sent.msgId }), ResponseCode.INVALID_PARAMETER, /not by this broker/);
    await assertAnswer(resendDeadLetter(admin, broker.address, { offset: 1 << 30 }), ResponseCode.SYSTEM_ERROR, /no message at CommitLog offset/);
    const deadWithoutOrigin = sendResult(await sendMessage(admin, broker.address, { topic: '%RETRY%GID_retry_refused', reconsumeTimes: 9, maxReconsumeTimes: 1 }));
    await assertAnswer(resendDeadLetter(admin, broker.address, { msgId: deadWithoutOrigin.msgId }), ResponseCode.INVALID_PARAMETER, /names no original topic/);
  });
});
