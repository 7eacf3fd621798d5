/**
 * broker-pull.test.ts: PULL_MESSAGE (11) over TCP against a NameServer and Broker started
 * in-process: records, tag filtering by the request's subscription and by the heartbeat's, the
 * pull codes with their offsets, long polling, COMMIT_OFFSET, and Java's refusals
 * (PullMessageProcessor.java, PullRequestHoldService.java).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MessageRecord } from '../../src/message/index.js';
import { OffsetResponseHeader, PullSysFlag, RequestCode, ResponseCode, type RemotingCommand } from '../../src/protocol/index.js';
import type { RemotingClient } from '../../src/remoting/index.js';
import { adminClient, createTopic, startBroker, startNamesrv, waitFor, type TestBroker, type TestNamesrv } from '../harness/cluster.js';
import {
  decodeRecords,
  heartbeat,
  heartbeatBody,
  pullHeader,
  pullMessage,
  queryConsumerOffset,
  queueOffset,
  recordProperties,
  sendMessage,
  sendResult,
  type PullOptions,
} from '../harness/broker-requests.js';

/** Queue 0 of PullTopic holds these, in order; queue 1 stays empty. */
const TAGS = ['TagA', 'TagB', 'TagA', 'TagC', undefined] as const;
const SUSPEND = PullSysFlag.SUSPEND | PullSysFlag.SUBSCRIPTION;
/** A held pull must come back well before its 20 s suspend time; a loose sanity bound, not a timing test. */
const ANSWERED_WELL_BEFORE_MS = 10_000;

let namesrv: TestNamesrv;
let broker: TestBroker;
let admin: RemotingClient;
let consumer: RemotingClient;

function bodies(records: readonly MessageRecord[]): string[] {
  return records.map((record) => record.body.toString());
}

async function pullFound(options: PullOptions): Promise<{ records: MessageRecord[]; nextBeginOffset: number }> {
  const response = await pullMessage(admin, broker.address, options);
  assert.equal(response.code, ResponseCode.SUCCESS, `${response.code} ${response.remark ?? ''}`);
  return { records: decodeRecords(response.body), nextBeginOffset: pullHeader(response).nextBeginOffset };
}

/** A pull code other than FOUND (19, 20, 21), with the three offsets clients read from every one. */
async function pullCode(options: PullOptions): Promise<{ code: number; remark: string; nextBeginOffset: number; minOffset: number; maxOffset: number }> {
  const response = await pullMessage(admin, broker.address, options);
  for (const name of ['nextBeginOffset', 'minOffset', 'maxOffset']) assert.ok(Object.hasOwn(response.extFields, name), `${name} in a ${response.code} answer`);
  const { nextBeginOffset, minOffset, maxOffset } = pullHeader(response);
  assert.equal(response.body?.length ?? 0, 0);
  return { code: response.code, remark: response.remark ?? '', nextBeginOffset, minOffset, maxOffset };
}

/** A refusal (SUBSCRIPTION_NOT_EXIST, ...): as in Java, it carries no offsets, only a remark. */
async function pullRefused(options: PullOptions): Promise<{ code: number; remark: string }> {
  const response = await pullMessage(admin, broker.address, options);
  assert.equal(response.body?.length ?? 0, 0);
  return { code: response.code, remark: response.remark ?? '' };
}

/** A held pull: its answer, and whether it has come yet. */
function heldPull(options: PullOptions): { answer: Promise<RemotingCommand>; settled: () => boolean; startedAt: number } {
  let done = false;
  const startedAt = Date.now();
  const answer = pullMessage(consumer, broker.address, { sysFlag: SUSPEND, suspendTimeoutMillis: 20_000, timeoutMs: 30_000, ...options }).finally(() => {
    done = true;
  });
  return { answer, settled: () => done, startedAt };
}

async function waitHeld(count: number): Promise<void> {
  await waitFor(() => broker.broker.ctx.pullHold.heldCount === count, `${count} held pull(s)`);
}

