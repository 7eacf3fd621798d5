/**
 * broker-admin-cluster.test.ts: the broker's cluster and broker admin requests over TCP
 * (GET_BROKER_RUNTIME_INFO 28, GET/UPDATE_BROKER_CONFIG 26/25, VIEW_BROKER_STATS_DATA 315,
 * QUERY_TOPIC_CONSUME_BY_WHO 300): bodies, figures and refusals as a Java admin sees them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  decodeBrokerStatsData,
  decodeGroupList,
  decodeKVTable,
  GetBrokerConfigResponseHeader,
  QueryTopicConsumeByWhoRequestHeader,
  RequestCode,
  ViewBrokerStatsDataRequestHeader,
} from '../../src/protocol/index.js';
import type { RemotingClient } from '../../src/remoting/index.js';
import { adminClient, createTopic, startBroker, startNamesrv, type TestBroker, type TestNamesrv } from '../harness/cluster.js';
import { heartbeat, heartbeatBody, pullMessage, sendMessage, sendResult, updateConsumerOffset } from '../harness/broker-requests.js';

const TOPIC = 'AdminStatsTopic';
let namesrv: TestNamesrv;
let broker: TestBroker;
let client: RemotingClient;

function call(code: number, extFields?: Record<string, string>, body?: Buffer) {
  return client.invoke(broker.address, { code, ...(extFields ? { extFields } : {}), ...(body ? { body } : {}) }, 5000);
}

function viewStats(statsName: string, statsKey: string) {
  return call(RequestCode.VIEW_BROKER_STATS_DATA, ViewBrokerStatsDataRequestHeader.encode({ statsName, statsKey }));
}

describe('broker cluster admin requests', { timeout: 120_000 }, () => {
  before(async () => {
    client = adminClient();
    namesrv = await startNamesrv();
    broker = await startBroker({ namesrvAddr: namesrv.address });
    await createTopic(client, broker.address, namesrv.address, TOPIC, 1);
    for (let index = 0; index < 4; index++) sendResult(await sendMessage(client, broker.address, { topic: TOPIC }));
    assert.equal((await pullMessage(client, broker.address, { group: 'StatsGroup', topic: TOPIC })).code, 0);
  });

  after(async () => {
    await client.close();
    await broker.stop(true);
    await namesrv.stop();
  });

  test('VIEW_BROKER_STATS_DATA - puts per topic and gets per topic@group, sampled; an unknown item is Java\'s SYSTEM_ERROR', async () => {
    broker.broker.ctx.stats.tick(Date.now() + 10_000);
    const put = await viewStats('TOPIC_PUT_NUMS', TOPIC);
    assert.equal(put.code, 0, put.remark);
    const putData = decodeBrokerStatsData(put.body);
    assert.equal(putData.statsMinute.sum, 4);
    assert.ok(putData.statsMinute.tps > 0);
    const got = decodeBrokerStatsData((await viewStats('GROUP_GET_NUMS', `${TOPIC}@StatsGroup`)).body);
    assert.equal(got.statsMinute.sum, 4);
    const missing = await viewStats('TOPIC_PUT_NUMS', 'NoSuchTopic');
    assert.equal(missing.code, 1);
    assert.equal(missing.remark, 'The stats <TOPIC_PUT_NUMS> <NoSuchTopic> not exist');
    const noHeader = await call(RequestCode.VIEW_BROKER_STATS_DATA);
    assert.equal(noHeader.code, 1);
  });

  test('QUERY_TOPIC_CONSUME_BY_WHO - online subscribers and groups with offsets', async () => {
    const body = heartbeatBody('admin-client@1', [{ group: 'OnlineGroup', subscriptions: { [TOPIC]: '*' } }]);
    assert.equal((await heartbeat(client, broker.address, body)).code, 0);
    assert.equal((await updateConsumerOffset(client, broker.address, 'StatsGroup', TOPIC, 0, 2)).code, 0);
    const answer = await call(RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, QueryTopicConsumeByWhoRequestHeader.encode({ topic: TOPIC }));
    assert.equal(answer.code, 0, answer.remark);
    assert.deepEqual(decodeGroupList(answer.body), ['OnlineGroup', 'StatsGroup']);
    const none = await call(RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, QueryTopicConsumeByWhoRequestHeader.encode({ topic: 'Other' }));
    assert.deepEqual(decodeGroupList(none.body), []);
  });

  test('GET_BROKER_RUNTIME_INFO - a KVTable with the measured counts and the store offsets', async () => {
    const answer = await call(RequestCode.GET_BROKER_RUNTIME_INFO);
    assert.equal(answer.code, 0);
    const table = decodeKVTable(answer.body);
    assert.equal(table['msgPutTotalTodayNow'], '4');
    assert.equal(table['msgGetTotalTodayNow'], '4');
    assert.equal(table['commitLogMaxOffset'], String(broker.broker.ctx.store.maxPhyOffset));
    assert.equal(table['brokerActive'], 'true');
    assert.match(table['commitLogDirCapacity'] ?? '', /^Total : [\d.]+ [KMGTPE]iB, Free : [\d.]+ [KMGTPE]iB\.$/);
  });

  test('GET_BROKER_CONFIG and UPDATE_BROKER_CONFIG - version header, properties body, all-or-nothing updates', async () => {
    const before = await call(RequestCode.GET_BROKER_CONFIG);
    const version = JSON.parse(GetBrokerConfigResponseHeader.decode(before.extFields).version) as { counter: number };
    assert.match(before.body?.toString() ?? '', /^brokerClusterName=DefaultCluster$/m);
    assert.equal((await call(RequestCode.UPDATE_BROKER_CONFIG)).code, 0, 'no body: nothing to change');
    const mixed = await call(RequestCode.UPDATE_BROKER_CONFIG, undefined, Buffer.from('regionId=Mars\nlistenPort=1\n'));
    assert.equal(mixed.code, 29);
    assert.equal(broker.broker.ctx.config.regionId, 'DefaultRegion', 'a refused update changes nothing');
    const garbage = await call(RequestCode.UPDATE_BROKER_CONFIG, undefined, Buffer.from('no separator here\n'));
    assert.equal(garbage.code, 1);
    assert.match(garbage.remark ?? '', /^string2Properties error/);
    assert.equal((await call(RequestCode.UPDATE_BROKER_CONFIG, undefined, Buffer.from('regionId=Mars\n'))).code, 0);
    const sent = await sendMessage(client, broker.address, { topic: TOPIC });
    assert.equal(sent.extFields['MSG_REGION'], 'Mars');
    const afterUpdate = await call(RequestCode.GET_BROKER_CONFIG);
    const next = JSON.parse(GetBrokerConfigResponseHeader.decode(afterUpdate.extFields).version) as { counter: number };
    assert.equal(next.counter, version.counter + 1);
  });
});
