/**
 * broker-transaction.test.ts: transactional messages over TCP with raw requests, against a
 * NameServer and Broker started in-process: half messages in RMQ_SYS_TRANS_HALF_TOPIC, END_TRANSACTION
 * (commit, rollback, validation, CHECK_IMMUNITY_TIME_IN_SECONDS, late decisions), the check rounds
 * (CHECK_TRANSACTION_STATE to a live producer, put-backs with TRANSACTION_CHECK_TIMES,
 * TRANS_CHECK_MAX_TIME_TOPIC after transactionCheckMax) and the check progress across a restart.
 * Rounds are run on demand (ctx.transactions.check()); the periodic service is left at an hour.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MessageConst, MessageSysFlag, TopicNames, transactionType, type MessageRecord } from '../../src/message/index.js';
import { OffsetResponseHeader, RequestCode, ResponseCode, ViewMessageRequestHeader } from '../../src/protocol/index.js';
import type { RemotingClient } from '../../src/remoting/index.js';
import { adminClient, createTopic, startBroker, startNamesrv, waitFor, type TestBroker, type TestNamesrv } from '../harness/cluster.js';
import { decodeRecords, pullMessage, queryConsumerOffset, queueOffset, recordProperties, REQUEST_TIMEOUT_MS, sendMessage } from '../harness/broker-requests.js';
import { CheckRecorder, COMMIT, endTransaction, halfOfCheck, halfOfSend, ROLLBACK, sendHalf, UNKNOWN } from '../harness/transaction-requests.js';

const HALF = TopicNames.TRANS_HALF_TOPIC;
const OP = TopicNames.TRANS_OP_HALF_TOPIC;
/**
 * Born this long ago, a half is past transactionTimeOut (5 s here) at once. A half born now stays
 * young for 5 s: the young-half test's round must start within that, even on a loaded machine.
 */
const OLD_MS = 20_000;
const CONF = { transactionTimeOut: '5000', transactionCheckInterval: '3600000', transactionCheckMax: '2' };

let namesrv: TestNamesrv;
let broker: TestBroker;
let admin: RemotingClient;

async function view(address: string, commitLogOffset: number): Promise<MessageRecord> {
  const response = await admin.invoke(address, { code: RequestCode.VIEW_MESSAGE_BY_ID, extFields: ViewMessageRequestHeader.encode({ offset: commitLogOffset }) }, REQUEST_TIMEOUT_MS);
  assert.equal(response.code, ResponseCode.SUCCESS, response.remark);
  const [record] = decodeRecords(response.body);
  assert.ok(record);
  return record;
}

async function pullAll(address: string, topic: string, queueId = 0): Promise<MessageRecord[]> {
  const response = await pullMessage(admin, address, { group: 'GID_tx_reader', topic, queueId, maxMsgNums: 1000 });
  if (response.code === ResponseCode.PULL_NOT_FOUND || response.code === ResponseCode.PULL_OFFSET_MOVED) return [];
  assert.equal(response.code, ResponseCode.SUCCESS, response.remark);
  return decodeRecords(response.body);
}

function withKey(records: readonly MessageRecord[], uniqKey: string): MessageRecord[] {
  return records.filter((record) => recordProperties(record).get(MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX) === uniqKey);
}

async function maxOffset(address: string, topic: string, queueId = 0): Promise<number> {
  return queueOffset(admin, address, RequestCode.GET_MAX_OFFSET, topic, queueId);
}

async function progress(address: string, topic: string): Promise<number> {
  const response = await queryConsumerOffset(admin, address, 'CID_RMQ_SYS_TRANS', topic, 0, false);
  return response.code === ResponseCode.SUCCESS ? OffsetResponseHeader.decode(response.extFields).offset : -1;
}

function round(target: TestBroker): ReturnType<TestBroker['broker']['ctx']['transactions']['check']> {
  return target.broker.ctx.transactions.check();
}

