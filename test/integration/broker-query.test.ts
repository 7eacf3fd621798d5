/**
 * broker-query.test.ts: QUERY_MESSAGE (12) over TCP against a NameServer and Broker started
 * in-process (QueryMessageProcessor.java): by key and by unique key (_UNIQUE_KEY_QUERY), time
 * ranges, maxNum, Long.MAX_VALUE as the range end as Java tools send it, QUERY_NOT_FOUND, and the
 * keys ali-ons sets on its messages.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Message, Producer, type OnsLogger } from 'ali-ons';
import type { MessageRecord } from '../../src/message/index.js';
import { QueryMessageRequestHeader, QueryMessageResponseHeader, RequestCode, ResponseCode, type RemotingCommand } from '../../src/protocol/index.js';
import type { RemotingClient } from '../../src/remoting/index.js';
import { adminClient, createTopic, startBroker, startNamesrv, waitFor, type TestBroker, type TestNamesrv } from '../harness/cluster.js';
import { decodeRecords, recordProperties, REQUEST_TIMEOUT_MS, sendMessage, sendResult } from '../harness/broker-requests.js';

const TOPIC = 'QueryTopic';
const JAVA_LONG_MAX = '9223372036854775807';

let namesrv: TestNamesrv;
let broker: TestBroker;
let admin: RemotingClient;

interface Query {
  readonly key: string;
  readonly topic?: string;
  readonly maxNum?: number;
  readonly beginTimestamp?: number;
  /** As sent on the wire: Java tools send Long.MAX_VALUE. */
  readonly endTimestamp?: string;
  readonly unique?: boolean;
}

function queryMessage(query: Query): Promise<RemotingCommand> {
  const extFields = {
    ...QueryMessageRequestHeader.encode({ topic: query.topic ?? TOPIC, key: query.key, maxNum: query.maxNum ?? 32, beginTimestamp: query.beginTimestamp ?? 0, endTimestamp: 0 }),
    endTimestamp: query.endTimestamp ?? JAVA_LONG_MAX,
    ...(query.unique === true ? { _UNIQUE_KEY_QUERY: 'true' } : {}),
  };
  return admin.invoke(broker.address, { code: RequestCode.QUERY_MESSAGE, extFields }, REQUEST_TIMEOUT_MS);
}

async function found(query: Query): Promise<MessageRecord[]> {
  const response = await queryMessage(query);
  assert.equal(response.code, ResponseCode.SUCCESS, `${response.code} ${response.remark ?? ''}`);
  return decodeRecords(response.body);
}

/** The index lags the puts a little: wait until `key` is found at all. */
async function indexed(query: Query): Promise<void> {
  await waitFor(async () => (await queryMessage(query)).code === ResponseCode.SUCCESS, `the index to hold ${query.key}`);
}

