/**
 * broker-send.test.ts: SEND_MESSAGE (10), SEND_MESSAGE_V2 (310) and SEND_BATCH_MESSAGE (320) over
 * TCP against a NameServer and Broker started in-process, with the codes and remarks of Java's
 * SendMessageProcessor; stored records are read back with VIEW_MESSAGE_BY_ID (33) and PULL_MESSAGE.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  MessageConst,
  createOffsetMessageId,
  decodeOffsetMessageId,
  encodeBatch,
  type MessageRecord,
} from '../../src/message/index.js';
import { RequestCode, ResponseCode, SendMessageRequestHeaderV2, ViewMessageRequestHeader } from '../../src/protocol/index.js';
import type { RemotingClient } from '../../src/remoting/index.js';
import { adminClient, createTopic, startBroker, startNamesrv, topicRoute, waitFor, type TestBroker, type TestNamesrv } from '../harness/cluster.js';
import {
  REQUEST_TIMEOUT_MS,
  decodeRecords,
  propertiesString,
  pullMessage,
  queueOffset,
  recordProperties,
  sendMessage,
  sendResult,
} from '../harness/broker-requests.js';

const SEND_CODES = [RequestCode.SEND_MESSAGE, RequestCode.SEND_MESSAGE_V2] as const;
const UNIQ_KEY = MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX;

let namesrv: TestNamesrv;
let broker: TestBroker;
/** autoCreateTopicEnable=false, a 2 KiB maxMessageSize and rejectTransactionMessage=true. */
let strict: TestBroker;
let admin: RemotingClient;

async function viewMessage(commitLogOffset: number): Promise<MessageRecord> {
  const extFields = ViewMessageRequestHeader.encode({ offset: commitLogOffset });
  const response = await admin.invoke(broker.address, { code: RequestCode.VIEW_MESSAGE_BY_ID, extFields }, REQUEST_TIMEOUT_MS);
  assert.equal(response.code, ResponseCode.SUCCESS, response.remark);
  const records = decodeRecords(response.body);
  assert.equal(records.length, 1);
  return records[0] as MessageRecord;
}

async function pullAll(topic: string, queueId: number, address = broker.address): Promise<MessageRecord[]> {
  const response = await pullMessage(admin, address, { group: 'GID_send_reader', topic, queueId, maxMsgNums: 1000 });
  if (response.code === ResponseCode.PULL_NOT_FOUND) return [];
  assert.equal(response.code, ResponseCode.SUCCESS, response.remark);
  return decodeRecords(response.body);
}

async function maxOffsets(topic: string, queues: number, address = broker.address): Promise<number[]> {
  const offsets: number[] = [];
  for (let queueId = 0; queueId < queues; queueId++) offsets.push(await queueOffset(admin, address, RequestCode.GET_MAX_OFFSET, topic, queueId));
  return offsets;
}

async function assertRefused(response: Promise<{ code: number; remark?: string | undefined }>, code: number, remark: RegExp): Promise<void> {
  const answer = await response;
  assert.equal(answer.code, code, answer.remark);
  assert.match(answer.remark ?? '', remark);
}