describe('broker transactions', { timeout: 120_000 }, () => {
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

  test('broker transaction - a half message waits in RMQ_SYS_TRANS_HALF_TOPIC, answered like a send', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'TxHalf', 2);
    const halfMax = await maxOffset(broker.address, HALF);
    const send = await sendHalf(admin, broker.address, 'PID_tx_half', { topic: 'TxHalf', queueId: 1, body: 'half', bornTimestamp: Date.now() - OLD_MS });
    assert.equal(send.queueId, 1, 'the queue asked for');
    assert.equal(send.queueOffset, halfMax, 'the offset in the half queue');
    const half = await view(broker.address, halfOfSend(send).commitLogOffset);
    const properties = recordProperties(half);
    assert.equal(half.topic, HALF);
    assert.equal(half.queueId, 0);
    assert.equal(transactionType(half.sysFlag), MessageSysFlag.TRANSACTION_NOT_TYPE);
    assert.equal(properties.get(MessageConst.REAL_TOPIC), 'TxHalf');
    assert.equal(properties.get(MessageConst.REAL_QUEUE_ID), '1');
    assert.equal(properties.get(MessageConst.TRANSACTION_ID), send.transactionId);
    assert.equal(properties.get(MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX), send.transactionId);
    assert.deepEqual([await maxOffset(broker.address, 'TxHalf', 0), await maxOffset(broker.address, 'TxHalf', 1)], [0, 0], 'consumers of TxHalf see nothing');
    assert.equal((await endTransaction(admin, broker.address, 'PID_tx_half', halfOfSend(send), ROLLBACK)).code, ResponseCode.SUCCESS);
  });

  test('broker transaction - commit delivers once; a repeated or late END_TRANSACTION is ignored', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'TxCommit', 1);
    const group = 'PID_tx_commit';
    const send = await sendHalf(admin, broker.address, group, { topic: 'TxCommit', body: 'committed', bornTimestamp: Date.now() - OLD_MS, extraProperties: { TAGS: 'TagA', color: 'red' } });
    const opMax = await maxOffset(broker.address, OP);
    const commit = await endTransaction(admin, broker.address, group, halfOfSend(send), COMMIT);
    assert.equal(commit.code, ResponseCode.SUCCESS, commit.remark);
    const [delivered, ...more] = await pullAll(broker.address, 'TxCommit');
    assert.ok(delivered);
    assert.equal(more.length, 0);
    const properties = recordProperties(delivered);
    assert.equal(delivered.body.toString(), 'committed');
    assert.equal(delivered.queueOffset, 0);
    assert.equal(transactionType(delivered.sysFlag), MessageSysFlag.TRANSACTION_COMMIT_TYPE);
    assert.equal(delivered.preparedTransactionOffset, halfOfSend(send).commitLogOffset);
    assert.equal(properties.get(MessageConst.TRANSACTION_PREPARED), undefined);
    assert.equal(properties.get(MessageConst.REAL_TOPIC), undefined);
    assert.equal(properties.get(MessageConst.REAL_QUEUE_ID), undefined);
    assert.equal(properties.get(MessageConst.PRODUCER_GROUP), group);
    assert.equal(properties.get('color'), 'red');
    assert.equal(properties.get(MessageConst.TAGS), 'TagA');
    assert.equal(await maxOffset(broker.address, OP), opMax + 1, 'one op message');
    const [op] = decodeRecords((await pullMessage(admin, broker.address, { group: 'GID_tx_reader', topic: OP, offset: opMax })).body);
    assert.equal(op?.body.toString(), `${send.queueOffset},`);
    assert.equal(recordProperties(op as MessageRecord).get(MessageConst.TAGS), 'd');
    for (const decision of [COMMIT, ROLLBACK]) {
      const late = await endTransaction(admin, broker.address, group, halfOfSend(send), decision);
      assert.equal(late.code, ResponseCode.ILLEGAL_OPERATION);
      assert.match(late.remark ?? '', /already over/);
    }
    assert.equal((await pullAll(broker.address, 'TxCommit')).length, 1, 'still one copy');
    assert.equal(await maxOffset(broker.address, OP), opMax + 1, 'no op for an ignored decision');
  });

  test('broker transaction - rollback never delivers; a commit after it is ignored', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'TxRollback', 1);
    const group = 'PID_tx_rollback';
    const send = await sendHalf(admin, broker.address, group, { topic: 'TxRollback', bornTimestamp: Date.now() - OLD_MS });
    const opMax = await maxOffset(broker.address, OP);
    assert.equal((await endTransaction(admin, broker.address, group, halfOfSend(send), ROLLBACK)).code, ResponseCode.SUCCESS);
    assert.equal(await maxOffset(broker.address, OP), opMax + 1);
    assert.equal((await endTransaction(admin, broker.address, group, halfOfSend(send), COMMIT)).code, ResponseCode.ILLEGAL_OPERATION);
    assert.equal(await maxOffset(broker.address, 'TxRollback'), 0);
  });

  test('broker transaction - END_TRANSACTION is validated as Java validates it', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'TxValidate', 1);
    const group = 'PID_tx_validate';
    const send = await sendHalf(admin, broker.address, group, { topic: 'TxValidate', bornTimestamp: Date.now() - OLD_MS });
    const half = halfOfSend(send);
    const cases: [string, Promise<{ code: number; remark?: string | undefined }>, number, RegExp][] = [
      ['another group', endTransaction(admin, broker.address, 'PID_other', half, COMMIT), ResponseCode.SYSTEM_ERROR, /^The producer group wrong$/],
      ['another queue offset', endTransaction(admin, broker.address, group, { ...half, tranStateTableOffset: half.tranStateTableOffset + 1000 }, COMMIT), ResponseCode.SYSTEM_ERROR, /^The transaction state table offset wrong$/],
      ['no record there', endTransaction(admin, broker.address, group, { ...half, commitLogOffset: half.commitLogOffset + 3 }, COMMIT), ResponseCode.SYSTEM_ERROR, /^Find prepared transaction message failed$/],
      ['a negative offset', endTransaction(admin, broker.address, group, { ...half, commitLogOffset: -1 }, COMMIT), ResponseCode.SYSTEM_ERROR, /^Find prepared transaction message failed$/],
      ['a commitOrRollback of 5', endTransaction(admin, broker.address, group, half, 5), ResponseCode.SYSTEM_ERROR, /commitOrRollback field wrong/],
    ];
    for (const [what, response, code, remark] of cases) {
      const answer = await response;
      assert.equal(answer.code, code, what);
      assert.match(answer.remark ?? '', remark, what);
    }
    const plain = await sendMessage(admin, broker.address, { topic: 'TxValidate', body: 'not a half' });
    const plainAt = { ...half, commitLogOffset: halfOfSend({ ...send, msgId: plain.extFields['msgId'] ?? '' }).commitLogOffset };
    assert.equal((await endTransaction(admin, broker.address, group, plainAt, COMMIT)).remark, 'Find prepared transaction message failed', 'a record outside the half queue');
    assert.equal((await endTransaction(admin, broker.address, group, half, UNKNOWN)).code, ResponseCode.SUCCESS, 'UNKNOWN is only logged');
    assert.equal(await maxOffset(broker.address, 'TxValidate'), 1, 'only the plain message');
    assert.equal((await endTransaction(admin, broker.address, group, half, ROLLBACK)).code, ResponseCode.SUCCESS, 'the half is still open after all that');
  });

  test('broker transaction - after CHECK_IMMUNITY_TIME_IN_SECONDS only a check may end the transaction', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'TxImmunity', 1);
    const group = 'PID_tx_immunity';
    const send = await sendHalf(admin, broker.address, group, { topic: 'TxImmunity', bornTimestamp: Date.now() - OLD_MS, extraProperties: { CHECK_IMMUNITY_TIME_IN_SECONDS: '2' } });
    const refused = await endTransaction(admin, broker.address, group, halfOfSend(send), COMMIT);
    assert.equal(refused.code, ResponseCode.ILLEGAL_OPERATION);
    assert.match(refused.remark ?? '', /CHECK_IMMUNITY_TIME_IN_SECONDS/);
    assert.equal(await maxOffset(broker.address, 'TxImmunity'), 0);
    assert.equal((await endTransaction(admin, broker.address, group, halfOfSend(send), COMMIT, true)).code, ResponseCode.SUCCESS, 'from a check');
    assert.equal(await maxOffset(broker.address, 'TxImmunity'), 1);
    const fresh = await sendHalf(admin, broker.address, group, { topic: 'TxImmunity', extraProperties: { CHECK_IMMUNITY_TIME_IN_SECONDS: '60' } });
    assert.equal((await endTransaction(admin, broker.address, group, halfOfSend(fresh), COMMIT)).code, ResponseCode.SUCCESS, 'within the immunity time');
    assert.equal(await maxOffset(broker.address, 'TxImmunity'), 2);
  });

  test('broker transaction - a check asks a live producer about an old half; its commit delivers once', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'TxCheck', 1);
    const group = 'PID_tx_check';
    const producer = new CheckRecorder(group);
    try {
      await producer.register(broker.address);
      const send = await sendHalf(admin, broker.address, group, { topic: 'TxCheck', body: 'checked', bornTimestamp: Date.now() - OLD_MS });
      const uniqKey = send.transactionId ?? '';
      await round(broker);
      const [check, ...others] = await waitFor(() => (producer.checksOf(uniqKey).length > 0 ? producer.checksOf(uniqKey) : undefined), 'a check');
      assert.ok(check);
      assert.equal(others.length, 0, 'one check per round');
      assert.ok(check.oneway, 'sent oneway');
      assert.equal(check.header.transactionId, uniqKey);
      assert.ok(check.header.tranStateTableOffset > send.queueOffset, 'about the copy at the end of the half queue');
      assert.equal(check.header.offsetMsgId?.length, 32);
      const copy = await view(broker.address, check.header.commitLogOffset);
      assert.equal(copy.topic, HALF);
      assert.equal(copy.queueOffset, check.header.tranStateTableOffset);
      assert.equal(recordProperties(copy).get(MessageConst.TRANSACTION_CHECK_TIMES), '1');
      assert.equal(recordProperties(copy).get(MessageConst.TRANSACTION_PREPARED_QUEUE_OFFSET), String(send.queueOffset));
      assert.equal(check.message.topic, 'TxCheck', 'the body is the message as its producer sent it');
      assert.equal(check.message.body.toString(), 'checked');
      assert.equal(recordProperties(check.message).get(MessageConst.PRODUCER_GROUP), group);
      assert.ok((await progress(broker.address, HALF)) > send.queueOffset, 'the check progress moved past the half');
      const commit = await endTransaction(producer.client, broker.address, group, halfOfCheck(check), COMMIT, true);
      assert.equal(commit.code, ResponseCode.SUCCESS, commit.remark);
      const delivered = await pullAll(broker.address, 'TxCheck');
      assert.deepEqual(delivered.map((record) => record.body.toString()), ['checked']);
      assert.equal(delivered[0]?.preparedTransactionOffset, check.header.commitLogOffset);
      // The producer's own decision comes late, on the first half: ignored.
      assert.equal((await endTransaction(admin, broker.address, group, halfOfSend(send), COMMIT)).code, ResponseCode.ILLEGAL_OPERATION);
      await round(broker);
      assert.equal(producer.checksOf(uniqKey).length, 1, 'a decided transaction is not checked again');
      assert.equal((await pullAll(broker.address, 'TxCheck')).length, 1);
    } finally {
      await producer.close();
    }
  });

  test('broker transaction - a young half is not checked yet', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'TxYoung', 1);
    const group = 'PID_tx_young';
    const producer = new CheckRecorder(group);
    try {
      await producer.register(broker.address);
      const send = await sendHalf(admin, broker.address, group, { topic: 'TxYoung' });
      const result = await round(broker);
      assert.equal(result.halfProgress, send.queueOffset, 'the round stopped at the young half');
      assert.equal(producer.checksOf(send.transactionId ?? '').length, 0);
      assert.equal((await endTransaction(admin, broker.address, group, halfOfSend(send), ROLLBACK)).code, ResponseCode.SUCCESS);
    } finally {
      await producer.close();
    }
  });

  test('broker transaction - after transactionCheckMax checks a half moves to TRANS_CHECK_MAX_TIME_TOPIC', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'TxCheckMax', 1);
    const group = 'PID_tx_checkmax';
    const producer = new CheckRecorder(group);
    try {
      await producer.register(broker.address);
      const send = await sendHalf(admin, broker.address, group, { topic: 'TxCheckMax', body: 'never decided', bornTimestamp: Date.now() - OLD_MS });
      const uniqKey = send.transactionId ?? '';
      for (let check = 1; check <= 2; check++) {
        await round(broker);
        await waitFor(() => producer.checksOf(uniqKey).length === check, `check ${check}`);
        assert.equal(recordProperties(producer.checksOf(uniqKey)[check - 1]?.message as MessageRecord).get(MessageConst.TRANSACTION_CHECK_TIMES), String(check));
      }
      const result = await round(broker);
      assert.ok(result.discarded >= 1);
      const discarded = withKey(await pullAll(broker.address, TopicNames.TRANS_CHECK_MAX_TIME_TOPIC), uniqKey);
      assert.equal(discarded.length, 1);
      assert.equal(discarded[0]?.body.toString(), 'never decided');
      assert.equal(recordProperties(discarded[0] as MessageRecord).get(MessageConst.REAL_TOPIC), 'TxCheckMax');
      await round(broker);
      assert.equal(producer.checksOf(uniqKey).length, 2, 'no check after the discard');
      const late = producer.checksOf(uniqKey)[1];
      assert.equal((await endTransaction(admin, broker.address, group, halfOfCheck(late as never), COMMIT, true)).code, ResponseCode.ILLEGAL_OPERATION);
      assert.equal(await maxOffset(broker.address, 'TxCheckMax'), 0);
    } finally {
      await producer.close();
    }
  });

  test('broker transaction - the check progress survives a restart and a half sent before it is still resolved', async () => {
    let restarting = await startBroker({ namesrvAddr: namesrv.address, brokerName: 'broker-tx-restart', conf: { ...CONF, transactionCheckMax: '15' } });
    const { storeDir } = restarting;
    const port = restarting.broker.port;
    const group = 'PID_tx_restart';
    const producer = new CheckRecorder(group);
    try {
      await createTopic(admin, restarting.address, namesrv.address, 'TxRestart', 1);
      await producer.register(restarting.address);
      const decided = await sendHalf(admin, restarting.address, group, { topic: 'TxRestart', body: 'decided', bornTimestamp: Date.now() - OLD_MS });
      assert.equal((await endTransaction(admin, restarting.address, group, halfOfSend(decided), COMMIT)).code, ResponseCode.SUCCESS);
      const open = await sendHalf(admin, restarting.address, group, { topic: 'TxRestart', body: 'open', bornTimestamp: Date.now() - OLD_MS });
      const uniqKey = open.transactionId ?? '';
      await round(restarting);
      const first = await waitFor(() => producer.checksOf(uniqKey)[0], 'the first check');
      const halfProgress = await progress(restarting.address, HALF);
      assert.ok(halfProgress > open.queueOffset);
      await restarting.stop();
      await producer.close();
      restarting = await startBroker({ namesrvAddr: namesrv.address, brokerName: 'broker-tx-restart', storeDir, listenPort: port, conf: { ...CONF, transactionCheckMax: '15' } });
      assert.equal(await progress(restarting.address, HALF), halfProgress, 'CID_RMQ_SYS_TRANS offset of the half queue kept');
      const again = new CheckRecorder(group);
      try {
        await again.register(restarting.address);
        await round(restarting);
        const second = await waitFor(() => again.checksOf(uniqKey)[0], 'a check after the restart');
        assert.equal(recordProperties(second.message).get(MessageConst.TRANSACTION_CHECK_TIMES), '2');
        assert.equal(again.checksOf(decided.transactionId ?? '').length, 0, 'the committed one is not checked');
        // The answer to the check sent before the restart arrives now: it decides the transaction.
        assert.equal((await endTransaction(again.client, restarting.address, group, halfOfCheck(first), COMMIT, true)).code, ResponseCode.SUCCESS);
        assert.equal((await endTransaction(again.client, restarting.address, group, halfOfCheck(second), COMMIT, true)).code, ResponseCode.ILLEGAL_OPERATION);
        assert.deepEqual((await pullAll(restarting.address, 'TxRestart')).map((record) => record.body.toString()), ['decided', 'open']);
        await round(restarting);
        assert.equal(again.checksOf(uniqKey).length, 1);
      } finally {
        await again.close();
      }
    } finally {
      await producer.close();
      await restarting.stop(true);
    }
  });
});
