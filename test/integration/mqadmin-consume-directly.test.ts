/**
 * mqadmin-consume-directly.test.ts: queryMsgById and queryMsgByUniqueKey with -g <group>
 * -d <clientId> as child processes against a NameServer + Broker started here: the message is
 * pushed (CONSUME_MESSAGE_DIRECTLY, relayed by the broker) to a running SDK PushConsumer, whose
 * listener consumes it, and the command prints the ConsumeMessageDirectlyResult as Java's toString.
 * The consumer's own flow is untouched: no offset moves and nothing is sent back.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConsumeResult, Message, Producer, PushConsumer, type MessageExt } from '../../src/index.js';
import type { RemotingClient } from '../../src/remoting/index.js';
import { queryConsumerOffset, queueOffset } from '../harness/broker-requests.js';
import { FAST_CLIENT } from '../harness/client.js';
import { adminClient, createTopic, startBroker, startNamesrv, waitFor, type TestBroker, type TestNamesrv } from '../harness/cluster.js';
import { runToEnd } from '../harness/process.js';
import { RequestCode } from '../../src/protocol/index.js';

const RESULT = /^ConsumeMessageDirectlyResult \[order=(true|false), autoCommit=true, consumeResult=(\w+), remark=null, spentTimeMills=\d+\]$/m;

let namesrv: TestNamesrv;
let broker: TestBroker;
let admin: RemotingClient;
let producer: Producer;
const consumers: PushConsumer[] = [];

function mqadmin(...args: string[]) {
  return runToEnd('mqadmin', [...args, '-n', namesrv.address], { ...process.env, NAMESRV_ADDR: '' });
}

interface Listening {
  readonly consumer: PushConsumer;
  readonly received: MessageExt[];
  answer: ConsumeResult;
}

/** A push consumer of `topic` that records each message and answers `answer`. */
async function listening(group: string, topic: string, orderly: boolean): Promise<Listening> {
  const consumer = new PushConsumer({ ...FAST_CLIENT, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', rebalanceInterval: 1000, groupName: group, namesrvAddr: namesrv.address });
  consumers.push(consumer);
  const state: Listening = { consumer, received: [], answer: ConsumeResult.SUCCESS };
  consumer.subscribe(topic, '*');
  const listener = (messages: MessageExt[]): ConsumeResult => {
    state.received.push(...messages);
    return state.received.length === 1 ? ConsumeResult.SUCCESS : state.answer;
  };
  if (orderly) consumer.onMessageOrderly(listener);
  else consumer.onMessage(listener);
  await consumer.start();
  return state;
}

async function committed(group: string, topic: string): Promise<number> {
  const response = await queryConsumerOffset(admin, broker.address, group, topic, 0);
  return response.code === 0 ? Number(response.extFields['offset']) : -1;
}

describe('mqadmin consume message directly', { timeout: 180_000 }, () => {
  before(async () => {
    admin = adminClient();
    namesrv = await startNamesrv();
    broker = await startBroker({ namesrvAddr: namesrv.address });
    producer = new Producer({ ...FAST_CLIENT, groupName: 'PID_mqadmin_direct', namesrvAddr: namesrv.address });
    await producer.start();
  });

  after(async () => {
    await Promise.allSettled(consumers.map((consumer) => consumer.shutdown()));
    await producer.shutdown();
    await admin.close();
    await broker.stop(true);
    await namesrv.stop();
  });

  test('mqadmin queryMsgById -g -d - a running PushConsumer consumes the message: CR_SUCCESS, then CR_LATER when it says RECONSUME_LATER', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'DirectTopic', 1);
    const sent = await producer.send(new Message({ topic: 'DirectTopic', body: 'direct-body', tags: 'TagD' }));
    const state = await listening('GID_direct', 'DirectTopic', false);
    await waitFor(() => state.received.length === 1, 'the message consumed once by the consumer itself');
    await waitFor(async () => (await committed('GID_direct', 'DirectTopic')) === 1, 'the offset committed');
    const clientId = state.consumer.clientId;

    const success = await mqadmin('queryMsgById', '-t', 'DirectTopic', '-i', sent.offsetMsgId, '-g', 'GID_direct', '-d', clientId);
    assert.equal(success.code, 0, success.stderr);
    const [line, order, result] = RESULT.exec(success.stdout) ?? [];
    assert.ok(line !== undefined, success.stdout);
    assert.equal(order, 'false');
    assert.equal(result, 'CR_SUCCESS');
    assert.equal(state.received.length, 2);
    const direct = state.received[1];
    assert.equal(direct?.body.toString(), 'direct-body');
    assert.equal(direct?.topic, 'DirectTopic');
    assert.equal(direct?.tags, 'TagD');
    assert.equal(direct?.msgId, sent.msgId);

    state.answer = ConsumeResult.RECONSUME_LATER;
    const later = await mqadmin('queryMsgById', '-t', 'DirectTopic', '-i', sent.msgId, '-g', 'GID_direct', '-d', clientId);
    assert.equal(later.code, 0, later.stderr);
    assert.equal(RESULT.exec(later.stdout)?.[2], 'CR_LATER', later.stdout);
    assert.equal(state.received.length, 3);
    // Direct consumption neither sends the message back nor moves the group's offset.
    assert.equal(await committed('GID_direct', 'DirectTopic'), 1);
    const retry = await admin.invoke(broker.address, { code: RequestCode.GET_MAX_OFFSET, extFields: { topic: '%RETRY%GID_direct', queueId: '0' } }, 5000);
    assert.ok(retry.code !== 0 || Number(retry.extFields['offset']) === 0, `a retry message was stored: ${JSON.stringify(retry.extFields)}`);
    assert.equal(await queueOffset(admin, broker.address, RequestCode.GET_MAX_OFFSET, 'DirectTopic', 0), 1);
  });

  test('mqadmin queryMsgByUniqueKey -g -d - an orderly PushConsumer consumes the message: order=true, CR_SUCCESS then CR_LATER', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'DirectOrderlyTopic', 1);
    const sent = await producer.send(new Message({ topic: 'DirectOrderlyTopic', body: 'orderly-body' }));
    const state = await listening('GID_direct_orderly', 'DirectOrderlyTopic', true);
    await waitFor(() => state.received.length === 1, 'the message consumed once by the consumer itself');
    const clientId = state.consumer.clientId;

    const success = await mqadmin('queryMsgByUniqueKey', '-t', 'DirectOrderlyTopic', '-i', sent.msgId, '-g', 'GID_direct_orderly', '-d', clientId);
    assert.equal(success.code, 0, success.stderr);
    const [, order, result] = RESULT.exec(success.stdout) ?? [];
    assert.equal(order, 'true', success.stdout);
    assert.equal(result, 'CR_SUCCESS');
    assert.equal(state.received[1]?.body.toString(), 'orderly-body');

    state.answer = ConsumeResult.SUSPEND_CURRENT_QUEUE_A_MOMENT;
    const later = await mqadmin('queryMsgByUniqueKey', '-t', 'DirectOrderlyTopic', '-i', sent.msgId, '-g', 'GID_direct_orderly', '-d', clientId);
    assert.equal(later.code, 0, later.stderr);
    assert.equal(RESULT.exec(later.stdout)?.[2], 'CR_LATER', later.stdout);
    assert.equal(state.received.length, 3);
  });

  test('mqadmin queryMsgById -g -d - a client of the group that is not online: one line on stderr and exit 1; queryMsgByUniqueKey prints Java\'s lines', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'DirectGoneTopic', 1);
    const sent = await producer.send(new Message({ topic: 'DirectGoneTopic', body: 'nobody' }));
    // The group is online (its retry topic routed), the client named is not.
    const state = await listening('GID_direct_gone', 'DirectGoneTopic', false);
    await waitFor(() => state.received.length === 1, 'the message consumed once by the consumer itself');
    const byId = await mqadmin('queryMsgById', '-t', 'DirectGoneTopic', '-i', sent.offsetMsgId, '-g', 'GID_direct_gone', '-d', '127.0.0.1@gone');
    assert.equal(byId.code, 1);
    assert.match(byId.stderr, /The Consumer <GID_direct_gone> <127\.0\.0\.1@gone> not online/);
    assert.doesNotMatch(byId.stderr, /\n\s+at /);
    const byKey = await mqadmin('queryMsgByUniqueKey', '-t', 'DirectGoneTopic', '-i', sent.msgId, '-g', 'GID_direct_gone', '-d', '127.0.0.1@gone');
    assert.equal(byKey.code, 0, byKey.stderr);
    assert.equal(
      byKey.stdout,
      'get consumer runtime info for 127.0.0.1@gone client failed \nget consumer info failed or this 127.0.0.1@gone client is not push consumer, not support direct push \n',
    );
  });
});
