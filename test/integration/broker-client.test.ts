/**
 * broker-client.test.ts: client registration over TCP (ClientManageProcessor.java,
 * ConsumerManager.java): HEART_BEAT (34) with the body ali-ons sends, GET_CONSUMER_LIST_BY_GROUP (38),
 * NOTIFY_CONSUMER_IDS_CHANGED (40) from the broker to the group's consumers, UNREGISTER_CLIENT (35)
 * and closed connections.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  GetConsumerListByGroupRequestHeader,
  RemotingFlag,
  RequestCode,
  ResponseCode,
  UnregisterClientRequestHeader,
  decodeConsumerIdList,
  type RemotingCommand,
} from '../../src/protocol/index.js';
import { RemotingClient } from '../../src/remoting/index.js';
import { testLogger } from '../../src/log/index.js';
import { adminClient, createTopic, startBroker, startNamesrv, topicRoute, waitFor, type TestBroker, type TestNamesrv } from '../harness/cluster.js';
import { REQUEST_TIMEOUT_MS, heartbeat, heartbeatBody, updateConsumerOffset } from '../harness/broker-requests.js';

let namesrv: TestNamesrv;
let broker: TestBroker;
let admin: RemotingClient;
const clients: RemotingClient[] = [];

/** A client connection that records the requests the broker sends it (as ali-ons, it never answers). */
function listeningClient(): { client: RemotingClient; received: RemotingCommand[] } {
  const received: RemotingCommand[] = [];
  const client = new RemotingClient({
    logger: testLogger(),
    onRequest: (connection, request) => {
      received.push(request);
      connection.requestDone();
    },
  });
  clients.push(client);
  return { client, received };
}

async function consumerList(group: string): Promise<RemotingCommand> {
  const extFields = GetConsumerListByGroupRequestHeader.encode({ consumerGroup: group });
  return admin.invoke(broker.address, { code: RequestCode.GET_CONSUMER_LIST_BY_GROUP, extFields }, REQUEST_TIMEOUT_MS);
}

async function consumerIds(group: string): Promise<string[]> {
  const response = await consumerList(group);
  if (response.code === ResponseCode.SYSTEM_ERROR && /no consumer for this group/.test(response.remark ?? '')) return [];
  assert.equal(response.code, ResponseCode.SUCCESS, response.remark);
  return decodeConsumerIdList(response.body).sort();
}

async function register(client: RemotingClient, clientId: string, group: string, producerGroups: string[] = []): Promise<void> {
  const response = await heartbeat(client, broker.address, heartbeatBody(clientId, [{ group, subscriptions: { ClientTopic: 'TagA || TagB' } }], producerGroups));
  assert.equal(response.code, ResponseCode.SUCCESS, response.remark);
}

function notifications(received: readonly RemotingCommand[], group: string): RemotingCommand[] {
  return received.filter((request) => request.code === RequestCode.NOTIFY_CONSUMER_IDS_CHANGED && request.extFields['consumerGroup'] === group);
}

async function unregister(client: RemotingClient, clientID: string, groups: { consumerGroup?: string; producerGroup?: string }): Promise<void> {
  const extFields = UnregisterClientRequestHeader.encode({ clientID, ...groups });
  const response = await client.invoke(broker.address, { code: RequestCode.UNREGISTER_CLIENT, extFields }, REQUEST_TIMEOUT_MS);
  assert.equal(response.code, ResponseCode.SUCCESS, response.remark);
}

