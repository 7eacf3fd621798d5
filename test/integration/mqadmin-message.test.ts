/**
 * mqadmin-message.test.ts: the message commands of `mqadmin` as child processes against a
 * NameServer + Broker started by the test: sendMessage, queryMsgByKey, queryMsgByUniqueKey,
 * queryMsgById (offset id and unique id, and -s true re-sending a dead letter to its topic),
 * printMsg; their output (Java's columns and labels) and their effect; usage on a bad flag.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { createOffsetMessageId, javaStringHashCode, type MessageRecord } from '../../src/message/index.js';
import { ResponseCode } from '../../src/protocol/index.js';
import type { RemotingClient } from '../../src/remoting/index.js';
import { heartbeat, heartbeatBody, recordProperties, sendMessage, sendResult, pullUntil as pullRecords } from '../harness/broker-requests.js';
import { adminClient, createTopic, startBroker, startNamesrv, waitFor, type TestBroker, type TestNamesrv } from '../harness/cluster.js';
import { runToEnd } from '../harness/process.js';
import { sendMsgBack } from '../harness/retry-requests.js';

let namesrv: TestNamesrv;
let broker: TestBroker;
let admin: RemotingClient;

function mqadmin(...args: string[]) {
  return runToEnd('mqadmin', [...args, '-n', namesrv.address], { ...process.env, NAMESRV_ADDR: '' });
}

async function ok(...args: string[]): Promise<string> {
  const result = await mqadmin(...args);
  assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** Every record of queue `queueId` of `topic` until there are `count`. */
function pullUntil(topic: string, count: number, queueId = 0): Promise<MessageRecord[]> {
  return pullRecords(admin, broker.address, { group: 'GID_mqadmin_reader', topic, count, queueId });
}

/** sendMessage's result line: broker name, queue id, status, msgId. */
function sendLine(stdout: string): { brokerName: string; queueId: number; status: string; msgId: string } {
  const lines = stdout.trimEnd().split('\n');
  assert.equal(lines[0], '#Broker Name                      #QID  #Send Result            #MsgId');
  const match = /^(\S+) +(\d+) +(\S+) +([0-9A-F]+)$/.exec(lines[1] ?? '');
  assert.ok(match, `a result line: ${lines[1]}`);
  return { brokerName: match[1] ?? '', queueId: Number(match[2]), status: match[3] ?? '', msgId: match[4] ?? '' };
}