describe('broker send', { timeout: 120_000 }, () => {
  before(async () => {
    admin = adminClient();
    namesrv = await startNamesrv();
    broker = await startBroker({ namesrvAddr: namesrv.address });
    strict = await startBroker({ namesrvAddr: namesrv.address, brokerName: 'broker-strict', conf: { autoCreateTopicEnable: 'false', maxMessageSize: '2048', rejectTransactionMessage: 'true' } });
    await createTopic(admin, broker.address, namesrv.address, 'SendTopic', 4);
  });

  after(async () => {
    await admin.close();
    await strict.stop(true);
    await broker.stop(true);
    await namesrv.stop();
  });

  test('broker - send answers the offset message id of the stored record', async () => {
    for (const code of SEND_CODES) {
      const result = sendResult(await sendMessage(admin, broker.address, { code, topic: 'SendTopic', queueId: 2, body: `body-${code}`, properties: { TAGS: 'TagA' } }));
      assert.equal(result.queueId, 2);
      assert.match(result.msgId, /^[0-9A-F]{32}$/);
      const { storeAddress, commitLogOffset } = decodeOffsetMessageId(result.msgId);
      assert.equal(storeAddress, broker.address, 'the store host is the address the broker advertises');
      const viewed = await viewMessage(commitLogOffset);
      assert.equal(viewed.commitLogOffset, commitLogOffset);
      assert.equal(createOffsetMessageId(viewed.storeHost, viewed.commitLogOffset), result.msgId);
      assert.equal(viewed.body.toString(), `body-${code}`);
      assert.equal(viewed.topic, 'SendTopic');
      assert.equal(viewed.queueId, 2);
      assert.equal(viewed.queueOffset, result.queueOffset);
      const pulled = (await pullAll('SendTopic', 2)).find((record) => record.queueOffset === result.queueOffset);
      assert.ok(pulled, 'the pull finds the record');
      assert.equal(createOffsetMessageId(pulled.storeHost, pulled.commitLogOffset), result.msgId, 'a consumer computes the same id');
    }
    const miss = await admin.invoke(broker.address, { code: RequestCode.VIEW_MESSAGE_BY_ID, extFields: ViewMessageRequestHeader.encode({ offset: 13 }) }, REQUEST_TIMEOUT_MS);
    assert.equal(miss.code, ResponseCode.SYSTEM_ERROR, 'no record starts at offset 13');
    assert.equal(miss.remark, 'can not find message by the offset, 13');
  });

  test('broker - queue offsets count up per queue', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'SendOffsets', 2);
    const offsets: Record<number, number[]> = { 0: [], 1: [] };
    for (const queueId of [0, 1, 0, 0, 1]) {
      const result = sendResult(await sendMessage(admin, broker.address, { topic: 'SendOffsets', queueId }));
      offsets[queueId]?.push(result.queueOffset);
    }
    assert.deepEqual(offsets, { 0: [0, 1, 2], 1: [0, 1] });
    assert.deepEqual(await maxOffsets('SendOffsets', 2), [3, 2]);
  });

  test('broker - a missing UNIQ_KEY is generated, a present one kept (= transactionId); CLUSTER is added', async () => {
    const generated = sendResult(await sendMessage(admin, broker.address, { topic: 'SendTopic', properties: { TAGS: 'TagU', KEYS: 'k1 k2' } }));
    const again = sendResult(await sendMessage(admin, broker.address, { topic: 'SendTopic', properties: { TAGS: 'TagU' } }));
    assert.match(generated.transactionId ?? '', /^[0-9A-F]{32}$/);
    assert.notEqual(generated.transactionId, again.transactionId, 'each message gets its own');
    const stored = recordProperties(await viewMessage(decodeOffsetMessageId(generated.msgId).commitLogOffset));
    assert.equal(stored.get(UNIQ_KEY), generated.transactionId);
    assert.equal(stored.get(MessageConst.CLUSTER), 'DefaultCluster');
    assert.equal(stored.get('TAGS'), 'TagU');
    assert.equal(stored.get('KEYS'), 'k1 k2');

    const own = '7F0000010001000000000000000A0001';
    const kept = sendResult(await sendMessage(admin, broker.address, { code: RequestCode.SEND_MESSAGE, topic: 'SendTopic', properties: { [UNIQ_KEY]: own } }));
    assert.equal(kept.transactionId, own);
    assert.equal(recordProperties(await viewMessage(decodeOffsetMessageId(kept.msgId).commitLogOffset)).get(UNIQ_KEY), own);
  });

  test('broker - queueId -1 picks one of the topic\'s queues', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'SendAnyQueue', 3);
    const used = new Set<number>();
    for (let index = 0; index < 30; index++) {
      const result = sendResult(await sendMessage(admin, broker.address, { topic: 'SendAnyQueue', queueId: -1 }));
      assert.ok(result.queueId >= 0 && result.queueId < 3, `queueId ${result.queueId}`);
      used.add(result.queueId);
    }
    const offsets = await maxOffsets('SendAnyQueue', 3);
    assert.equal(offsets.reduce((sum, offset) => sum + offset, 0), 30);
    assert.ok(used.size > 1, 'more than one queue is used over 30 sends');
  });

  test('broker - a queueId past the topic\'s queues is INVALID_PARAMETER', async () => {
    for (const code of SEND_CODES) {
      await assertRefused(sendMessage(admin, broker.address, { code, topic: 'SendTopic', queueId: 4 }), ResponseCode.INVALID_PARAMETER, /request queueId\[4\] is illegal/);
    }
  });

  test('broker - a bad topic name is INVALID_PARAMETER', async () => {
    await assertRefused(sendMessage(admin, broker.address, { topic: 'bad topic!' }), ResponseCode.INVALID_PARAMETER, /contains illegal characters/);
    await assertRefused(sendMessage(admin, broker.address, { topic: 'T'.repeat(128) }), ResponseCode.INVALID_PARAMETER, /longer than topic max length/);
    await assertRefused(sendMessage(admin, broker.address, { topic: ' ' }), ResponseCode.INVALID_PARAMETER, /blank/);
  });

  test('broker - sends to system topics are NO_PERMISSION', async () => {
    for (const topic of ['SCHEDULE_TOPIC_XXXX', 'RMQ_SYS_TRANS_HALF_TOPIC', 'SELF_TEST_TOPIC']) {
      await assertRefused(sendMessage(admin, broker.address, { topic }), ResponseCode.NO_PERMISSION, new RegExp(`Sending message to topic\\[${topic}\\] is forbidden`));
    }
    assert.deepEqual(await maxOffsets('SCHEDULE_TOPIC_XXXX', 3), [0, 0, 0]);
  });

  test('broker - an unknown topic is created from TBW102 with min(defaultTopicQueueNums, 8) queues and routed', async () => {
    for (const [topic, asked, expected] of [['AutoCreated3', 3, 3], ['AutoCreated20', 20, 8]] as const) {
      const result = sendResult(await sendMessage(admin, broker.address, { topic, queueId: 0, defaultTopicQueueNums: asked }));
      assert.equal(result.queueOffset, 0);
      const route = await waitFor(async () => {
        const found = await topicRoute(admin, namesrv.address, topic);
        return found?.queueDatas.length === 1 ? found : undefined;
      }, `route of ${topic}`);
      assert.equal(route.queueDatas[0]?.writeQueueNums, expected);
      assert.equal(route.queueDatas[0]?.readQueueNums, expected);
      assert.equal(route.queueDatas[0]?.perm, 6, 'the template\'s permission without INHERIT');
      assert.equal(route.brokerDatas[0]?.brokerAddrs['0'], broker.address);
    }
  });

  test('broker - an unknown topic with autoCreateTopicEnable=false is TOPIC_NOT_EXIST', async () => {
    for (const code of SEND_CODES) {
      await assertRefused(sendMessage(admin, strict.address, { code, topic: 'NeverCreated' }), ResponseCode.TOPIC_NOT_EXIST, /topic\[NeverCreated\] not exist, apply first please!/);
    }
    assert.equal(await topicRoute(admin, namesrv.address, 'NeverCreated'), undefined);
  });

  test('broker - timer messages wait in the timer, not in their topic (broker-timer.test.ts); DELAY=0 is a plain message', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'SendDelay', 1);
    const timed = [{ TIMER_DELIVER_MS: String(Date.now() + 60_000) }, { TIMER_DELAY_SEC: '60' }, { TIMER_DELAY_MS: '60000' }];
    for (const properties of timed) sendResult(await sendMessage(admin, broker.address, { topic: 'SendDelay', properties }));
    assert.deepEqual(await maxOffsets('SendDelay', 1), [0], 'not in the topic before they are due');
    sendResult(await sendMessage(admin, broker.address, { topic: 'SendDelay', properties: { DELAY: '0' } }));
    assert.deepEqual(await maxOffsets('SendDelay', 1), [1]);
  });

  test('broker - with rejectTransactionMessage a transactional half message (TRAN_MSG=true) is NO_PERMISSION', async () => {
    await createTopic(admin, strict.address, namesrv.address, 'SendTran', 1);
    for (const code of SEND_CODES) {
      await assertRefused(
        sendMessage(admin, strict.address, { code, topic: 'SendTran', sysFlag: 4, properties: { TRAN_MSG: 'true', PGROUP: 'PID_tx' } }),
        ResponseCode.NO_PERMISSION,
        /sending transaction message is forbidden/,
      );
    }
    assert.deepEqual(await maxOffsets('SendTran', 1, strict.address), [0]);
    assert.deepEqual(await maxOffsets('RMQ_SYS_TRANS_HALF_TOPIC', 1, strict.address), [0]);
  });

  test('broker - a %RETRY% message past maxReconsumeTimes goes to %DLQ%group', async () => {
    const group = 'GID_dlq';
    const retry = sendResult(await sendMessage(admin, broker.address, { topic: `%RETRY%${group}`, reconsumeTimes: 16, maxReconsumeTimes: 16, body: 'retry me' }));
    assert.equal(retry.queueId, 0);
    const [retried] = await pullAll(`%RETRY%${group}`, 0);
    assert.equal(retried?.body.toString(), 'retry me');
    assert.equal(retried?.reconsumeTimes, 16, 'reconsumeTimes == maxReconsumeTimes still retries');

    // The header's maxReconsumeTimes wins over the group's retryMaxTimes (16)...
    const dead = sendResult(await sendMessage(admin, broker.address, { topic: `%RETRY%${group}`, reconsumeTimes: 3, maxReconsumeTimes: 2, body: 'dead' }));
    const viewed = await viewMessage(decodeOffsetMessageId(dead.msgId).commitLogOffset);
    assert.equal(viewed.topic, `%DLQ%${group}`);
    assert.equal(viewed.reconsumeTimes, 3);
    assert.equal(recordProperties(viewed).get('DELAY'), '-1');
    // ... which applies when the header has none.
    sendResult(await sendMessage(admin, broker.address, { topic: `%RETRY%${group}`, reconsumeTimes: 17, body: 'dead too' }));
    assert.deepEqual((await pullAll(`%DLQ%${group}`, 0)).map((record) => record.body.toString()), ['dead', 'dead too']);
    assert.deepEqual(await maxOffsets(`%RETRY%${group}`, 1), [1], 'the retry topic got only the first');
    const route = await waitFor(() => topicRoute(admin, namesrv.address, `%DLQ%${group}`), 'route of the DLQ topic');
    assert.equal(route.queueDatas[0]?.writeQueueNums, 1);
  });

  test('broker - a send missing a header field is SYSTEM_ERROR naming it; the connection stays usable', async () => {
    const extFields = SendMessageRequestHeaderV2.encode({
      producerGroup: 'PID_x',
      topic: 'SendTopic',
      defaultTopic: 'TBW102',
      defaultTopicQueueNums: 4,
      queueId: 0,
      sysFlag: 0,
      bornTimestamp: Date.now(),
      flag: 0,
    });
    const withoutTopic = Object.fromEntries(Object.entries(extFields).filter(([name]) => name !== 'b'));
    const response = await admin.invoke(broker.address, { code: RequestCode.SEND_MESSAGE_V2, extFields: withoutTopic, body: Buffer.from('x') }, REQUEST_TIMEOUT_MS);
    assert.equal(response.code, ResponseCode.SYSTEM_ERROR);
    assert.match(response.remark ?? '', /topic/);
    const longNames = await admin.invoke(broker.address, { code: RequestCode.SEND_MESSAGE, extFields: { topic: 'SendTopic', queueId: '0' }, body: Buffer.from('x') }, REQUEST_TIMEOUT_MS);
    assert.equal(longNames.code, ResponseCode.SYSTEM_ERROR);
    assert.match(longNames.remark ?? '', /producerGroup/);
    sendResult(await sendMessage(admin, broker.address, { topic: 'SendTopic' }));
  });

  test('broker - a message over maxMessageSize is MESSAGE_ILLEGAL', async () => {
    await createTopic(admin, strict.address, namesrv.address, 'StrictTopic', 1);
    await assertRefused(sendMessage(admin, strict.address, { topic: 'StrictTopic', body: Buffer.alloc(4096, 1) }), ResponseCode.MESSAGE_ILLEGAL, /.+/);
    assert.deepEqual(await maxOffsets('StrictTopic', 1, strict.address), [0]);
    sendResult(await sendMessage(admin, strict.address, { topic: 'StrictTopic', body: Buffer.alloc(512, 1) }));
    assert.deepEqual(await maxOffsets('StrictTopic', 1, strict.address), [1]);
  });

  test('broker - a batch gets consecutive queue offsets and a comma-joined list of offset ids', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'SendBatch', 2);
    sendResult(await sendMessage(admin, broker.address, { topic: 'SendBatch', queueId: 1, body: 'before' }));
    const entries = ['TagA', 'TagB', 'TagC'].map((tag, index) => ({
      flag: index,
      body: Buffer.from(`batch-${index}`),
      properties: propertiesString({ TAGS: tag, KEYS: `key-${index}` }),
    }));
    const result = sendResult(
      await sendMessage(admin, broker.address, { code: RequestCode.SEND_BATCH_MESSAGE, topic: 'SendBatch', queueId: 1, body: encodeBatch(entries) }),
    );
    assert.equal(result.queueId, 1);
    assert.equal(result.queueOffset, 1, 'the first entry follows the earlier message');
    const ids = result.msgId.split(',');
    assert.equal(ids.length, 3);
    const records = (await pullAll('SendBatch', 1)).slice(1);
    assert.deepEqual(records.map((record) => record.queueOffset), [1, 2, 3]);
    records.forEach((record, index) => {
      assert.equal(createOffsetMessageId(record.storeHost, record.commitLogOffset), ids[index]);
      assert.equal(record.body.toString(), `batch-${index}`);
      assert.equal(record.flag, index);
      const properties = recordProperties(record);
      assert.equal(properties.get('TAGS'), ['TagA', 'TagB', 'TagC'][index]);
      assert.equal(properties.get('KEYS'), `key-${index}`);
      assert.match(properties.get(UNIQ_KEY) ?? '', /^[0-9A-F]{32}$/, 'each entry gets its own UNIQ_KEY');
      assert.equal(properties.get(MessageConst.CLUSTER), 'DefaultCluster');
    });
    const tagB = await pullMessage(admin, broker.address, { group: 'GID_send_reader', topic: 'SendBatch', queueId: 1, subscription: 'TagB' });
    assert.deepEqual(decodeRecords(tagB.body).map((record) => record.body.toString()), ['batch-1'], 'entries keep their own tag hash');
  });

  test('broker - a malformed batch body is an error; nothing is stored and the connection stays usable', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'SendBadBatch', 1);
    const good = encodeBatch([{ flag: 0, body: Buffer.from('one'), properties: '' }, { flag: 0, body: Buffer.from('two'), properties: '' }]);
    const bad = [good.subarray(0, good.length - 3), Buffer.from('not a batch at all, just text'), Buffer.alloc(0)];
    for (const body of bad) {
      const response = await sendMessage(admin, broker.address, { code: RequestCode.SEND_BATCH_MESSAGE, topic: 'SendBadBatch', body });
      assert.notEqual(response.code, ResponseCode.SUCCESS);
      assert.ok([ResponseCode.SYSTEM_ERROR, ResponseCode.MESSAGE_ILLEGAL].includes(response.code as 1 | 13), `code ${response.code}`);
      assert.ok((response.remark ?? '').length > 0);
    }
    const retryBatch = await sendMessage(admin, broker.address, { code: RequestCode.SEND_BATCH_MESSAGE, topic: '%RETRY%GID_batch', body: good });
    assert.equal(retryBatch.code, ResponseCode.MESSAGE_ILLEGAL);
    assert.equal(retryBatch.remark, 'batch request does not support retry group %RETRY%GID_batch');
    assert.deepEqual(await maxOffsets('SendBadBatch', 1), [0]);
    const result = sendResult(await sendMessage(admin, broker.address, { code: RequestCode.SEND_BATCH_MESSAGE, topic: 'SendBadBatch', body: good }));
    assert.equal(result.msgId.split(',').length, 2);
  });
});
