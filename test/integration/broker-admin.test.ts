/**
 * broker-admin.test.ts: topic administration over TCP (AdminBrokerProcessor.java):
 * UPDATE_AND_CREATE_TOPIC (17) with attributes, DELETE_TOPIC_IN_BROKER (215), GET_ALL_TOPIC_CONFIG
 * (21); registration with two name servers; and a restart on the same store dir keeping every
 * topic, message and offset.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeOffsetMessageId } from '../../src/message/index.js';
import {
  DeleteTopicRequestHeader,
  RequestCode,
  ResponseCode,
  ViewMessageRequestHeader,
  parseFastJson,
  type RemotingCommand,
} from '../../src/protocol/index.js';
import type { RemotingClient } from '../../src/remoting/index.js';
import { adminClient, createTopic, startBroker, startNamesrv, topicRoute, updateTopic as updateTopicRequest, waitFor, type TestBroker, type TestNamesrv } from '../harness/cluster.js';
import {
  REQUEST_TIMEOUT_MS,
  decodeRecords,
  heartbeat,
  heartbeatBody,
  pullMessage,
  queryConsumerOffset,
  queueOffset,
  sendMessage,
  sendResult,
  updateConsumerOffset,
} from '../harness/broker-requests.js';

interface TopicConfigJson {
  readonly topicName: string;
  readonly readQueueNums: number;
  readonly writeQueueNums: number;
  readonly perm: number;
  readonly topicFilterType: string;
  readonly topicSysFlag: number;
  readonly order: boolean;
  readonly attributes: Record<string, string>;
}

interface TopicConfigWrapper {
  readonly dataVersion: { readonly stateVersion: number; readonly timestamp: number; readonly counter: number };
  readonly topicConfigTable: Record<string, TopicConfigJson>;
}

let namesrvs: TestNamesrv[];
let broker: TestBroker;
let admin: RemotingClient;

function namesrvAddr(): string {
  return namesrvs.map((namesrv) => namesrv.address).join(';');
}

function updateTopic(topic: string, queueNums: number, extra: { attributes?: string; order?: boolean } = {}): Promise<RemotingCommand> {
  return updateTopicRequest(admin, broker.address, topic, queueNums, extra);
}

function deleteTopic(topic: string): Promise<RemotingCommand> {
  return admin.invoke(broker.address, { code: RequestCode.DELETE_TOPIC_IN_BROKER, extFields: DeleteTopicRequestHeader.encode({ topic }) }, REQUEST_TIMEOUT_MS);
}

async function allTopicConfig(): Promise<TopicConfigWrapper> {
  const response = await admin.invoke(broker.address, { code: RequestCode.GET_ALL_TOPIC_CONFIG }, REQUEST_TIMEOUT_MS);
  assert.equal(response.code, ResponseCode.SUCCESS, response.remark);
  return parseFastJson(response.body?.toString('utf8') ?? '') as TopicConfigWrapper;
}

async function routedQueues(namesrv: TestNamesrv, topic: string, brokerAddress: string, queueNums: number): Promise<void> {
  await waitFor(async () => {
    const route = await topicRoute(admin, namesrv.address, topic);
    return route?.queueDatas[0]?.writeQueueNums === queueNums && route.brokerDatas[0]?.brokerAddrs['0'] === brokerAddress;
  }, `${topic} with ${queueNums} queues on ${brokerAddress} at ${namesrv.address}`);
}

describe('broker admin', { timeout: 120_000 }, () => {
  before(async () => {
    admin = adminClient();
    namesrvs = [await startNamesrv(), await startNamesrv()];
    broker = await startBroker({ namesrvAddr: namesrvAddr() });
  });

  after(async () => {
    await admin.close();
    await broker.stop(true);
    for (const namesrv of namesrvs) await namesrv.stop();
  });

  test('broker - UPDATE_AND_CREATE_TOPIC creates a topic the name server routes, with its attributes', async () => {
    const created = await updateTopic('AdminFifo', 3, { attributes: '+message.type=FIFO', order: true });
    assert.equal(created.code, ResponseCode.SUCCESS, created.remark);
    await routedQueues(namesrvs[0] as TestNamesrv, 'AdminFifo', broker.address, 3);
    const wrapper = await allTopicConfig();
    assert.deepEqual(wrapper.topicConfigTable['AdminFifo'], {
      topicName: 'AdminFifo',
      readQueueNums: 3,
      writeQueueNums: 3,
      perm: 6,
      topicFilterType: 'SINGLE_TAG',
      topicSysFlag: 0,
      order: true,
      attributes: { 'message.type': 'FIFO' },
    });
    assert.ok(wrapper.dataVersion.counter > 0 && wrapper.dataVersion.timestamp > 0, 'TopicConfigSerializeWrapper has the data version');
    assert.ok(wrapper.topicConfigTable['TBW102'], 'system topics are listed too');

    const grown = await updateTopic('AdminFifo', 5, { order: true });
    assert.equal(grown.code, ResponseCode.SUCCESS);
    await routedQueues(namesrvs[0] as TestNamesrv, 'AdminFifo', broker.address, 5);
    assert.deepEqual((await allTopicConfig()).topicConfigTable['AdminFifo']?.attributes, { 'message.type': 'FIFO' }, 'an update without attributes keeps them');
  });

  test('broker - UPDATE_AND_CREATE_TOPIC refuses unknown attributes, bad names and system topics', async () => {
    const unknown = await updateTopic('AdminBadAttr', 2, { attributes: '+no.such=1' });
    assert.equal(unknown.code, ResponseCode.SYSTEM_ERROR, 'Java answers the AttributeUtil exception as SYSTEM_ERROR');
    assert.match(unknown.remark ?? '', /unsupported key: no\.such/);
    const badValue = await updateTopic('AdminBadAttr', 2, { attributes: '+message.type=SIDEWAYS' });
    assert.equal(badValue.code, ResponseCode.SYSTEM_ERROR);
    assert.equal((await allTopicConfig()).topicConfigTable['AdminBadAttr'], undefined, 'nothing created');

    const badName = await updateTopic('bad/name', 2);
    assert.equal(badName.code, ResponseCode.INVALID_PARAMETER);
    assert.match(badName.remark ?? '', /contains illegal characters/);
    const system = await updateTopic('SCHEDULE_TOPIC_XXXX', 2);
    assert.equal(system.code, ResponseCode.INVALID_PARAMETER);
    assert.equal(system.remark, 'The topic[SCHEDULE_TOPIC_XXXX] is conflict with system topic.');
    assert.equal((await allTopicConfig()).topicConfigTable['SCHEDULE_TOPIC_XXXX']?.readQueueNums, 18, 'unchanged');
    for (const topic of ['RMQ_SYS_TRACE_TOPIC', 'rmq_sys_custom']) {
      const refused = await updateTopic(topic, 1);
      assert.equal(refused.code, ResponseCode.INVALID_PARAMETER, `${topic} is a system topic even when this broker lacks it`);
      assert.equal(refused.remark, `The topic[${topic}] is conflict with system topic.`);
    }
  });

  test('broker - DELETE_TOPIC_IN_BROKER forgets the topic, its messages and its consumer offsets', async () => {
    const group = 'GID_admin_doomed';
    await createTopic(admin, broker.address, namesrvs[0]?.address ?? '', 'AdminDoomed', 2);
    for (let index = 0; index < 3; index++) sendResult(await sendMessage(admin, broker.address, { topic: 'AdminDoomed', queueId: 1, body: `old-${index}` }));
    await heartbeat(admin, broker.address, heartbeatBody('127.0.0.1@doomed', [{ group, subscriptions: { AdminDoomed: '*' } }]));
    assert.equal((await updateConsumerOffset(admin, broker.address, group, 'AdminDoomed', 1, 2)).code, ResponseCode.SUCCESS);

    const deleted = await deleteTopic('AdminDoomed');
    assert.equal(deleted.code, ResponseCode.SUCCESS, deleted.remark);
    assert.equal((await allTopicConfig()).topicConfigTable['AdminDoomed'], undefined);
    assert.equal(await queueOffset(admin, broker.address, RequestCode.GET_MAX_OFFSET, 'AdminDoomed', 1), 0);
    const pulled = await pullMessage(admin, broker.address, { group, topic: 'AdminDoomed', queueId: 1 });
    assert.equal(pulled.code, ResponseCode.TOPIC_NOT_EXIST);
    assert.equal((await queryConsumerOffset(admin, broker.address, group, 'AdminDoomed', 1, false)).code, ResponseCode.QUERY_NOT_FOUND);

    // Created again, the topic starts empty.
    assert.equal((await updateTopic('AdminDoomed', 2)).code, ResponseCode.SUCCESS);
    assert.equal((await pullMessage(admin, broker.address, { group, topic: 'AdminDoomed', queueId: 1 })).code, ResponseCode.PULL_NOT_FOUND);
    assert.equal(sendResult(await sendMessage(admin, broker.address, { topic: 'AdminDoomed', queueId: 1, body: 'new' })).queueOffset, 0);

    const system = await deleteTopic('TBW102');
    assert.equal(system.code, ResponseCode.INVALID_PARAMETER);
    assert.match(system.remark ?? '', /conflict with system topic/);
  });

  test('broker - registers with two name servers; each routes its topics', async () => {
    await createTopic(admin, broker.address, namesrvs[0]?.address ?? '', 'AdminTwoNamesrvs', 2);
    await heartbeat(admin, broker.address, heartbeatBody('127.0.0.1@two', [{ group: 'GID_admin_two', subscriptions: { AdminTwoNamesrvs: '*' } }]));
    for (const namesrv of namesrvs) {
      await routedQueues(namesrv, 'AdminTwoNamesrvs', broker.address, 2);
      await routedQueues(namesrv, '%RETRY%GID_admin_two', broker.address, 1);
    }
  });

  test('broker - after a restart on the same store dir every topic, message and max offset is still there', async () => {
    await createTopic(admin, broker.address, namesrvs[0]?.address ?? '', 'AdminKeep', 3);
    const perQueue = [3, 2, 1];
    const msgIds: string[] = [];
    for (const [queueId, count] of perQueue.entries()) {
      for (let index = 0; index < count; index++) {
        msgIds.push(sendResult(await sendMessage(admin, broker.address, { topic: 'AdminKeep', queueId, body: `keep-${queueId}-${index}`, properties: { TAGS: `Tag${index}` } })).msgId);
      }
    }
    sendResult(await sendMessage(admin, broker.address, { topic: 'AdminAutoKept', defaultTopicQueueNums: 2 }));
    const topicsBefore = await allTopicConfig();
    const recordsBefore: Buffer[] = [];
    for (let queueId = 0; queueId < 3; queueId++) recordsBefore.push((await pullMessage(admin, broker.address, { group: 'GID_keep', topic: 'AdminKeep', queueId })).body ?? Buffer.alloc(0));

    await broker.stop();
    broker = await startBroker({ namesrvAddr: namesrvAddr(), storeDir: broker.storeDir });

    const topicsAfter = await allTopicConfig();
    assert.deepEqual(topicsAfter.topicConfigTable, topicsBefore.topicConfigTable, 'every topic, with its config');
    assert.ok(topicsAfter.topicConfigTable['AdminAutoKept'] && topicsAfter.topicConfigTable['%RETRY%GID_admin_two'] && topicsAfter.topicConfigTable['AdminFifo']);
    assert.equal(topicsAfter.dataVersion.counter, topicsBefore.dataVersion.counter);
    for (const [queueId, count] of perQueue.entries()) {
      assert.equal(await queueOffset(admin, broker.address, RequestCode.GET_MAX_OFFSET, 'AdminKeep', queueId), count);
      const pulled = await pullMessage(admin, broker.address, { group: 'GID_keep', topic: 'AdminKeep', queueId });
      assert.ok(pulled.body?.equals(recordsBefore[queueId] as Buffer), `queue ${queueId}: the same records, byte for byte`);
      assert.equal(decodeRecords(pulled.body).length, count);
    }
    for (const msgId of msgIds) {
      const extFields = ViewMessageRequestHeader.encode({ offset: decodeOffsetMessageId(msgId).commitLogOffset });
      const viewed = await admin.invoke(broker.address, { code: RequestCode.VIEW_MESSAGE_BY_ID, extFields }, REQUEST_TIMEOUT_MS);
      assert.equal(viewed.code, ResponseCode.SUCCESS, `message ${msgId}`);
    }
    assert.equal(sendResult(await sendMessage(admin, broker.address, { topic: 'AdminKeep', queueId: 0 })).queueOffset, 3, 'offsets go on where they were');
    for (const namesrv of namesrvs) await routedQueues(namesrv, 'AdminKeep', broker.address, 3);
  });
});
