/**
 * broker-admin-groups.test.ts: the broker's consumer-group admin requests over TCP with requests
 * built by hand: subscription groups (200, 225, 201, 352, 207), consume stats (208, 317),
 * connections (203, 204), offset resets (222), clones (314), and calls relayed to clients (223,
 * 307): answers, Java's remarks for bad input, and a broker that keeps serving after them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CloneGroupOffsetRequestHeader,
  decodeConsumeStats,
  decodeConsumeStatsList,
  decodeSubscriptionGroupConfigBody,
  decodeSubscriptionGroupWrapper,
  DeleteSubscriptionGroupRequestHeader,
  encodeSubscriptionGroupConfig,
  encodeSubscriptionGroupList,
  GetConsumeStatsInBrokerHeader,
  GetConsumeStatsRequestHeader,
  GetConsumerConnectionListRequestHeader,
  GetConsumerRunningInfoRequestHeader,
  GetConsumerStatusRequestHeader,
  GetProducerConnectionListRequestHeader,
  GetSubscriptionGroupConfigRequestHeader,
  newSubscriptionGroupConfig,
  RequestCode,
  ResetOffsetRequestHeader,
  ResponseCode,
  type ExtFields,
} from '../../src/protocol/index.js';
import type { RemotingClient } from '../../src/remoting/index.js';
import { queryConsumerOffset, sendMessage, updateConsumerOffset } from '../harness/broker-requests.js';
import { adminClient, createTopic, startBroker, startNamesrv, type TestBroker, type TestNamesrv } from '../harness/cluster.js';

let namesrv: TestNamesrv;
let broker: TestBroker;
let admin: RemotingClient;

function request(code: number, extFields?: ExtFields, body?: Buffer) {
  return admin.invoke(broker.address, { code, ...(extFields ? { extFields } : {}), ...(body ? { body } : {}) }, 5000);
}

describe('broker admin: consumer groups and offsets', { timeout: 60_000 }, () => {
  before(async () => {
    admin = adminClient();
    namesrv = await startNamesrv();
    broker = await startBroker({ namesrvAddr: namesrv.address });
    await createTopic(admin, broker.address, namesrv.address, 'AdminGroupTopic', 2);
    for (let index = 0; index < 5; index++) await sendMessage(admin, broker.address, { topic: 'AdminGroupTopic', queueId: index % 2, body: `m${index}` });
  });

  after(async () => {
    await admin.close();
    await broker.stop(true);
    await namesrv.stop();
  });

  test('broker-admin - subscription groups: create, list, read, delete; bad names and bodies are refused', async () => {
    const config = newSubscriptionGroupConfig('GID_admin_a', { retryMaxTimes: 2, attributes: { '+k': 'v' } });
    assert.equal((await request(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, undefined, encodeSubscriptionGroupConfig(config))).code, ResponseCode.SUCCESS);
    const read = await request(RequestCode.GET_SUBSCRIPTIONGROUP_CONFIG, GetSubscriptionGroupConfigRequestHeader.encode({ group: 'GID_admin_a' }));
    assert.equal(read.code, ResponseCode.SUCCESS);
    const decoded = decodeSubscriptionGroupConfigBody(read.body);
    assert.equal(decoded.retryMaxTimes, 2);
    assert.deepEqual(decoded.attributes, { k: 'v' });

    const list = encodeSubscriptionGroupList([newSubscriptionGroupConfig('GID_admin_b'), newSubscriptionGroupConfig('GID_admin_c')]);
    assert.equal((await request(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST, undefined, list)).code, ResponseCode.SUCCESS);
    const all = await request(RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG);
    const groups = decodeSubscriptionGroupWrapper(all.body);
    for (const name of ['GID_admin_a', 'GID_admin_b', 'GID_admin_c', 'TOOLS_CONSUMER']) assert.ok(groups.has(name), name);
    assert.equal(all.extFields['totalGroupNum'], String(groups.size));

    assert.equal((await request(RequestCode.DELETE_SUBSCRIPTIONGROUP, DeleteSubscriptionGroupRequestHeader.encode({ groupName: 'GID_admin_b', cleanOffset: true }))).code, ResponseCode.SUCCESS);
    const gone = await request(RequestCode.GET_SUBSCRIPTIONGROUP_CONFIG, GetSubscriptionGroupConfigRequestHeader.encode({ group: 'GID_admin_b' }));
    assert.equal(gone.code, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST);
    assert.equal(gone.remark, 'No group in this broker');

    const badName = await request(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, undefined, encodeSubscriptionGroupConfig(newSubscriptionGroupConfig('a/b')));
    assert.equal(badName.code, ResponseCode.INVALID_PARAMETER);
    assert.match(badName.remark ?? '', /contains illegal characters/);
    const badList = await request(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST, undefined, encodeSubscriptionGroupList([newSubscriptionGroupConfig('GID_ok'), newSubscriptionGroupConfig('')]));
    assert.equal(badList.code, ResponseCode.INVALID_PARAMETER);
    assert.equal(badList.remark, 'The specified group is blank.');
    const garbage = await request(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, undefined, Buffer.from('{not json'));
    assert.equal(garbage.code, ResponseCode.SYSTEM_ERROR);
    const noBody = await request(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP);
    assert.equal(noBody.code, ResponseCode.SYSTEM_ERROR);
    assert.equal((await request(RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG)).code, ResponseCode.SUCCESS, 'still serving');
  });

  test('broker-admin - GET_CONSUME_STATS and GET_BROKER_CONSUME_STATS report max offset, committed offset and diff', async () => {
    await request(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, undefined, encodeSubscriptionGroupConfig(newSubscriptionGroupConfig('GID_stats')));
    assert.equal((await updateConsumerOffset(admin, broker.address, 'GID_stats', 'AdminGroupTopic', 0, 1)).code, ResponseCode.SUCCESS);
    const stats = decodeConsumeStats((await request(RequestCode.GET_CONSUME_STATS, GetConsumeStatsRequestHeader.encode({ consumerGroup: 'GID_stats' }))).body);
    const byQueue = new Map(stats.offsetTable.map(({ queue, offset }) => [queue.queueId, offset]));
    assert.deepEqual([byQueue.get(0)?.brokerOffset, byQueue.get(0)?.consumerOffset, byQueue.get(1)?.brokerOffset, byQueue.get(1)?.consumerOffset], [3, 1, 2, 0]);
    assert.ok((byQueue.get(0)?.lastTimestamp ?? 0) > 0, 'the store time of the last consumed message');
    assert.equal(byQueue.get(1)?.lastTimestamp, 0);
    const list = decodeConsumeStatsList((await request(RequestCode.GET_BROKER_CONSUME_STATS, GetConsumeStatsInBrokerHeader.encode({ isOrder: false }))).body);
    assert.equal(list.brokerAddr, broker.address);
    assert.equal(list.consumeStatsList.find(({ group }) => group === 'GID_stats')?.stats[0]?.offsetTable.length, 2);
    assert.ok(list.totalDiff >= 4);
    const ordered = decodeConsumeStatsList((await request(RequestCode.GET_BROKER_CONSUME_STATS, GetConsumeStatsInBrokerHeader.encode({ isOrder: true }))).body);
    assert.equal(ordered.consumeStatsList.find(({ group }) => group === 'GID_stats')?.stats.length, 0, 'AdminGroupTopic is not ordered');
  });

  test('broker-admin - offline groups: connections, resets, relayed calls and clones answer as Java', async () => {
    const connection = await request(RequestCode.GET_CONSUMER_CONNECTION_LIST, GetConsumerConnectionListRequestHeader.encode({ consumerGroup: 'GID_stats' }));
    assert.equal(connection.code, ResponseCode.CONSUMER_NOT_ONLINE);
    assert.equal(connection.remark, 'the consumer group[GID_stats] not online');
    const producers = await request(RequestCode.GET_PRODUCER_CONNECTION_LIST, GetProducerConnectionListRequestHeader.encode({ producerGroup: 'PID_none' }));
    assert.equal(producers.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(producers.remark, 'the producer group[PID_none] not exist');

    const reset = (fields: Partial<ResetOffsetRequestHeader>) =>
      request(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, ResetOffsetRequestHeader.encode({ group: 'GID_stats', topic: 'AdminGroupTopic', timestamp: 0, isForce: true, ...fields }));
    assert.equal((await reset({ topic: 'NoSuchTopic' })).code, ResponseCode.TOPIC_NOT_EXIST);
    const neverConsumed = await reset({ group: 'GID_never' });
    assert.equal(neverConsumed.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(neverConsumed.remark, 'THe consumer group <GID_never> not exist');
    await updateConsumerOffset(admin, broker.address, 'GID_stats', 'AdminGroupTopic', 1, 2);
    const offline = await reset({});
    assert.equal(offline.code, ResponseCode.CONSUMER_NOT_ONLINE);
    assert.match(offline.remark ?? '', /^Consumer not online, so can not reset offset, Group: GID_stats Topic: AdminGroupTopic Timestamp: 0$/);
    const outOfRange = await reset({ queueId: 0, offset: 99 });
    assert.equal(outOfRange.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(outOfRange.remark, 'Target offset 99 not in consume queue range [0-3]');

    const status = await request(RequestCode.INVOKE_BROKER_TO_GET_CONSUMER_STATUS, GetConsumerStatusRequestHeader.encode({ topic: 'AdminGroupTopic', group: 'GID_stats' }));
    assert.equal(status.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(status.remark, 'No Any Consumer online in the consumer group: [GID_stats]');
    const running = await request(RequestCode.GET_CONSUMER_RUNNING_INFO, GetConsumerRunningInfoRequestHeader.encode({ consumerGroup: 'GID_stats', clientId: 'x@y' }));
    assert.equal(running.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(running.remark, 'The Consumer <GID_stats> <x@y> not online');

    const clone = await request(RequestCode.CLONE_GROUP_OFFSET, CloneGroupOffsetRequestHeader.encode({ srcGroup: 'GID_stats', destGroup: 'GID_clone', topic: 'AdminGroupTopic', offline: false }));
    assert.equal(clone.code, ResponseCode.SUCCESS);
    for (const [queueId, expected] of [[0, 1], [1, 2]] as const) {
      const answer = await queryConsumerOffset(admin, broker.address, 'GID_clone', 'AdminGroupTopic', queueId);
      assert.equal(answer.extFields['offset'], String(expected));
    }
  });
});