describe('QUERY_MESSAGE', { timeout: 120_000 }, () => {
  before(async () => {
    admin = adminClient();
    namesrv = await startNamesrv();
    broker = await startBroker({ namesrvAddr: namesrv.address });
    await createTopic(admin, broker.address, namesrv.address, TOPIC, 2);
    for (let index = 0; index < 10; index++) {
      const uniqKey = `UNIQ${String(index).padStart(4, '0')}`;
      const properties = { KEYS: `order-${index} customer-${index % 2}`, UNIQ_KEY: uniqKey };
      sendResult(await sendMessage(admin, broker.address, { topic: TOPIC, queueId: index % 2, body: `body ${index}`, properties }));
    }
    await indexed({ key: 'order-9' });
  });

  after(async () => {
    await Producer.defaultProducer?.close();
    Producer.defaultProducer = null;
    await admin.close();
    await broker.stop(true);
    await namesrv.stop();
  });

  test('query-message - a key finds its message; the response carries the index position', async () => {
    const response = await queryMessage({ key: 'order-3' });
    assert.equal(response.code, ResponseCode.SUCCESS);
    const records = decodeRecords(response.body);
    assert.deepEqual(records.map((record) => record.body.toString()), ['body 3']);
    assert.equal(recordProperties(records[0] as MessageRecord).get('UNIQ_KEY'), 'UNIQ0003');
    const header = QueryMessageResponseHeader.decode(response.extFields);
    assert.ok(header.indexLastUpdatePhyoffset >= (records[0]?.commitLogOffset ?? Infinity));
    assert.ok(header.indexLastUpdateTimestamp >= (records[0]?.storeTimestamp ?? Infinity));
  });

  test('query-message - a key shared by several messages gives the newest maxNum, in CommitLog order', async () => {
    const all = await found({ key: 'customer-1' });
    assert.deepEqual(all.map((record) => record.body.toString()), ['body 1', 'body 3', 'body 5', 'body 7', 'body 9']);
    const two = await found({ key: 'customer-1', maxNum: 2 });
    assert.deepEqual(two.map((record) => record.body.toString()), ['body 7', 'body 9']);
  });

  test('query-message - a unique-key lookup finds the message by UNIQ_KEY whatever maxNum says', async () => {
    const records = await found({ key: 'UNIQ0005', unique: true, maxNum: 0 });
    assert.deepEqual(records.map((record) => record.body.toString()), ['body 5']);
  });

  test('query-message - the time range applies, with Long.MAX_VALUE or a real end', async () => {
    const stored = (await found({ key: 'order-4' }))[0] as MessageRecord;
    const future = stored.storeTimestamp + 3_600_000;
    assert.equal((await queryMessage({ key: 'order-4', beginTimestamp: future })).code, ResponseCode.QUERY_NOT_FOUND);
    assert.equal((await queryMessage({ key: 'order-4', endTimestamp: String(stored.storeTimestamp - 3_600_000) })).code, ResponseCode.QUERY_NOT_FOUND);
    assert.equal((await found({ key: 'order-4', beginTimestamp: stored.storeTimestamp - 60_000, endTimestamp: String(stored.storeTimestamp + 60_000) })).length, 1);
  });

  test('query-message - nothing matching is QUERY_NOT_FOUND with Java\'s remark; another topic\'s key is not found', async () => {
    const missing = await queryMessage({ key: 'no-such-key' });
    assert.equal(missing.code, ResponseCode.QUERY_NOT_FOUND);
    assert.equal(missing.remark, 'can not find message, maybe time range not correct');
    assert.equal(missing.body?.length ?? 0, 0);
    assert.equal((await queryMessage({ key: 'order-3', topic: 'NoSuchTopic' })).code, ResponseCode.QUERY_NOT_FOUND);
  });

  test('query-message - a header field that is not a Java long is a SYSTEM_ERROR naming it', async () => {
    const response = await queryMessage({ key: 'order-3', endTimestamp: '9223372036854775808' });
    assert.equal(response.code, ResponseCode.SYSTEM_ERROR);
    assert.match(response.remark ?? '', /endTimestamp/);
  });

  test('query-message - messages ali-ons sent with keys are found by each key and by their UNIQ_KEY', async () => {
    const errors: unknown[] = [];
    const logger: OnsLogger = { info() {}, debug() {}, warn() {}, error: (...args: unknown[]) => void errors.push(args) };
    const producer = new Producer({
      httpclient: {},
      nameSrv: namesrv.address,
      logger,
      producerGroup: 'PID_query',
      instanceName: `query-${process.pid}`,
      rebalanceInterval: 500,
      persistConsumerOffsetInterval: 500,
      heartbeatBrokerInterval: 1000,
      pollNameServerInteval: 1000,
    });
    await producer.ready();
    try {
      for (let index = 0; index < 3; index++) {
        const message = new Message(TOPIC, 'TagA', `ali-ons ${index}`);
        message.keys = [`ons-key-${index}`, 'ons-batch'];
        assert.equal((await producer.send(message)).sendStatus, 'SEND_OK');
      }
    } finally {
      await producer.close();
    }
    await indexed({ key: 'ons-key-2' });
    const byKey = await found({ key: 'ons-key-1' });
    assert.deepEqual(byKey.map((record) => record.body.toString()), ['ali-ons 1']);
    assert.deepEqual((await found({ key: 'ons-batch' })).map((record) => record.body.toString()), ['ali-ons 0', 'ali-ons 1', 'ali-ons 2']);
    const uniqKey = recordProperties(byKey[0] as MessageRecord).get('UNIQ_KEY') ?? '';
    assert.ok(uniqKey.length > 0, 'the broker gave the ali-ons message a UNIQ_KEY');
    assert.deepEqual((await found({ key: uniqKey, unique: true })).map((record) => record.body.toString()), ['ali-ons 1']);
    assert.deepEqual(errors, []);
  });
});