describe('broker clients', { timeout: 120_000 }, () => {
  before(async () => {
    admin = adminClient();
    namesrv = await startNamesrv();
    broker = await startBroker({ namesrvAddr: namesrv.address });
    await createTopic(admin, broker.address, namesrv.address, 'ClientTopic', 2);
  });

  after(async () => {
    for (const client of clients) await client.close();
    await admin.close();
    await broker.stop(true);
    await namesrv.stop();
  });

  test('broker - a heartbeat creates the subscription group and its %RETRY% topic, which the name server then routes', async () => {
    const group = 'GID_client_new';
    assert.equal(await topicRoute(admin, namesrv.address, `%RETRY%${group}`), undefined);
    const before = await updateConsumerOffset(admin, broker.address, group, 'ClientTopic', 0, 1);
    assert.equal(before.code, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, 'no group before the heartbeat');

    const { client } = listeningClient();
    await register(client, '127.0.0.1@new', group, ['PID_client_new']);
    const route = await waitFor(() => topicRoute(admin, namesrv.address, `%RETRY%${group}`), 'route of the retry topic');
    assert.deepEqual(
      route.queueDatas.map(({ readQueueNums, writeQueueNums, perm }) => ({ readQueueNums, writeQueueNums, perm })),
      [{ readQueueNums: 1, writeQueueNums: 1, perm: 6 }],
    );
    assert.equal(route.brokerDatas[0]?.brokerAddrs['0'], broker.address);
    const after = await updateConsumerOffset(admin, broker.address, group, 'ClientTopic', 0, 1);
    assert.equal(after.code, ResponseCode.SUCCESS, 'the group exists now');
    assert.deepEqual(await consumerIds(group), ['127.0.0.1@new']);
  });

  test('broker - GET_CONSUMER_LIST_BY_GROUP lists the client ids; SYSTEM_ERROR "no consumer for this group" when empty', async () => {
    const group = 'GID_client_list';
    const empty = await consumerList(group);
    assert.equal(empty.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(empty.remark, `no consumer for this group, ${group}`);
    await register(listeningClient().client, '10.0.0.2@222', group);
    await register(listeningClient().client, '10.0.0.1@111', group);
    assert.deepEqual(await consumerIds(group), ['10.0.0.1@111', '10.0.0.2@222']);
  });

  test('broker - a second consumer of a group makes the broker send NOTIFY_CONSUMER_IDS_CHANGED to the first', async () => {
    const group = 'GID_client_notify';
    const first = listeningClient();
    await register(first.client, '127.0.0.1@first', group);
    const before = notifications(first.received, group).length;

    const second = listeningClient();
    await register(second.client, '127.0.0.1@second', group);
    const notice = await waitFor(() => notifications(first.received, group)[before], 'a notification to the first consumer');
    assert.equal(notice.flag & RemotingFlag.ONEWAY, RemotingFlag.ONEWAY, 'sent oneway: the broker waits for no answer');
    assert.equal(notice.flag & RemotingFlag.RESPONSE, 0);
    assert.deepEqual(await consumerIds(group), ['127.0.0.1@first', '127.0.0.1@second']);

    // The second consumer leaves: the first hears of it again.
    const count = notifications(first.received, group).length;
    await unregister(second.client, '127.0.0.1@second', { consumerGroup: group });
    await waitFor(() => notifications(first.received, group).length > count, 'a notification after UNREGISTER_CLIENT');
    assert.deepEqual(await consumerIds(group), ['127.0.0.1@first']);
  });

  test('broker - UNREGISTER_CLIENT removes the client; a closed connection removes it too', async () => {
    const group = 'GID_client_leave';
    const staying = listeningClient();
    const leaving = listeningClient();
    const closing = listeningClient();
    await register(staying.client, '127.0.0.1@staying', group);
    await register(leaving.client, '127.0.0.1@leaving', group, ['PID_client_leave']);
    await register(closing.client, '127.0.0.1@closing', group);
    assert.deepEqual(await consumerIds(group), ['127.0.0.1@closing', '127.0.0.1@leaving', '127.0.0.1@staying']);
    assert.equal(broker.broker.ctx.producers.channels('PID_client_leave').length, 1);

    await unregister(leaving.client, '127.0.0.1@leaving', { consumerGroup: group });
    await unregister(leaving.client, '127.0.0.1@leaving', { producerGroup: 'PID_client_leave' });
    assert.deepEqual(await consumerIds(group), ['127.0.0.1@closing', '127.0.0.1@staying']);
    assert.equal(broker.broker.ctx.producers.channels('PID_client_leave').length, 0);

    const count = notifications(staying.received, group).length;
    await closing.client.close();
    await waitFor(async () => (await consumerIds(group)).length === 1, 'the closed consumer to go');
    assert.deepEqual(await consumerIds(group), ['127.0.0.1@staying']);
    await waitFor(() => notifications(staying.received, group).length > count, 'a notification after the close');

    await staying.client.close();
    await waitFor(async () => (await consumerIds(group)).length === 0, 'the group to empty');
    const none = await consumerList(group);
    assert.equal(none.code, ResponseCode.SYSTEM_ERROR);
    assert.match(none.remark ?? '', /no consumer for this group/);
  });

  test('broker - a bad heartbeat body is SYSTEM_ERROR; nothing is registered and the connection stays usable', async () => {
    const group = 'GID_client_bad';
    const { client } = listeningClient();
    const bad: (Buffer | undefined)[] = [
      Buffer.from('this is not json'),
      Buffer.from(JSON.stringify({ consumerDataSet: [{ groupName: group }], producerDataSet: [] })),
      Buffer.from(JSON.stringify({ clientID: 'x@1', consumerDataSet: [{ groupName: group, messageModel: 'SIDEWAYS' }] })),
      Buffer.from(JSON.stringify({ clientID: 'x@1', consumerDataSet: [{ groupName: group, subscriptionDataSet: [{ subString: '*' }] }] })),
      undefined,
    ];
    for (const body of bad) {
      const response = await client.invoke(broker.address, { code: RequestCode.HEART_BEAT, extFields: {}, body }, REQUEST_TIMEOUT_MS);
      assert.equal(response.code, ResponseCode.SYSTEM_ERROR, `${body?.toString() ?? 'no body'}: ${response.remark ?? ''}`);
      assert.ok((response.remark ?? '').length > 0);
    }
    assert.deepEqual(await consumerIds(group), []);
    assert.equal(await topicRoute(admin, namesrv.address, `%RETRY%${group}`), undefined);
    await register(client, '127.0.0.1@bad-then-good', group);
    assert.deepEqual(await consumerIds(group), ['127.0.0.1@bad-then-good']);
  });
});
