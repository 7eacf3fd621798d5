/**
 * broker-admin-topic.test.ts: the topic admin requests over TCP, as a Java tool sends them:
 * GET_TOPIC_STATS_INFO (202), UPDATE_AND_CREATE_TOPIC_LIST (18), CLEAN_UNUSED_TOPIC (316) on the
 * broker and UPDATE_NAMESRV_CONFIG (318) on the name server; bad input gets an error answer and
 * the servers keep serving.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  GetTopicStatsInfoRequestHeader,
  RequestCode,
  ResponseCode,
  decodeTopicStatsTable,
  encodeCreateTopicList,
  encodePropertiesText,
  type RemotingCommand,
  type TopicConfig,
} from '../../src/protocol/index.js';
import type { RemotingClient } from '../../src/remoting/index.js';
import { REQUEST_TIMEOUT_MS, sendMessage, sendResult } from '../harness/broker-requests.js';
import { adminClient, createTopic, startBroker, startNamesrv, topicRoute, waitFor, type TestBroker, type TestNamesrv } from '../harness/cluster.js';

let namesrv: TestNamesrv;
let broker: TestBroker;
let admin: RemotingClient;

function topicStats(topic: string): Promise<RemotingCommand> {
  return admin.invoke(broker.address, { code: RequestCode.GET_TOPIC_STATS_INFO, extFields: GetTopicStatsInfoRequestHeader.encode({ topic }) }, REQUEST_TIMEOUT_MS);
}

function config(topicName: string, queueNums: number, extra: Partial<TopicConfig> = {}): TopicConfig {
  return { topicName, readQueueNums: queueNums, writeQueueNums: queueNums, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false, attributes: {}, ...extra };
}

describe('broker topic admin requests', { timeout: 120_000 }, () => {
  before(async () => {
    admin = adminClient();
    namesrv = await startNamesrv();
    broker = await startBroker({ namesrvAddr: namesrv.address });
  });

  after(async () => {
    await admin.close();
    await broker.stop(true);
    await namesrv.stop();
  });

  test('GET_TOPIC_STATS_INFO - every queue (max of read and write counts) with offsets, last store time and put TPS', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'StatsTopic', 3);
    const sent = [];
    for (let index = 0; index < 4; index++) sent.push(sendResult(await sendMessage(admin, broker.address, { topic: 'StatsTopic', queueId: 2, body: `b${index}` })));
    const response = await topicStats('StatsTopic');
    assert.equal(response.code, ResponseCode.SUCCESS, response.remark);
    const text = response.body?.toString() ?? '';
    assert.match(text, /^\{"offsetTable":\{\{"brokerName":"broker-a","queueId":0,"topic":"StatsTopic"\}:\{"lastUpdateTimestamp":0,"maxOffset":0,"minOffset":0\},/);
    const table = decodeTopicStatsTable(response.body);
    assert.deepEqual(table.offsetTable.map(({ queue }) => queue.queueId), [0, 1, 2]);
    const last = table.offsetTable[2]?.offset;
    assert.equal(last?.maxOffset, 4);
    assert.equal(last?.minOffset, 0);
    assert.equal(last?.lastUpdateTimestamp, await broker.broker.ctx.store.getMessageStoreTimestamp('StatsTopic', 2, 3));
    assert.ok(table.topicPutTps >= 0);
    const missing = await topicStats('NoSuchStatsTopic');
    assert.equal(missing.code, ResponseCode.TOPIC_NOT_EXIST);
    assert.equal(missing.remark, 'topic[NoSuchStatsTopic] not exist');
  });

  test('UPDATE_AND_CREATE_TOPIC_LIST - creates and registers every topic; a bad list changes nothing', async () => {
    const body = encodeCreateTopicList([config('ListOne', 2), config('ListTwo', 4, { attributes: { '+message.type': 'NORMAL' } })]);
    const response = await admin.invoke(broker.address, { code: RequestCode.UPDATE_AND_CREATE_TOPIC_LIST, body }, REQUEST_TIMEOUT_MS);
    assert.equal(response.code, ResponseCode.SUCCESS, response.remark);
    await waitFor(async () => (await topicRoute(admin, namesrv.address, 'ListTwo'))?.queueDatas[0]?.writeQueueNums === 4, 'route of ListTwo');
    assert.deepEqual(broker.broker.ctx.topics.get('ListTwo')?.attributes, { 'message.type': 'NORMAL' });
    const answers = await Promise.all([
      encodeCreateTopicList([config('ListThree', 1), config('TBW102', 1)]),
      encodeCreateTopicList([config('ListThree', 1, { attributes: { '+no.such': 'x' } })]),
      encodeCreateTopicList([config('ListThree', 70000)]),
      Buffer.from('{"topicConfigList":[{"topicName":7}]}'),
      Buffer.from('garbage'),
      undefined,
    ].map((bad) => admin.invoke(broker.address, { code: RequestCode.UPDATE_AND_CREATE_TOPIC_LIST, body: bad }, REQUEST_TIMEOUT_MS)));
    assert.deepEqual(answers.map((answer) => answer.code), [
      ResponseCode.INVALID_PARAMETER,
      ResponseCode.SYSTEM_ERROR,
      ResponseCode.INVALID_PARAMETER,
      ResponseCode.SYSTEM_ERROR,
      ResponseCode.SYSTEM_ERROR,
      ResponseCode.SYSTEM_ERROR,
    ]);
    assert.equal(answers[0]?.remark, 'The topic[TBW102] is conflict with system topic.');
    assert.equal(broker.broker.ctx.topics.get('ListThree'), undefined);
    assert.equal((await topicStats('ListOne')).code, ResponseCode.SUCCESS, 'the broker still serves');
  });

  test('CLEAN_UNUSED_TOPIC - keeps configured and system topics, drops queues without a config', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'CleanKeep', 1);
    await createTopic(admin, broker.address, namesrv.address, 'CleanDrop', 1);
    await sendMessage(admin, broker.address, { topic: 'CleanKeep', queueId: 0, body: 'k' });
    await sendMessage(admin, broker.address, { topic: 'CleanDrop', queueId: 0, body: 'd' });
    broker.broker.ctx.topics.delete('CleanDrop');
    const response = await admin.invoke(broker.address, { code: RequestCode.CLEAN_UNUSED_TOPIC }, REQUEST_TIMEOUT_MS);
    assert.equal(response.code, ResponseCode.SUCCESS);
    const topics = broker.broker.ctx.store.consumeQueueTopics();
    assert.ok(topics.includes('CleanKeep') && !topics.includes('CleanDrop'), topics.join(','));
  });

  test('UPDATE_NAMESRV_CONFIG - black-listed keys, bad values and unparsable bodies are refused', async () => {
    const update = (body: Buffer | undefined) => admin.invoke(namesrv.address, { code: RequestCode.UPDATE_NAMESRV_CONFIG, body }, REQUEST_TIMEOUT_MS);
    const black = await update(encodePropertiesText([['configStorePath', '/tmp/x']]));
    assert.deepEqual([black.code, black.remark], [ResponseCode.NO_PERMISSION, 'Can not update config in black list.']);
    const bad = await update(encodePropertiesText([['enableAllTopicList', 'maybe']]));
    assert.equal(bad.code, ResponseCode.INVALID_PARAMETER);
    const garbage = await update(Buffer.from('no separator here\n'));
    assert.deepEqual([garbage.code, garbage.remark], [ResponseCode.SYSTEM_ERROR, 'string2Properties error']);
    assert.equal((await update(undefined)).code, ResponseCode.SUCCESS, 'no body: nothing to change');
    assert.equal(namesrv.namesrv.config.enableAllTopicList, true);
    assert.equal((await admin.invoke(namesrv.address, { code: RequestCode.GET_NAMESRV_CONFIG }, REQUEST_TIMEOUT_MS)).code, ResponseCode.SUCCESS);
  });
});
