/**
 * client-golden-frames.test.ts: every request our client sends carries exactly the header fields
 * RocketMQ's Java client (5.3.3) sends, with Java's values, language JAVA and version V5_3_3 (479).
 * The field lists come from the Java *RequestHeader classes (fields, superclass RpcRequestHeader's
 * `bname`) and from the client code that fills them (MQClientAPIImpl, DefaultMQProducerImpl,
 * PullAPIWrapper, RemoteBrokerOffsetStore, DefaultMQPushConsumerImpl); Java leaves null fields out.
 * A fake server plays name server and broker and records the frames.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { encodeProperties, encodeRecord, encodeSocketAddress, measureRecord, MessageConst } from '../../src/message/index.js';
import {
  decodeConsumerRunningInfo,
  encodeConsumerIdList,
  encodeMessageQueueMap,
  encodeTopicRouteData,
  RequestCode,
  ResponseCode,
  type RemotingCommand,
} from '../../src/protocol/index.js';
import { ConsumeResult, LitePullConsumer, Message, Producer, PushConsumer } from '../../src/index.js';
import { testLogger } from '../../src/log/index.js';
import { startFakeServer, type FakeAnswer, type FakeServer, type RecordedRequest } from '../harness/fake-server.js';
import { waitFor } from '../harness/cluster.js';

const TOPIC = 'GoldenTopic';
const BROKER = 'broker-fake';
const logger = testLogger();
let server: FakeServer;
const groups = new Map<string, Set<string>>();
/** What UPDATE_CONSUMER_OFFSET committed, by group, topic and queue: QUERY_CONSUMER_OFFSET answers it. */
const committed = new Map<string, string>();
const offsetKey = (fields: Record<string, string>): string => `${fields['consumerGroup']}/${fields['topic']}/${fields['queueId']}`;

function record(queueOffset: number): Buffer {
  const input = {
    queueId: 0,
    flag: 0,
    queueOffset,
    commitLogOffset: 1000 + queueOffset,
    sysFlag: 0,
    bornTimestamp: 1_700_000_000_000,
    bornHost: encodeSocketAddress('127.0.0.1', 5555),
    storeTimestamp: 1_700_000_000_001,
    storeHost: encodeSocketAddress('127.0.0.1', 10911),
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
    body: Buffer.from('golden'),
    topic: TOPIC,
    properties: encodeProperties(new Map([[MessageConst.TAGS, 'TagA'], [MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX, 'AC110001000018B4AAC2000000000000']])),
  };
  const measure = measureRecord(input);
  const out = Buffer.alloc(measure.size);
  encodeRecord(input, measure, out, 0);
  return out;
}

function pullAnswer(request: RemotingCommand): Promise<FakeAnswer> {
  const offset = Number(request.extFields['queueOffset']);
  const fields = (next: number): Record<string, string> => ({ suggestWhichBrokerId: '0', nextBeginOffset: String(next), minOffset: '0', maxOffset: '1' });
  if (request.extFields['topic'] === TOPIC && request.extFields['queueId'] === '0' && offset === 0) {
    return Promise.resolve({ code: ResponseCode.SUCCESS, extFields: fields(1), body: record(0) });
  }
  // Long polling, shortened: nothing new.
  return new Promise((resolve) => setTimeout(() => resolve({ code: ResponseCode.PULL_NOT_FOUND, extFields: fields(offset) }), 200));
}