describe('mqadmin message commands', { timeout: 180_000 }, () => {
  before(async () => {
    admin = adminClient();
    namesrv = await startNamesrv();
    broker = await startBroker({ namesrvAddr: namesrv.address, conf: { messageDelayLevel: '1s 1s 1s' } });
    await createTopic(admin, broker.address, namesrv.address, 'MsgTopic', 2);
    await createTopic(admin, broker.address, namesrv.address, 'PrintTopic', 1);
    await createTopic(admin, broker.address, namesrv.address, 'DeadTopic', 1);
    await createTopic(admin, broker.address, namesrv.address, 'PullTopic', 1);
  });

  after(async () => {
    await admin.close();
    await broker.stop(true);
    await namesrv.stop();
  });

  test('mqadmin-message - sendMessage sends; queryMsgByKey, queryMsgByUniqueKey and queryMsgById find it', async () => {
    const sent = sendLine(await ok('sendMessage', '-t', 'MsgTopic', '-p', 'hello admin', '-k', 'order-42', '-c', 'TagA', '-b', 'broker-a', '-i', '1'));
    assert.deepEqual({ brokerName: sent.brokerName, queueId: sent.queueId, status: sent.status }, { brokerName: 'broker-a', queueId: 1, status: 'SEND_OK' });
    const [record] = await pullUntil('MsgTopic', 1, 1);
    assert.ok(record);
    assert.equal(record.body.toString(), 'hello admin');
    assert.equal(recordProperties(record).get('UNIQ_KEY'), sent.msgId);

    const byKey = (await ok('queryMsgByKey', '-t', 'MsgTopic', '-k', 'order-42')).split('\n');
    assert.equal(byKey[0], `${'#Message ID'.padEnd(50)} #QID ${'#Offset'.padStart(40)}`);
    assert.equal(byKey[1], `${sent.msgId.padEnd(50)} ${'1'.padStart(4)} ${'0'.padStart(40)}`);
    assert.equal(byKey.length, 3, 'one message and the final newline');
    const none = await mqadmin('queryMsgByKey', '-t', 'MsgTopic', '-k', 'no-such-key');
    assert.equal(none.code, 1);
    assert.match(none.stderr, /^queryMsgByKey command failed: .*no message/);

    const unique = await ok('queryMsgByUniqueKey', '-t', 'MsgTopic', '-i', sent.msgId);
    assert.match(unique, /^Topic: {15}MsgTopic\nTags: {16}\[TagA\]\nKeys: {16}\[order-42\]\nQueue ID: {12}1\nQueue Offset: {8}0\n/);
    assert.match(unique, /\nMessage Body Path: {3}\/tmp\/rocketmq\/msgbodys\/[0-9A-F]+\n/);

    const offsetId = createOffsetMessageId(record.storeHost, record.commitLogOffset);
    for (const id of [offsetId, sent.msgId]) {
      const block = await ok('queryMsgById', '-t', 'MsgTopic', '-i', id, '-f', 'UTF-8');
      assert.match(block, new RegExp(`^OffsetID: {12}${offsetId}\nTopic: {15}MsgTopic\nTags: {16}\\[TagA\\]\nKeys: {16}\\[order-42\\]\n`));
      assert.match(block, new RegExp(`\nCommitLog Offset: {4}${record.commitLogOffset}\nReconsume Times: {5}0\n`));
      assert.match(block, /\nBorn Timestamp: {6}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\n/);
      assert.match(block, /\nStore Host: {10}127\.0\.0\.1:\d+\n/);
      assert.match(block, new RegExp(`\nProperties: {10}\\{.*UNIQ_KEY=${sent.msgId}.*\\}\n`));
      assert.match(block, /\nMessage Body: {8}hello admin\n/);
      const path = /\nMessage Body Path: +(\S+)\n/.exec(block)?.[1] ?? '';
      assert.equal((await readFile(path)).toString(), 'hello admin');
    }
    const missing = await mqadmin('queryMsgById', '-t', 'MsgTopic', '-i', 'NOSUCHID');
    assert.equal(missing.code, 1);
    assert.doesNotMatch(missing.stderr, /\n\s+at /);
  });

  test('mqadmin-message - printMsg prints every message of every queue, filtered by -s and a -b/-e time range', async () => {
    const first = sendResult(await sendMessage(admin, broker.address, { topic: 'PrintTopic', body: 'one', properties: { TAGS: 'TagA', KEYS: 'k1', UNIQ_KEY: 'AAAA0001' } }));
    await waitFor(async () => (await pullUntil('PrintTopic', 1)).length === 1, 'first stored');
    const between = Date.now() + 1;
    await waitFor(() => Date.now() > between + 1, 'the clock moved past the first message');
    sendResult(await sendMessage(admin, broker.address, { topic: 'PrintTopic', body: 'two', properties: { TAGS: 'TagB', UNIQ_KEY: 'AAAA0002' } }));
    await pullUntil('PrintTopic', 2);

    const all = (await ok('printMsg', '-t', 'PrintTopic')).split('\n');
    assert.equal(all[0], 'minOffset=0, maxOffset=2, MessageQueue [topic=PrintTopic, brokerName=broker-a, queueId=0]');
    assert.match(all[1] ?? '', new RegExp(`^MSGID: AAAA0001 MessageExt \\[brokerName=broker-a, queueId=0, storeSize=\\d+, queueOffset=0, sysFlag=0, bornTimestamp=\\d+, bornHost=/[\\d.]+:\\d+, storeTimestamp=\\d+, storeHost=/127\\.0\\.0\\.1:\\d+, msgId=${first.msgId}, commitLogOffset=\\d+, bodyCRC=\\d+, reconsumeTimes=0, preparedTransactionOffset=0, toString\\(\\)=Message\\{topic='PrintTopic', flag=0, properties=\\{.*\\}, body=\\[111, 110, 101\\], transactionId='null'\\}\\] BODY: one$`));
    assert.match(all[2] ?? '', /^MSGID: AAAA0002 .* BODY: two$/);
    assert.equal(all[3], '--------------------------------------------------------');

    const tagged = await ok('printMsg', '-t', 'PrintTopic', '-s', 'TagB', '-d', 'false');
    assert.doesNotMatch(tagged, /MSGID: AAAA0001/);
    assert.match(tagged, /^MSGID: AAAA0002 .* BODY: NOT PRINT BODY$/m);

    const late = await ok('printMsg', '-t', 'PrintTopic', '-b', String(between));
    assert.match(late, /^minOffset=1, maxOffset=2, /);
    assert.doesNotMatch(late, /AAAA0001/);
    const early = await ok('printMsg', '-t', 'PrintTopic', '-e', String(between));
    // As Java's: the range bounds where pulls start and stop, but a pull prints all it found.
    assert.match(early, /^minOffset=0, maxOffset=1, /);
    const badTime = await mqadmin('printMsg', '-t', 'PrintTopic', '-b', 'yesterday');
    assert.equal(badTime.code, 1);
    assert.match(badTime.stderr, /^printMsg command failed: option --beginTimestamp: "yesterday" is not ms or yyyy-MM-dd#HH:mm:ss:SSS\n$/);
  });

  test('mqadmin-message - queryMsgById -s true puts a dead letter back on its topic, where it is consumable', async () => {
    const group = 'GID_mqadmin_dead';
    const sent = sendResult(await sendMessage(admin, broker.address, { topic: 'DeadTopic', body: 'doomed', properties: { TAGS: 'TagD', UNIQ_KEY: 'DEAD0001' } }));
    const [original] = await pullUntil('DeadTopic', 1);
    assert.ok(original);
    const back = await sendMsgBack(admin, broker.address, { offset: original.commitLogOffset, group, delayLevel: -1, originMsgId: sent.msgId, originTopic: 'DeadTopic' });
    assert.equal(back.code, ResponseCode.SUCCESS, back.remark);
    const [dead] = await pullUntil(`%DLQ%${group}`, 1);
    assert.ok(dead);
    const deadId = createOffsetMessageId(dead.storeHost, dead.commitLogOffset);

    const out = (await ok('queryMsgById', '-t', `%DLQ%${group}`, '-i', deadId, '-s', 'true')).split('\n');
    assert.equal(out[0], `prepare resend msg. originalMsgId=${deadId}`);
    assert.match(out[1] ?? '', /^SendResult \[sendStatus=SEND_OK, msgId=DEAD0001, offsetMsgId=[0-9A-F]{32}, messageQueue=MessageQueue \[topic=DeadTopic, brokerName=broker-a, queueId=0\], queueOffset=1, recallHandle=null\]$/);
    const records = await pullUntil('DeadTopic', 2);
    assert.equal(records[1]?.body.toString(), 'doomed');
    assert.equal(records[1]?.reconsumeTimes, 0);

    const again = await ok('queryMsgById', '-t', 'DeadTopic', '-i', 'DEAD0001', '-s', 'true');
    assert.match(again, /^prepare resend msg\. originalMsgId=DEAD0001\nSendResult \[sendStatus=SEND_OK, msgId=DEAD0001, .*topic=DeadTopic/);
    assert.equal((await pullUntil('DeadTopic', 3))[2]?.body.toString(), 'doomed');

    // A retry copy (%RETRY%<group>) goes back to the topic it was retrying, without its retry bookkeeping.
    const retryGroup = 'GID_mqadmin_retry';
    const retrying = await sendMsgBack(admin, broker.address, { offset: original.commitLogOffset, group: retryGroup, delayLevel: 1, originMsgId: sent.msgId, originTopic: 'DeadTopic', maxReconsumeTimes: 16 });
    assert.equal(retrying.code, ResponseCode.SUCCESS, retrying.remark);
    const [retried] = await pullUntil(`%RETRY%${retryGroup}`, 1);
    assert.ok(retried);
    const retriedId = createOffsetMessageId(retried.storeHost, retried.commitLogOffset);
    const fromRetry = await ok('queryMsgById', '-t', `%RETRY%${retryGroup}`, '-i', retriedId, '-s', 'true');
    assert.match(fromRetry, /\nSendResult \[sendStatus=SEND_OK, msgId=DEAD0001, .*topic=DeadTopic, brokerName=broker-a, queueId=0\], queueOffset=3, /);
    const [, , , copy] = await pullUntil('DeadTopic', 4);
    assert.equal(copy?.body.toString(), 'doomed');
    assert.equal(recordProperties(copy as MessageRecord).has('RETRY_TOPIC'), false);
    assert.equal(recordProperties(copy as MessageRecord).has('DELAY'), false);
  });

  test('mqadmin-message - queryMsgByOffset, printMsgByQueue, consumeMessage and queryCq read a queue by offset', async () => {
    const a = sendResult(await sendMessage(admin, broker.address, { topic: 'PullTopic', body: 'first', properties: { TAGS: 'TagA', UNIQ_KEY: 'PULL0001' } }));
    sendResult(await sendMessage(admin, broker.address, { topic: 'PullTopic', body: 'second', properties: { TAGS: 'TagA', UNIQ_KEY: 'PULL0002' } }));
    sendResult(await sendMessage(admin, broker.address, { topic: 'PullTopic', body: 'third', properties: { TAGS: 'TagB', UNIQ_KEY: 'PULL0003' } }));
    const records = await pullUntil('PullTopic', 3);

    const byOffset = await ok('queryMsgByOffset', '-t', 'PullTopic', '-b', 'broker-a', '-i', '0', '-o', '1', '-f', 'UTF-8');
    assert.match(byOffset, new RegExp(`^OffsetID: {12}${createOffsetMessageId(records[1]?.storeHost ?? Buffer.alloc(8), records[1]?.commitLogOffset ?? 0)}\nTopic: {15}PullTopic\n`));
    assert.match(byOffset, /\nQueue Offset: {8}1\n[^]*\nMessage Body: {8}second\n/);
    assert.equal(await ok('queryMsgByOffset', '-t', 'PullTopic', '-b', 'broker-a', '-i', '0', '-o', '9'), '', 'nothing at an offset past the end');

    const byQueue = (await ok('printMsgByQueue', '-t', 'PullTopic', '-a', 'broker-a', '-i', '0', '-p', 'true', '-d', 'true', '-f', 'true')).split('\n');
    assert.match(byQueue[0] ?? '', /^MSGID: PULL0001 MessageExt \[brokerName=broker-a, queueId=0, .* BODY: first$/);
    assert.match(byQueue[2] ?? '', /^MSGID: PULL0003 .* BODY: third$/);
    assert.deepEqual(byQueue.slice(3), [`Tag: ${'TagA'.padEnd(30)} Count: 2`, `Tag: ${'TagB'.padEnd(30)} Count: 1`, '']);
    const counted = await ok('printMsgByQueue', '-t', 'PullTopic', '-a', 'broker-a', '-i', '0', '-f', 'true', '-s', 'TagB');
    assert.equal(counted, `Tag: ${'TagB'.padEnd(30)} Count: 1\n`, 'only the tag subscribed to; no message lines without -p');

    const all = (await ok('consumeMessage', '-t', 'PullTopic', '-c', '2')).split('\n');
    assert.equal(all[0], 'The older 2 message of the 0 queue will be provided');
    assert.equal(all[1], 'Consume ok');
    assert.match(all[2] ?? '', /^MSGID: PULL0001 .* BODY: first$/);
    assert.match(all[3] ?? '', /^MSGID: PULL0002 .* BODY: second$/);
    assert.doesNotMatch(all.join('\n'), /PULL0003/);
    const fromOffset = await ok('consumeMessage', '-t', 'PullTopic', '-b', 'broker-a', '-i', '0', '-o', '2');
    assert.match(fromOffset, /^Consume ok\nMSGID: PULL0003 .* BODY: third\nMessageQueue \[topic=PullTopic, brokerName=broker-a, queueId=0\] print msg finished\. status=NO_NEW_MSG, offset=3\n$/);
    assert.equal(await ok('consumeMessage', '-t', 'PullTopic', '-c', '0'), 'Please input a positive messageNumber!\n');

    const cq = await ok('queryCq', '-t', 'PullTopic', '-q', '0', '-i', '1', '-c', '5', '-g', 'GID_nobody');
    const tagA = javaStringHashCode('TagA');
    assert.ok(cq.startsWith('Filter data: \nGID_nobody@PullTopic is not online!\n======================================\nQueue data: \nmax: 3, min: 0\n======================================\n'), cq);
    assert.ok(cq.includes(`idx: 1\nConsumeQueueData{physicOffset=${records[1]?.commitLogOffset}, physicSize=${records[1]?.size}, tagsCode=${tagA}, extendDataJson='null', bitMap='null', eval=false, msg='null'}\n======================================\nidx: 2\n`), cq);
    assert.doesNotMatch(cq, /idx: 0|idx: 3/);
    const past = await ok('queryCq', '-t', 'PullTopic', '-q', '0', '-i', '7');
    assert.equal(past, 'Queue data: \nmax: 3, min: 0\n======================================\n', 'no entries past the end');
    const unknown = await mqadmin('queryCq', '-t', 'PullTopic', '-q', '5', '-i', '0');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^queryCq command failed: .*5@PullTopic is not exist!\n$/);
    assert.equal(records[0]?.commitLogOffset, Number(/physicOffset=(\d+)/.exec(await ok('queryCq', '-t', 'PullTopic', '-q', '0', '-i', '0', '-c', '1', '-b', broker.address))?.[1]));
    void a;
  });

  test('mqadmin-message - sendMsgStatus sends to the broker\'s topic; checkMsgSendRT sends round-robin and averages', async () => {
    const status = (await ok('sendMsgStatus', '-b', 'broker-a', '-c', '2', '-s', '30')).trimEnd().split('\n');
    assert.equal(status.length, 2);
    for (const line of status) assert.match(line, /^rt=\d+ms, SendResult=SendResult \[sendStatus=SEND_OK, msgId=[0-9A-F]+, offsetMsgId=[0-9A-F]{32}, messageQueue=MessageQueue \[topic=broker-a, brokerName=broker-a, queueId=0\], queueOffset=\d+, recallHandle=null\]$/);
    const rt = (await ok('checkMsgSendRT', '-t', 'MsgTopic', '-a', '3', '-s', '10')).trimEnd().split('\n');
    assert.equal(rt[0], '#Broker Name                      #QID  #Send Result            #RT');
    assert.deepEqual(rt.slice(1, 4).map((line) => /^(\S+) +(\d) +(\S+) +\d+$/.exec(line)?.slice(1)), [['broker-a', '0', 'true'], ['broker-a', '1', 'true'], ['broker-a', '0', 'true']]);
    assert.match(rt[4] ?? '', /^Avg RT: \d+\.\d\d$/);
    const records = await pullUntil('MsgTopic', 2, 0);
    assert.equal(records.filter((record) => record.body.toString() === 'a'.repeat(10)).length, 2, 'two of them on queue 0');
  });

  test('mqadmin-message - queryCq -g shows an online group\'s subscription; queryMsgById tracks the groups consuming the topic', async () => {
    await createTopic(admin, broker.address, namesrv.address, 'TrackTopic', 1);
    sendResult(await sendMessage(admin, broker.address, { topic: 'TrackTopic', body: 'tracked', properties: { TAGS: 'TagA', UNIQ_KEY: 'TRACK001' } }));
    await pullUntil('TrackTopic', 1);
    const untracked = await ok('queryMsgById', '-t', 'TrackTopic', '-i', 'TRACK001');
    assert.match(untracked, /\nMessage Body Path: +\S+\n\n\nWARN: No Consumer\n$/);

    const hb = await heartbeat(admin, broker.address, heartbeatBody('127.0.0.1@track', [{ group: 'GID_track', subscriptions: { TrackTopic: 'TagA' }, subVersion: 7 }]));
    assert.equal(hb.code, ResponseCode.SUCCESS, hb.remark);
    const cq = await ok('queryCq', '-t', 'TrackTopic', '-q', '0', '-i', '0', '-g', 'GID_track');
    const tagA = javaStringHashCode('TagA');
    assert.ok(
      cq.startsWith(`Subscription data: \n{\n\t"classFilterMode":false,\n\t"codeSet":[\n\t\t${tagA}\n\t],\n\t"expressionType":"TAG",\n\t"subString":"TagA",\n\t"subVersion":7,\n\t"tagsSet":[\n\t\t"TagA"\n\t],\n\t"topic":"TrackTopic"\n}\n======================================\nFilter data: \nnull\n======================================\nQueue data: \nmax: 1, min: 0\n`),
      cq,
    );
    // The group's retry topic reaches the name server with the broker's next registration.
    const tracked = await waitFor(async () => {
      const out = await ok('queryMsgById', '-t', 'TrackTopic', '-i', 'TRACK001');
      return /^MessageTrack \[consumerGroup=GID_track, trackType=NOT_CONSUME_YET, exceptionDesc=null\]$/m.test(out) ? out : undefined;
    }, 'a NOT_CONSUME_YET track of GID_track', 60_000, 500);
    assert.match(tracked, /\n\n\nMessageTrack \[consumerGroup=GID_track, /);
  });

  test('mqadmin-message - a bad flag or a missing option prints the usage and exits non-zero', async () => {
    for (const [command, args] of [
      ['queryMsgByKey', ['-t', 'MsgTopic', '-k', 'x', '-z']],
      ['queryMsgById', ['-t', 'MsgTopic', '-i', 'x', '-z']],
      ['queryMsgByUniqueKey', ['-t', 'MsgTopic', '-i', 'x', '-z']],
      ['sendMessage', ['-t', 'MsgTopic', '-p', 'x', '-z']],
      ['printMsg', ['-t', 'MsgTopic', '-z']],
      ['printMsgByQueue', ['-t', 'MsgTopic', '-a', 'broker-a', '-i', '0', '-z']],
      ['queryMsgByOffset', ['-t', 'MsgTopic', '-b', 'broker-a', '-i', '0', '-o', '0', '-z']],
      ['consumeMessage', ['-t', 'MsgTopic', '-z']],
      ['sendMsgStatus', ['-b', 'broker-a', '-z']],
      ['checkMsgSendRT', ['-t', 'MsgTopic', '-z']],
      ['queryCq', ['-t', 'MsgTopic', '-q', '0', '-i', '0', '-z']],
    ] as const) {
      const result = await mqadmin(command, ...args);
      assert.equal(result.code, 1, command);
      assert.match(result.stderr, new RegExp(`^Unrecognized option: -z\nusage: mqadmin ${command} `), command);
    }
    const missing = await mqadmin('sendMessage', '-t', 'MsgTopic');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^Missing required option: p\n/);
  });
});
