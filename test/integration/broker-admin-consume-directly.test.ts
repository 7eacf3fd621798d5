/**
 * broker-admin-consume-directly.test.ts: CONSUME_MESSAGE_DIRECTLY (309) over TCP against a broker
 * started here: Java's remark for a client that is not online, and a clear SYSTEM_ERROR (the
 * broker still serving) for a missing, malformed or unknown msgId.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createOffsetMessageId } from '../../src/message/index.js';
import { ConsumeMessageDirectlyResultRequestHeader, RequestCode, ResponseCode } from '../../src/protocol/index.js';
import type { RemotingClient } from '../../src/remoting/index.js';
import { heartbeat, heartbeatBody, REQUEST_TIMEOUT_MS, sendMessage, sendResult } from '../harness/broker-requests.js';
import { adminClient, createTopic, startBroker, startNamesrv, type TestBroker, type TestNamesrv } from '../harness/cluster.js';

let namesrv: TestNamesrv;
let broker: TestBroker;
let admin: RemotingClient;

function consumeDirectly(fields: Parameters<typeof ConsumeMessageDirectlyResultRequestHeader.encode>[0]) {
  return admin.invoke(broker.address, { code: RequestCode.CONSUME_MESSAGE_DIRECTLY, extFields: ConsumeMessageDirectlyResultRequestHeader.encode(fields) }, REQUEST_TIMEOUT_MS);
}

describe('broker CONSUME_MESSAGE_DIRECTLY', { timeout: 120_000 }, () => {
  before(async () => {
    admin = adminClient();
    namesrv = await startNamesrv();
    broker = await startBroker({ namesrvAddr: namesrv.address });
    await createTopic(admin, broker.address, namesrv.address, 'DirectBrokerTopic', 1);
  });

  after(async () => {
    await admin.close();
    await broker.stop(true);
    await namesrv.stop();
  });

  test('broker consume directly - a client that is not online gets Java\'s remark', async () => {
    const sent = sendResult(await sendMessage(admin, broker.address, { topic: 'DirectBrokerTopic', body: 'direct' }));
    const response = await consumeDirectly({ consumerGroup: 'GID_direct_offline', clientId: '127.0.0.1@nobody', topic: 'DirectBrokerTopic', msgId: sent.msgId });
    assert.equal(response.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(response.remark, 'The Consumer <GID_direct_offline> <127.0.0.1@nobody> not online');
  });

  test('broker consume directly - another client of an online group is still not online', async () => {
    const body = heartbeatBody('127.0.0.1@online', [{ group: 'GID_direct_other', subscriptions: { DirectBrokerTopic: '*' } }]);
    assert.equal((await heartbeat(admin, broker.address, body)).code, ResponseCode.SUCCESS);
    const sent = sendResult(await sendMessage(admin, broker.address, { topic: 'DirectBrokerTopic', body: 'direct' }));
    const response = await consumeDirectly({ consumerGroup: 'GID_direct_other', clientId: '127.0.0.1@someone-else', topic: 'DirectBrokerTopic', msgId: sent.msgId });
    assert.equal(response.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(response.remark, 'The Consumer <GID_direct_other> <127.0.0.1@someone-else> not online');
  });

  test('broker consume directly - a missing, malformed or unknown msgId is a SYSTEM_ERROR and the broker keeps serving', async () => {
    const missing = await consumeDirectly({ consumerGroup: 'G', clientId: 'c', topic: 'DirectBrokerTopic' });
    assert.equal(missing.code, ResponseCode.SYSTEM_ERROR);
    assert.match(missing.remark ?? '', /no msgId/);
    const malformed = await consumeDirectly({ consumerGroup: 'G', clientId: 'c', topic: 'DirectBrokerTopic', msgId: 'not-an-id' });
    assert.equal(malformed.code, ResponseCode.SYSTEM_ERROR);
    assert.match(malformed.remark ?? '', /is not an offset message id/);
    const unknown = createOffsetMessageId(Buffer.from([127, 0, 0, 1, 0, 0, 0x27, 0x11]), 1024 * 1024 * 1024);
    const notFound = await consumeDirectly({ consumerGroup: 'G', clientId: 'c', topic: 'DirectBrokerTopic', msgId: unknown });
    assert.equal(notFound.code, ResponseCode.SYSTEM_ERROR);
    assert.match(notFound.remark ?? '', /can not find message by the offset, 1073741824/);
    const noGroup = await admin.invoke(broker.address, { code: RequestCode.CONSUME_MESSAGE_DIRECTLY, extFields: {} }, REQUEST_TIMEOUT_MS);
    assert.notEqual(noGroup.code, ResponseCode.SUCCESS);
    assert.ok(sendResult(await sendMessage(admin, broker.address, { topic: 'DirectBrokerTopic' })).msgId.length > 0);
  });
});
