/**
 * client-transaction-frames.test.ts: the frames of the SDK's TransactionProducer against a fake
 * server playing name server and broker: END_TRANSACTION after the local transaction carries
 * exactly the header fields Java's DefaultMQProducerImpl.endTransaction fills, oneway, with the
 * local failure in the remark; a CHECK_TRANSACTION_STATE pushed by the "broker" is answered with
 * END_TRANSACTION fromTransactionCheck=true on the same connection, as processTransactionState
 * fills it; a check for a group this client does not produce for is ignored.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createOffsetMessageId, encodeProperties, encodeRecord, encodeSocketAddress, measureRecord, MessageConst } from '../../src/message/index.js';
import { CheckTransactionStateRequestHeader, encodeTopicRouteData, isOneway, RequestCode, type RemotingCommand } from '../../src/protocol/index.js';
import { TransactionProducer, type LocalTransactionState, type MessageExt } from '../../src/index.js';
import { testLogger } from '../../src/log/index.js';
import { startFakeServer, type FakeAnswer, type FakeServer } from '../harness/fake-server.js';
import { waitFor } from '../harness/cluster.js';

const TOPIC = 'TxFrames';
const BROKER = 'broker-tx-fake';
const GROUP = 'PID_tx_frames';
const STORE_HOST = encodeSocketAddress('127.0.0.1', 10911);
let server: FakeServer;
/** Every END_TRANSACTION with its remark. */
const ends: RemotingCommand[] = [];
let sends = 0;

function script(request: RemotingCommand): FakeAnswer {
  switch (request.code) {
    case RequestCode.GET_ROUTEINFO_BY_TOPIC:
      return {
        body: encodeTopicRouteData(
          {
            queueDatas: [{ brokerName: BROKER, readQueueNums: 1, writeQueueNums: 1, perm: 6, topicSysFlag: 0 }],
            brokerDatas: [{ cluster: 'C', brokerName: BROKER, brokerAddrs: { '0': server.address }, enableActingMaster: false }],
            filterServerTable: {},
          },
          true,
        ),
      };
    case RequestCode.SEND_MESSAGE_V2: {
      sends++;
      const properties = new Map(request.extFields['i']?.split('\u0002').filter(Boolean).map((pair) => pair.split('\u0001') as [string, string]));
      return { extFields: { msgId: createOffsetMessageId(STORE_HOST, 4096 * sends), queueId: '0', queueOffset: String(100 + sends), transactionId: properties.get(MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX) ?? '' } };
    }
    case RequestCode.END_TRANSACTION:
      ends.push(request);
      return {};
    default:
      return {};
  }
}

/** A half message as a broker puts it in CHECK_TRANSACTION_STATE's body. */
function checkBody(group: string, uniqKey: string): Buffer {
  const properties = new Map([
    [MessageConst.TRANSACTION_PREPARED, 'true'],
    [MessageConst.PRODUCER_GROUP, group],
    [MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX, uniqKey],
    [MessageConst.TRANSACTION_CHECK_TIMES, '1'],
  ]);
  const input = {
    queueId: 0,
    flag: 0,
    queueOffset: 7,
    commitLogOffset: 9000,
    sysFlag: 0,
    bornTimestamp: 1_700_000_000_000,
    bornHost: encodeSocketAddress('127.0.0.1', 5555),
    storeTimestamp: 1_700_000_000_001,
    storeHost: STORE_HOST,
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
    body: Buffer.from('checked body'),
    topic: TOPIC,
    properties: encodeProperties(properties),
  };
  const measure = measureRecord(input);
  const out = Buffer.alloc(measure.size);
  encodeRecord(input, measure, out, 0);
  return out;
}

describe('client transaction frames', { timeout: 60_000 }, () => {
  before(async () => {
    server = await startFakeServer(script);
  });

  after(async () => {
    await server.stop();
  });

  test('transaction frames - END_TRANSACTION after the local transaction, and after a check, carry Java\'s fields', async () => {
    const checked: MessageExt[] = [];
    let verdict: LocalTransactionState = 'COMMIT';
    const producer = new TransactionProducer({
      groupName: GROUP,
      namesrvAddr: server.address,
      logger: testLogger(),
      checker: (message) => {
        checked.push(message);
        return verdict;
      },
    });
    await producer.start();
    try {
      const committed = await producer.sendInTransaction({ topic: TOPIC, body: 'tx' }, () => 'COMMIT');
      const failed = await producer.sendInTransaction({ topic: TOPIC, body: 'tx' }, () => {
        throw new Error('boom');
      });
      await waitFor(() => ends.length === 2, 'two END_TRANSACTION');
      const [commit, unknown] = ends;
      assert.ok(commit && unknown);
      assert.ok(isOneway(commit), 'oneway, as Java');
      assert.deepEqual(commit.extFields, {
        topic: TOPIC,
        producerGroup: GROUP,
        tranStateTableOffset: String(committed.queueOffset),
        commitLogOffset: '4096',
        commitOrRollback: '8',
        fromTransactionCheck: 'false',
        msgId: committed.msgId,
        transactionId: committed.msgId,
        bname: BROKER,
      });
      assert.equal(commit.remark, undefined);
      assert.equal(unknown.extFields['commitOrRollback'], '0');
      assert.equal(unknown.extFields['msgId'], failed.msgId);
      assert.equal(unknown.remark, 'executeLocalTransactionBranch exception: Error: boom');

      const connection = server.connections.find((candidate) => !candidate.closed);
      assert.ok(connection, 'the producer is connected');
      const checkFields = CheckTransactionStateRequestHeader.encode({
        topic: 'RMQ_SYS_TRANS_HALF_TOPIC',
        tranStateTableOffset: 7,
        commitLogOffset: 9000,
        msgId: 'UNIQ-CHECKED',
        transactionId: 'UNIQ-CHECKED',
        offsetMsgId: createOffsetMessageId(STORE_HOST, 9000),
        brokerName: BROKER,
      });
      connection.invokeOneway({ code: RequestCode.CHECK_TRANSACTION_STATE, extFields: checkFields, body: checkBody('PID_not_here', 'UNIQ-OTHER') });
      verdict = 'ROLLBACK';
      connection.invokeOneway({ code: RequestCode.CHECK_TRANSACTION_STATE, extFields: checkFields, body: checkBody(GROUP, 'UNIQ-CHECKED') });
      await waitFor(() => ends.length === 3, 'the answer to the check');
      const answer = ends[2];
      assert.ok(answer && isOneway(answer));
      assert.deepEqual(answer.extFields, {
        topic: 'RMQ_SYS_TRANS_HALF_TOPIC',
        producerGroup: GROUP,
        tranStateTableOffset: '7',
        commitLogOffset: '9000',
        commitOrRollback: '12',
        fromTransactionCheck: 'true',
        msgId: 'UNIQ-CHECKED',
        transactionId: 'UNIQ-CHECKED',
        bname: BROKER,
      });
      assert.equal(checked.length, 1, 'the check of another group was ignored');
      assert.equal(checked[0]?.topic, TOPIC);
      assert.equal(checked[0]?.body.toString(), 'checked body');
      assert.equal(checked[0]?.msgId, 'UNIQ-CHECKED');
      assert.equal(checked[0]?.properties[MessageConst.TRANSACTION_CHECK_TIMES], '1');
    } finally {
      await producer.shutdown();
    }
  });
});