function script(request: RemotingCommand): FakeAnswer | Promise<FakeAnswer> {
  const route = (topic: string): FakeAnswer => ({
    body: encodeTopicRouteData(
      {
        queueDatas: [{ brokerName: BROKER, readQueueNums: topic === TOPIC ? 2 : 1, writeQueueNums: topic === TOPIC ? 2 : 1, perm: 6, topicSysFlag: 0 }],
        brokerDatas: [{ cluster: 'C', brokerName: BROKER, brokerAddrs: { '0': server.address }, enableActingMaster: false }],
        filterServerTable: {},
      },
      true,
    ),
  });
  switch (request.code) {
    case RequestCode.GET_ROUTEINFO_BY_TOPIC:
      return route(request.extFields['topic'] ?? '');
    case RequestCode.HEART_BEAT: {
      const data = JSON.parse(request.body?.toString() ?? '{}') as { clientID: string; consumerDataSet: { groupName: string }[] };
      for (const { groupName } of data.consumerDataSet) groups.set(groupName, (groups.get(groupName) ?? new Set()).add(data.clientID));
      return {};
    }
    case RequestCode.GET_CONSUMER_LIST_BY_GROUP:
      return { body: encodeConsumerIdList([...(groups.get(request.extFields['consumerGroup'] ?? '') ?? [])]) };
    case RequestCode.SEND_MESSAGE_V2:
    case RequestCode.SEND_BATCH_MESSAGE:
      return { extFields: { msgId: '7F00000100002A9F0000000000000000', queueId: request.extFields['e'] ?? '0', queueOffset: '0' } };
    case RequestCode.QUERY_CONSUMER_OFFSET: {
      const offset = committed.get(offsetKey(request.extFields));
      return offset === undefined ? { code: ResponseCode.QUERY_NOT_FOUND, remark: 'not found' } : { extFields: { offset } };
    }
    case RequestCode.UPDATE_CONSUMER_OFFSET:
      committed.set(offsetKey(request.extFields), request.extFields['commitOffset'] ?? '0');
      return {};
    case RequestCode.PULL_MESSAGE:
    case RequestCode.LITE_PULL_MESSAGE:
      return pullAnswer(request);
    case RequestCode.LOCK_BATCH_MQ: {
      const { mqSet } = JSON.parse(request.body?.toString() ?? '{}') as { mqSet: unknown[] };
      return { body: Buffer.from(JSON.stringify({ lockOKMQSet: mqSet })) };
    }
    case RequestCode.GET_MAX_OFFSET:
      return { extFields: { offset: '1' } };
    case RequestCode.GET_MIN_OFFSET:
    case RequestCode.SEARCH_OFFSET_BY_TIMESTAMP:
      return { extFields: { offset: '0' } };
    default:
      return {};
  }
}

function keys(request: RecordedRequest | undefined): string[] {
  assert.ok(request, 'the request was sent');
  return Object.keys(request.extFields).sort();
}

function assertJavaFrame(request: RecordedRequest): void {
  assert.equal(request.language, 'JAVA', `language of ${request.code}`);
  assert.equal(request.version, 479, `version of ${request.code}`);
}