describe('broker pull', { timeout: 120_000 }, () => {
  before(async () => {
    admin = adminClient();
    consumer = adminClient();
    namesrv = await startNamesrv();
    broker = await startBroker({ namesrvAddr: namesrv.address });
    await createTopic(admin, broker.address, namesrv.address, 'PullTopic', 2);
    for (const [index, tag] of TAGS.entries()) {
      sendResult(await sendMessage(admin, broker.address, { topic: 'PullTopic', body: `m${index}`, properties: tag === undefined ? {} : { TAGS: tag } }));
    }
  });

  after(async () => {
    await consumer.close();
    await admin.close();
    await broker.stop(true);
    await namesrv.stop();
  });

  test('broker - pull answers FOUND with the records back to back, in queue order', async () => {
    const all = await pullFound({ group: 'GID_pull', topic: 'PullTopic' });
    assert.deepEqual(bodies(all.records), ['m0', 'm1', 'm2', 'm3', 'm4']);
    assert.deepEqual(all.records.map((record) => record.queueOffset), [0, 1, 2, 3, 4]);
    assert.ok(all.records.every((record) => record.topic === 'PullTopic' && record.queueId === 0));
    assert.equal(recordProperties(all.records[1] as MessageRecord).get('TAGS'), 'TagB');
    assert.equal(all.nextBeginOffset, 5);

    const response = await pullMessage(admin, broker.address, { group: 'GID_pull', topic: 'PullTopic', offset: 1, maxMsgNums: 2 });
    assert.deepEqual(bodies(decodeRecords(response.body)), ['m1', 'm2']);
    assert.deepEqual(pullHeader(response), { suggestWhichBrokerId: 0, nextBeginOffset: 3, minOffset: 0, maxOffset: 5, topicSysFlag: 0, groupSysFlag: 0 });
  });

  test('broker - pull filters by the tags of the subscription it carries', async () => {
    const aOrC = await pullFound({ group: 'GID_pull', topic: 'PullTopic', subscription: 'TagA || TagC' });
    assert.deepEqual(bodies(aOrC.records), ['m0', 'm2', 'm3']);
    assert.equal(aOrC.nextBeginOffset, 5, 'past every entry looked at');
    assert.deepEqual(bodies((await pullFound({ group: 'GID_pull', topic: 'PullTopic', subscription: 'TagB' })).records), ['m1']);
    assert.deepEqual(bodies((await pullFound({ group: 'GID_pull', topic: 'PullTopic', subscription: '*' })).records).length, 5, '"*" takes untagged ones too');
  });

  test('broker - a pull without the SUBSCRIPTION flag filters by the heartbeat\'s subscription', async () => {
    const group = 'GID_pull_hb';
    const plain = { group, topic: 'PullTopic', sysFlag: 0, subscription: '*' };
    const none = await pullRefused({ ...plain, subVersion: 1000 });
    assert.equal(none.code, ResponseCode.SUBSCRIPTION_NOT_EXIST);
    assert.match(none.remark, /the consumer's group info not exist/);

    const registered = await heartbeat(consumer, broker.address, heartbeatBody('127.0.0.1@pull-hb', [{ group, subscriptions: { PullTopic: 'TagB' }, subVersion: 1000 }]));
    assert.equal(registered.code, ResponseCode.SUCCESS, registered.remark);
    assert.deepEqual(bodies((await pullFound({ ...plain, subVersion: 1000 })).records), ['m1'], 'the heartbeat\'s TagB, not the request\'s "*"');

    const newer = await pullRefused({ ...plain, subVersion: 2000 });
    assert.equal(newer.code, ResponseCode.SUBSCRIPTION_NOT_LATEST);
    assert.match(newer.remark, /the consumer's subscription not latest/);

    await heartbeat(consumer, broker.address, heartbeatBody('127.0.0.1@pull-hb', [{ group, subscriptions: { OtherTopic: '*' }, subVersion: 3000 }]));
    const otherTopic = await pullRefused({ ...plain, subVersion: 1000 });
    assert.equal(otherTopic.code, ResponseCode.SUBSCRIPTION_NOT_EXIST);
    assert.match(otherTopic.remark, /the consumer's subscription not exist/);
  });

  test('broker - every pull code carries nextBeginOffset, minOffset and maxOffset', async () => {
    const base = { group: 'GID_pull', topic: 'PullTopic' };
    assert.deepEqual(await pullCode({ ...base, offset: 5 }), { code: ResponseCode.PULL_NOT_FOUND, remark: 'OFFSET_OVERFLOW_ONE', nextBeginOffset: 5, minOffset: 0, maxOffset: 5 });
    assert.deepEqual(await pullCode({ ...base, offset: 9 }), { code: ResponseCode.PULL_OFFSET_MOVED, remark: 'OFFSET_OVERFLOW_BADLY', nextBeginOffset: 5, minOffset: 0, maxOffset: 5 });
    assert.deepEqual(await pullCode({ ...base, subscription: 'TagZ' }), {
      code: ResponseCode.PULL_RETRY_IMMEDIATELY,
      remark: 'NO_MATCHED_MESSAGE',
      nextBeginOffset: 5,
      minOffset: 0,
      maxOffset: 5,
    });
    assert.deepEqual(await pullCode({ ...base, queueId: 1, offset: 0 }), { code: ResponseCode.PULL_NOT_FOUND, remark: 'NO_MESSAGE_IN_QUEUE', nextBeginOffset: 0, minOffset: 0, maxOffset: 0 });
    assert.deepEqual(await pullCode({ ...base, queueId: 1, offset: 3 }), { code: ResponseCode.PULL_OFFSET_MOVED, remark: 'NO_MESSAGE_IN_QUEUE', nextBeginOffset: 0, minOffset: 0, maxOffset: 0 });
  });

  test('broker - a held pull is answered with the message as soon as a matching one is sent', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'PullLongPoll', 1);
    const pull = heldPull({ group: 'GID_long', topic: 'PullLongPoll', subscription: 'TagA' });
    await waitHeld(1);
    assert.equal(pull.settled(), false);
    sendResult(await sendMessage(admin, broker.address, { topic: 'PullLongPoll', body: 'wake up', properties: { TAGS: 'TagA' } }));
    const response = await pull.answer;
    assert.equal(response.code, ResponseCode.SUCCESS, `answered with the message, not by timeout: ${response.code} ${response.remark ?? ''}`);
    assert.deepEqual(bodies(decodeRecords(response.body)), ['wake up']);
    assert.equal(pullHeader(response).nextBeginOffset, 1);
    assert.ok(Date.now() - pull.startedAt < ANSWERED_WELL_BEFORE_MS, 'long before suspendTimeoutMillis');
    assert.equal(broker.broker.ctx.pullHold.heldCount, 0);
  });

  test('broker - a message the held pull\'s tags do not match does not wake it', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'PullNoWake', 1);
    const pull = heldPull({ group: 'GID_long', topic: 'PullNoWake', subscription: 'TagA' });
    await waitHeld(1);
    sendResult(await sendMessage(admin, broker.address, { topic: 'PullNoWake', body: 'not for you', properties: { TAGS: 'TagB' } }));
    // A round trip after the TagB message is stored: its arrival has been dispatched by then.
    assert.equal(await queueOffset(admin, broker.address, RequestCode.GET_MAX_OFFSET, 'PullNoWake', 0), 1);
    assert.equal(pull.settled(), false, 'still held after the TagB message');
    assert.equal(broker.broker.ctx.pullHold.heldCount, 1);
    sendResult(await sendMessage(admin, broker.address, { topic: 'PullNoWake', body: 'for you', properties: { TAGS: 'TagA' } }));
    const response = await pull.answer;
    // Woken by the TagB message, it would have answered PULL_RETRY_IMMEDIATELY (nothing matched yet).
    assert.equal(response.code, ResponseCode.SUCCESS, `${response.code} ${response.remark ?? ''}`);
    assert.deepEqual(bodies(decodeRecords(response.body)), ['for you']);
    assert.equal(pullHeader(response).nextBeginOffset, 2);
    assert.ok(Date.now() - pull.startedAt < ANSWERED_WELL_BEFORE_MS);
  });

  test('broker - a suspendTimeoutMillis past a timer\'s range still holds the pull', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'PullLongHold', 1);
    const pull = heldPull({ group: 'GID_long', topic: 'PullLongHold', suspendTimeoutMillis: 2 ** 32 });
    await waitHeld(1);
    assert.equal(await queueOffset(admin, broker.address, RequestCode.GET_MAX_OFFSET, 'PullLongHold', 0), 0);
    assert.equal(pull.settled(), false, 'not answered at once (Node fires an overflowing setTimeout after 1 ms)');
    sendResult(await sendMessage(admin, broker.address, { topic: 'PullLongHold', body: 'late' }));
    const response = await pull.answer;
    assert.equal(response.code, ResponseCode.SUCCESS, `${response.code} ${response.remark ?? ''}`);
    assert.deepEqual(bodies(decodeRecords(response.body)), ['late']);
  });

  test('broker - a held pull with a short suspendTimeoutMillis ends with PULL_NOT_FOUND', async () => {
    const response = await pullMessage(consumer, broker.address, { group: 'GID_long', topic: 'PullTopic', offset: 5, sysFlag: SUSPEND, suspendTimeoutMillis: 200 });
    assert.equal(response.code, ResponseCode.PULL_NOT_FOUND);
    assert.deepEqual(pullHeader(response).nextBeginOffset, 5);
    assert.equal(broker.broker.ctx.pullHold.heldCount, 0);
  });

  test('broker - a pull with the COMMIT_OFFSET flag stores its commitOffset', async () => {
    const group = 'GID_pull_commit';
    await pullFound({ group, topic: 'PullTopic', sysFlag: PullSysFlag.SUBSCRIPTION | PullSysFlag.COMMIT_OFFSET, commitOffset: 3 });
    const stored = await queryConsumerOffset(admin, broker.address, group, 'PullTopic', 0);
    assert.equal(stored.code, ResponseCode.SUCCESS);
    assert.equal(OffsetResponseHeader.decode(stored.extFields).offset, 3);
    await pullFound({ group, topic: 'PullTopic', sysFlag: PullSysFlag.SUBSCRIPTION, commitOffset: 4 });
    const unchanged = await queryConsumerOffset(admin, broker.address, group, 'PullTopic', 0);
    assert.equal(OffsetResponseHeader.decode(unchanged.extFields).offset, 3, 'without the flag commitOffset is ignored');
  });

  test('broker - a pull of a queue outside the topic\'s read queues is refused (INVALID_PARAMETER, as RocketMQ 5.3)', async () => {
    for (const queueId of [2, -1]) {
      const response = await pullMessage(admin, broker.address, { group: 'GID_pull', topic: 'PullTopic', queueId });
      assert.equal(response.code, ResponseCode.INVALID_PARAMETER);
      assert.match(response.remark ?? '', new RegExp(`queueId\\[${queueId}\\] is illegal, topic:\\[PullTopic\\] topicConfig.readQueueNums:\\[2\\]`));
    }
  });

  test('broker - an SQL92 pull is SYSTEM_ERROR; a pull of an unknown topic is TOPIC_NOT_EXIST', async () => {
    const sql = await pullMessage(admin, broker.address, { group: 'GID_pull', topic: 'PullTopic', subscription: 'a > 1', expressionType: 'SQL92' });
    assert.equal(sql.code, ResponseCode.SYSTEM_ERROR);
    assert.match(sql.remark ?? '', /The broker does not support consumer to filter message by SQL92/);
    const unknown = await pullMessage(admin, broker.address, { group: 'GID_pull', topic: 'PullNoSuchTopic' });
    assert.equal(unknown.code, ResponseCode.TOPIC_NOT_EXIST);
    assert.match(unknown.remark ?? '', /topic\[PullNoSuchTopic\] not exist/);
  });
});