describe('client golden frames', { timeout: 60_000 }, () => {
  before(async () => {
    server = await startFakeServer(script);
  });

  after(async () => {
    await server.stop();
  });

  test('golden frames - producer: route, heartbeat, SEND_MESSAGE_V2, SEND_BATCH_MESSAGE, oneway, unregister', async () => {
    const producer = new Producer({ groupName: 'PID_golden', namesrvAddr: server.address, logger });
    await producer.start();
    const result = await producer.send(new Message({ topic: TOPIC, tags: 'TagA', keys: ['k1', 'k2'], body: 'hello', properties: { a: '1' } }));
    assert.equal(result.sendStatus, 'SEND_OK');
    await producer.sendBatch([new Message({ topic: TOPIC, body: 'b1' }), new Message({ topic: TOPIC, body: 'b2' })]);
    await producer.sendOneway(new Message({ topic: TOPIC, body: 'one' }));
    await waitFor(() => server.of(RequestCode.SEND_MESSAGE_V2).length === 2, 'the oneway send');
    await waitFor(() => server.of(RequestCode.HEART_BEAT).length > 0, 'the first heartbeat, a second after start');
    await producer.shutdown();

    const route = server.of(RequestCode.GET_ROUTEINFO_BY_TOPIC)[0];
    assert.deepEqual(keys(route), ['topic']);
    const [send, oneway] = server.of(RequestCode.SEND_MESSAGE_V2);
    assert.deepEqual(keys(send), ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'm', 'n']);
    assert.ok(send && oneway);
    assert.equal(send.flag, 0);
    assert.equal(oneway.flag, 2, 'oneway sends carry the ONEWAY flag');
    const { a, b, c, d, f, h, i, j, k, m, n } = send.extFields;
    assert.deepEqual({ a, b, c, d, f, h, j, k, m, n }, { a: 'PID_golden', b: TOPIC, c: 'TBW102', d: '4', f: '0', h: '0', j: '0', k: 'false', m: 'false', n: BROKER });
    assert.match(send.extFields['g'] ?? '', /^\d{13}$/, 'bornTimestamp in ms');
    assert.deepEqual(
      new Map((i ?? '').split('\u0002').filter(Boolean).map((pair) => pair.split('\u0001') as [string, string])),
      new Map([['TAGS', 'TagA'], ['KEYS', 'k1 k2'], ['WAIT', 'true'], ['a', '1'], ['UNIQ_KEY', result.msgId]]),
    );
    assert.equal(send.body?.toString(), 'hello');
    const batch = server.of(RequestCode.SEND_BATCH_MESSAGE)[0];
    assert.deepEqual(keys(batch), ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'm', 'n']);
    assert.equal(batch?.extFields['m'], 'true');
    const heartbeat = server.of(RequestCode.HEART_BEAT)[0];
    assert.deepEqual(keys(heartbeat), []);
    const body = JSON.parse(heartbeat?.body?.toString() ?? '{}') as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), ['clientID', 'consumerDataSet', 'heartbeatFingerprint', 'producerDataSet', 'withoutSub']);
    assert.deepEqual(body['producerDataSet'], [{ groupName: 'PID_golden' }]);
    assert.match(String(body['clientID']), /^[\d.]+@\d+#\d+$/, 'clientID is ip@instanceName, instanceName pid#n');
    const unregister = server.of(RequestCode.UNREGISTER_CLIENT).find((request) => request.extFields['producerGroup'] === 'PID_golden');
    assert.deepEqual(keys(unregister), ['clientID', 'producerGroup']);
    for (const request of server.requests) assertJavaFrame(request);
  });

  test('golden frames - push consumer: consumer list, offsets, pull, send-back, heartbeat subscriptions', async () => {
    const consumer = new PushConsumer({ groupName: 'GID_golden', namesrvAddr: server.address, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', persistConsumerOffsetInterval: 100, logger });
    consumer.subscribe(TOPIC, 'TagA || TagB');
    let delivered = 0;
    consumer.onMessage(() => {
      delivered++;
      return ConsumeResult.RECONSUME_LATER;
    });
    await consumer.start();
    await waitFor(() => server.of(RequestCode.CONSUMER_SEND_MSG_BACK).length > 0, 'the send-back of the failed message');
    await waitFor(() => server.of(RequestCode.UPDATE_CONSUMER_OFFSET).some((request) => request.extFields['commitOffset'] === '1'), 'the commit of offset 1');
    const queue0 = (request: RecordedRequest): boolean => request.extFields['topic'] === TOPIC && request.extFields['queueId'] === '0';
    await waitFor(() => server.of(RequestCode.PULL_MESSAGE).some((request) => queue0(request) && request.extFields['commitOffset'] === '1'), 'a pull carrying the commit');
    await consumer.shutdown();
    assert.equal(delivered, 1);

    assert.deepEqual(keys(server.of(RequestCode.GET_CONSUMER_LIST_BY_GROUP)[0]), ['consumerGroup']);
    const query = server.of(RequestCode.QUERY_CONSUMER_OFFSET)[0];
    assert.deepEqual(keys(query), ['bname', 'consumerGroup', 'queueId', 'topic']);
    const pull = server.of(RequestCode.PULL_MESSAGE).find((request) => request.extFields['topic'] === TOPIC);
    assert.deepEqual(keys(pull), ['bname', 'commitOffset', 'consumerGroup', 'expressionType', 'maxMsgBytes', 'maxMsgNums', 'queueId', 'queueOffset', 'subVersion', 'suspendTimeoutMillis', 'sysFlag', 'topic']);
    assert.deepEqual(
      { ...pull?.extFields, subVersion: undefined, queueId: undefined },
      { bname: BROKER, commitOffset: '0', consumerGroup: 'GID_golden', expressionType: 'TAG', maxMsgBytes: '262144', maxMsgNums: '32', queueOffset: '0', subVersion: undefined, suspendTimeoutMillis: '15000', sysFlag: '2', topic: TOPIC, queueId: undefined },
    );
    const back = server.of(RequestCode.CONSUMER_SEND_MSG_BACK)[0];
    assert.deepEqual(keys(back), ['bname', 'delayLevel', 'group', 'maxReconsumeTimes', 'offset', 'originMsgId', 'originTopic', 'unitMode']);
    assert.deepEqual(back?.extFields, {
      bname: BROKER,
      delayLevel: '0',
      group: 'GID_golden',
      maxReconsumeTimes: '16',
      offset: '1000',
      originMsgId: 'AC110001000018B4AAC2000000000000',
      originTopic: TOPIC,
      unitMode: 'false',
    });
    const update = server.of(RequestCode.UPDATE_CONSUMER_OFFSET).find((request) => request.extFields['commitOffset'] === '1');
    assert.deepEqual(keys(update), ['bname', 'commitOffset', 'consumerGroup', 'queueId', 'topic']);
    const later = server.of(RequestCode.PULL_MESSAGE).find((request) => queue0(request) && request.extFields['commitOffset'] === '1');
    assert.equal(later?.extFields['sysFlag'], '3', 'a pull after a commit carries COMMIT_OFFSET and SUSPEND');
    const heartbeat = server.of(RequestCode.HEART_BEAT).map((request) => JSON.parse(request.body?.toString() ?? '{}') as { consumerDataSet: Record<string, unknown>[] }).find((data) => data.consumerDataSet.length > 0);
    const consumerData = heartbeat?.consumerDataSet[0] ?? {};
    assert.deepEqual(Object.keys(consumerData).sort(), ['consumeFromWhere', 'consumeType', 'groupName', 'messageModel', 'subscriptionDataSet', 'unitMode']);
    assert.equal(consumerData['consumeType'], 'CONSUME_PASSIVELY');
    const subscriptions = consumerData['subscriptionDataSet'] as Record<string, unknown>[];
    const tagged = subscriptions.find((subscription) => subscription['topic'] === TOPIC) ?? {};
    assert.deepEqual(Object.keys(tagged).sort(), ['classFilterMode', 'codeSet', 'expressionType', 'subString', 'subVersion', 'tagsSet', 'topic']);
    assert.deepEqual([tagged['tagsSet'], tagged['codeSet'], tagged['expressionType']], [['TagA', 'TagB'], [2598919, 2598920], 'TAG'], 'Java String.hashCode of each tag');
    assert.ok(subscriptions.some((subscription) => subscription['topic'] === '%RETRY%GID_golden' && subscription['subString'] === '*'), 'clustering consumers subscribe to their retry topic');
    assert.deepEqual(keys(server.of(RequestCode.UNREGISTER_CLIENT).find((request) => request.extFields['consumerGroup'] === 'GID_golden')), ['clientID', 'consumerGroup']);
    for (const request of server.requests) assertJavaFrame(request);
  });

  test('golden frames - orderly push consumer: LOCK_BATCH_MQ before pulling, UNLOCK_BATCH_MQ at shutdown, empty headers', async () => {
    const consumer = new PushConsumer({ groupName: 'GID_golden_orderly', namesrvAddr: server.address, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', orderly: true, logger });
    consumer.subscribe(TOPIC, '*');
    const consumed: number[] = [];
    consumer.onMessage((messages) => {
      consumed.push(...messages.map((message) => message.queueOffset));
      return ConsumeResult.SUCCESS;
    });
    await consumer.start();
    await waitFor(() => consumed.length === 1, 'the message consumed');
    await consumer.shutdown();
    const ours = (request: RecordedRequest): boolean => (JSON.parse(request.body?.toString() ?? '{}') as { consumerGroup?: string }).consumerGroup === 'GID_golden_orderly';
    const locks = server.of(RequestCode.LOCK_BATCH_MQ).filter(ours);
    const lock = locks.find((request) => request.body?.toString().includes(`"topic":"${TOPIC}"`));
    assert.deepEqual(keys(lock), [], 'LockBatchMqRequestHeader has no fields');
    const lockBody = JSON.parse(lock?.body?.toString() ?? '{}') as Record<string, unknown>;
    assert.deepEqual(Object.keys(lockBody).sort(), ['clientId', 'consumerGroup', 'mqSet', 'onlyThisBroker']);
    assert.equal(lockBody['onlyThisBroker'], false);
    assert.deepEqual(lockBody['mqSet'], [0, 1].map((queueId) => ({ brokerName: BROKER, queueId, topic: TOPIC })), 'both queues, locked before any pull');
    const firstPull = server.requests.findIndex((request) => request.code === RequestCode.PULL_MESSAGE && request.extFields['consumerGroup'] === 'GID_golden_orderly' && request.extFields['topic'] === TOPIC);
    assert.ok(firstPull > server.requests.indexOf(lock as RecordedRequest), 'no pull before the lock');
    const unlock = server.of(RequestCode.UNLOCK_BATCH_MQ).filter(ours).at(-1);
    assert.deepEqual(keys(unlock), []);
    assert.equal((unlock?.flag ?? 0) & 2, 0, 'unlockAll at shutdown waits for the answer (not oneway)');
    const unlocked = (JSON.parse(unlock?.body?.toString() ?? '{}') as { mqSet: { topic: string }[] }).mqSet.filter((queue) => queue.topic === TOPIC);
    assert.equal(unlocked.length, 2, 'every queue held is unlocked');
    assert.deepEqual(server.of(RequestCode.UPDATE_CONSUMER_OFFSET).filter((request) => request.extFields['consumerGroup'] === 'GID_golden_orderly' && request.extFields['queueId'] === '0').at(-1)?.extFields['commitOffset'], '1');
    for (const request of server.requests) assertJavaFrame(request);
  });

  test('golden frames - lite pull: min and max offset, search by time, LITE_PULL_MESSAGE with the subscription', async () => {
    const consumer = new LitePullConsumer({ groupName: 'GID_golden_lite', namesrvAddr: server.address, logger });
    const queue = { topic: TOPIC, brokerName: BROKER, queueId: 0 };
    consumer.assign([queue]);
    await consumer.start();
    await consumer.seek(queue, 0);
    const messages = await consumer.poll(5000);
    assert.equal(messages[0]?.body.toString(), 'golden');
    assert.equal(await consumer.offsetForTimestamp(queue, 1_700_000_000_000), 0);
    await consumer.shutdown();
    assert.deepEqual(keys(server.of(RequestCode.GET_MAX_OFFSET)[0]), ['bname', 'committed', 'queueId', 'topic']);
    assert.equal(server.of(RequestCode.GET_MAX_OFFSET)[0]?.extFields['committed'], 'true');
    assert.deepEqual(keys(server.of(RequestCode.GET_MIN_OFFSET)[0]), ['bname', 'queueId', 'topic']);
    const search = server.of(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP)[0];
    assert.deepEqual(keys(search), ['bname', 'boundaryType', 'queueId', 'timestamp', 'topic']);
    assert.deepEqual([search?.extFields['timestamp'], search?.extFields['boundaryType']], ['1700000000000', 'LOWER']);
    assert.equal(server.of(RequestCode.PULL_MESSAGE).filter((request) => request.extFields['consumerGroup'] === 'GID_golden_lite').length, 0, 'no PULL_MESSAGE from a lite pull consumer');
    const pull = server.of(RequestCode.LITE_PULL_MESSAGE).find((request) => request.extFields['consumerGroup'] === 'GID_golden_lite');
    assert.deepEqual(keys(pull), ['bname', 'commitOffset', 'consumerGroup', 'expressionType', 'maxMsgBytes', 'maxMsgNums', 'queueId', 'queueOffset', 'subVersion', 'subscription', 'suspendTimeoutMillis', 'sysFlag', 'topic']);
    const { maxMsgBytes, maxMsgNums, subVersion, subscription, suspendTimeoutMillis, sysFlag } = pull?.extFields ?? {};
    assert.deepEqual({ maxMsgBytes, maxMsgNums, subVersion, subscription, suspendTimeoutMillis, sysFlag }, {
      maxMsgBytes: '2147483647',
      maxMsgNums: '10',
      subVersion: '0',
      subscription: '*',
      suspendTimeoutMillis: '20000',
      sysFlag: '22',
    }, 'PullSysFlag.buildSysFlag(false, true, true, false, true): SUSPEND | SUBSCRIPTION | LITE_PULL');
    for (const request of server.requests) assertJavaFrame(request);
  });

  test('broker requests - NOTIFY_CONSUMER_IDS_CHANGED rebalances, RESET_CONSUMER_CLIENT_OFFSET rewinds, GET_CONSUMER_RUNNING_INFO answers', async () => {
    const consumer = new PushConsumer({ groupName: 'GID_reset', namesrvAddr: server.address, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', persistConsumerOffsetInterval: 100, logger });
    consumer.subscribe(TOPIC, '*');
    const offsets: number[] = [];
    consumer.onMessage((messages) => {
      offsets.push(...messages.map((message) => message.queueOffset));
      return ConsumeResult.SUCCESS;
    });
    await consumer.start();
    await waitFor(() => committed.get(`GID_reset/${TOPIC}/0`) === '1', 'offset 1 committed');
    const connection = server.connections.filter((candidate) => !candidate.closed).at(-1);
    assert.ok(connection);

    const listsBefore = server.of(RequestCode.GET_CONSUMER_LIST_BY_GROUP).length;
    connection.invokeOneway({ code: RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, extFields: { consumerGroup: 'GID_reset' } });
    await waitFor(() => server.of(RequestCode.GET_CONSUMER_LIST_BY_GROUP).length > listsBefore, 'a rebalance right after the notification');

    const body = encodeMessageQueueMap('offsetTable', [{ queue: { topic: TOPIC, brokerName: BROKER, queueId: 0 }, offset: 0 }]);
    const resetFields = { group: 'GID_reset', topic: TOPIC, queueId: '-1', timestamp: '0', isForce: 'true' };
    connection.invokeOneway({ code: RequestCode.RESET_CONSUMER_CLIENT_OFFSET, extFields: resetFields, body });
    await waitFor(() => offsets.length >= 2, 'message 0 consumed again after the reset');
    assert.deepEqual(offsets.slice(0, 2), [0, 0]);

    const running = await connection.invoke({ code: RequestCode.GET_CONSUMER_RUNNING_INFO, extFields: { consumerGroup: 'GID_reset', clientId: consumer.clientId } }, 3000);
    assert.equal(running.code, ResponseCode.SUCCESS, running.remark);
    assert.equal(decodeConsumerRunningInfo(running.body).properties['PROP_CONSUME_TYPE'], 'CONSUME_PASSIVELY');
    const badReset = await connection.invoke({ code: RequestCode.RESET_CONSUMER_CLIENT_OFFSET, extFields: { ...resetFields, group: 'GID_nobody' }, body }, 3000);
    assert.equal(badReset.code, ResponseCode.SYSTEM_ERROR, 'a reset for a group this client does not have is refused');
    await consumer.shutdown();
  });
});
