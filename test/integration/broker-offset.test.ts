/**
 * broker-offset.test.ts: consumer offsets (QUERY_CONSUMER_OFFSET 14, UPDATE_CONSUMER_OFFSET 15) and
 * queue offsets (GET_MAX_OFFSET 30, GET_MIN_OFFSET 31, GET_EARLIEST_MSG_STORETIME 32,
 * SEARCH_OFFSET_BY_TIMESTAMP 29) over TCP, and consumerOffset.json across a broker restart
 * (ConsumerManageProcessor.java, ConsumerOffsetManager.java).
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { MessageRecord } from '../../src/message/index.js';
import { OffsetResponseHeader, RequestCode, ResponseCode } from '../../src/protocol/index.js';
import type { RemotingClient } from '../../src/remoting/index.js';
import { adminClient, createTopic, startBroker, startNamesrv, waitFor, type TestBroker, type TestNamesrv } from '../harness/cluster.js';
import {
  decodeRecords,
  earliestStoreTime,
  heartbeat,
  heartbeatBody,
  pullMessage,
  queryConsumerOffset,
  queueOffset,
  searchOffset,
  sendMessage,
  sendResult,
  updateConsumerOffset,
} from '../harness/broker-requests.js';

const GROUP = 'GID_offsets';

let namesrv: TestNamesrv;
let broker: TestBroker;
let admin: RemotingClient;

async function committed(group: string, topic: string, queueId: number): Promise<number> {
  const response = await queryConsumerOffset(admin, broker.address, group, topic, queueId, false);
  assert.equal(response.code, ResponseCode.SUCCESS, `${group} ${topic}:${queueId}: ${response.code} ${response.remark ?? ''}`);
  return OffsetResponseHeader.decode(response.extFields).offset;
}

describe('broker offsets', { timeout: 120_000 }, () => {
  before(async () => {
    admin = adminClient();
    namesrv = await startNamesrv();
    broker = await startBroker({ namesrvAddr: namesrv.address });
    await createTopic(admin, broker.address, namesrv.address, 'OffsetTopic', 2);
  });

  after(async () => {
    await admin.close();
    await broker.stop(true);
    await namesrv.stop();
  });

  test('broker - UPDATE_CONSUMER_OFFSET stores what QUERY_CONSUMER_OFFSET answers; a new group gets 0 or QUERY_NOT_FOUND as in Java', async () => {
    const unknownGroup = await updateConsumerOffset(admin, broker.address, GROUP, 'OffsetTopic', 0, 7);
    assert.equal(unknownGroup.code, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST);
    assert.equal(unknownGroup.remark, `Group ${GROUP} not exist!`);

    const registered = await heartbeat(admin, broker.address, heartbeatBody('127.0.0.1@offsets', [{ group: GROUP, subscriptions: { OffsetTopic: '*' } }]));
    assert.equal(registered.code, ResponseCode.SUCCESS);

    const notFound = await queryConsumerOffset(admin, broker.address, GROUP, 'OffsetTopic', 0, false);
    assert.equal(notFound.code, ResponseCode.QUERY_NOT_FOUND);
    assert.match(notFound.remark ?? '', /Not found, do not set to zero, maybe this group boot first/);
    const empty = await queryConsumerOffset(admin, broker.address, GROUP, 'OffsetTopic', 1);
    assert.equal(empty.code, ResponseCode.QUERY_NOT_FOUND, 'an empty queue has no message 0 in memory');
    assert.match(empty.remark ?? '', /Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first/);
    sendResult(await sendMessage(admin, broker.address, { topic: 'OffsetTopic', queueId: 0 }));
    const young = await queryConsumerOffset(admin, broker.address, GROUP, 'OffsetTopic', 0);
    assert.equal(young.code, ResponseCode.SUCCESS, 'message 0 is still in memory: start at it');
    assert.equal(OffsetResponseHeader.decode(young.extFields).offset, 0);

    assert.equal((await updateConsumerOffset(admin, broker.address, GROUP, 'OffsetTopic', 0, 7)).code, ResponseCode.SUCCESS);
    assert.equal((await updateConsumerOffset(admin, broker.address, GROUP, 'OffsetTopic', 1, 3)).code, ResponseCode.SUCCESS);
    assert.equal(await committed(GROUP, 'OffsetTopic', 0), 7);
    assert.equal(await committed(GROUP, 'OffsetTopic', 1), 3);
    assert.equal((await updateConsumerOffset(admin, broker.address, GROUP, 'OffsetTopic', 0, 9)).code, ResponseCode.SUCCESS);
    assert.equal(await committed(GROUP, 'OffsetTopic', 0), 9, 'the latest commit wins');

    const unknownTopic = await updateConsumerOffset(admin, broker.address, GROUP, 'NoSuchTopic', 0, 1);
    assert.equal(unknownTopic.code, ResponseCode.TOPIC_NOT_EXIST);
    assert.equal(unknownTopic.remark, 'Topic NoSuchTopic not exist!');
  });

  test('broker - GET_MAX_OFFSET, GET_MIN_OFFSET, GET_EARLIEST_MSG_STORETIME and SEARCH_OFFSET_BY_TIMESTAMP', async () => {
    const topic = 'OffsetTimes';
    await createTopic(admin, broker.address, namesrv.address, topic, 1);
    assert.equal(await queueOffset(admin, broker.address, RequestCode.GET_MAX_OFFSET, topic, 0), 0);
    assert.equal(await queueOffset(admin, broker.address, RequestCode.GET_MIN_OFFSET, topic, 0), 0);
    assert.equal(await earliestStoreTime(admin, broker.address, topic, 0), -1, 'an empty queue');
    assert.equal(await searchOffset(admin, broker.address, topic, 0, Date.now()), 0);

    // Each message is stored at least 2 ms after the one before, so store times are distinct and
    // t2 - 1 lies strictly between t1 and t2 (1 ms apart, t2 - 1 would be t1 itself).
    const times: number[] = [];
    for (let index = 0; index < 4; index++) {
      const last = times.at(-1) ?? 0;
      await waitFor(() => Date.now() > last + 1, 'the clock to move on');
      sendResult(await sendMessage(admin, broker.address, { topic, body: `t${index}` }));
      const pulled = await pullMessage(admin, broker.address, { group: 'GID_times', topic, offset: index });
      const record = decodeRecords(pulled.body)[0] as MessageRecord;
      times.push(record.storeTimestamp);
    }
    const [t0, t1, t2, t3] = times as [number, number, number, number];
    assert.ok(t0 < t1 && t1 < t2 && t2 < t3, `store times ${times.join(', ')}`);
    assert.equal(await queueOffset(admin, broker.address, RequestCode.GET_MAX_OFFSET, topic, 0), 4);
    assert.equal(await queueOffset(admin, broker.address, RequestCode.GET_MIN_OFFSET, topic, 0), 0);
    assert.equal(await earliestStoreTime(admin, broker.address, topic, 0), t0);

    assert.equal(await searchOffset(admin, broker.address, topic, 0, t1), 1);
    assert.equal(await searchOffset(admin, broker.address, topic, 0, t1, 'upper'), 1);
    assert.equal(await searchOffset(admin, broker.address, topic, 0, t2 - 1), 2, 'lower: the first stored at or after');
    assert.equal(await searchOffset(admin, broker.address, topic, 0, t2 - 1, 'upper'), 1, 'upper: the last stored at or before');
    assert.equal(await searchOffset(admin, broker.address, topic, 0, t0 - 1000), 0);
    assert.equal(await searchOffset(admin, broker.address, topic, 0, t3 + 1000), 4, 'after the last message: the max offset');
    assert.equal(await queueOffset(admin, broker.address, RequestCode.GET_MAX_OFFSET, 'NoSuchTopic', 3), 0, 'an unknown queue');
  });

  test('broker - consumerOffset.json is rewritten every flushConsumerOffsetInterval, not only at shutdown', async () => {
    const fast = await startBroker({ namesrvAddr: namesrv.address, brokerName: 'broker-fast-flush', conf: { flushConsumerOffsetInterval: '100' } });
    try {
      await heartbeat(admin, fast.address, heartbeatBody('127.0.0.1@fast', [{ group: 'GID_fast', subscriptions: { FastTopic: '*' } }]));
      await createTopic(admin, fast.address, namesrv.address, 'FastTopic', 1);
      const path = join(fast.storeDir, 'config', 'consumerOffset.json');
      for (const offset of [4, 6]) {
        assert.equal((await updateConsumerOffset(admin, fast.address, 'GID_fast', 'FastTopic', 0, offset)).code, ResponseCode.SUCCESS);
        await waitFor(async () => {
          const text = await readFile(path, 'utf8').catch(() => '');
          return text.replace(/\s+/g, '').includes(`"FastTopic@GID_fast":{0:${offset}}`);
        }, `offset ${offset} in consumerOffset.json while the broker runs`);
      }
    } finally {
      await fast.stop(true);
    }
  });

  test('broker - committed offsets survive a restart, kept in consumerOffset.json in RocketMQ\'s format', async () => {
    assert.equal((await updateConsumerOffset(admin, broker.address, GROUP, 'OffsetTopic', 0, 12)).code, ResponseCode.SUCCESS);
    assert.equal((await updateConsumerOffset(admin, broker.address, GROUP, 'OffsetTopic', 1, 5)).code, ResponseCode.SUCCESS);
    await broker.stop();
    const path = join(broker.storeDir, 'config', 'consumerOffset.json');
    const text = await readFile(path, 'utf8');
    // fastjson writes the queue ids as bare integer keys: {"offsetTable":{"topic@group":{0:12,1:5}}}.
    assert.match(text.replace(/\s+/g, ''), new RegExp(`^\\{"offsetTable":\\{.*"OffsetTopic@${GROUP}":\\{0:12,1:5\\}.*\\}\\}$`));

    // The file as a Java broker writes it (tabs, bare keys), with one more group: read as well.
    const javaText = text.replace('"offsetTable":{', `"offsetTable":{\n\t\t"JavaTopic@GID_java":{0:42,3:8},`);
    await writeFile(path, javaText);
    broker = await startBroker({ namesrvAddr: namesrv.address, storeDir: broker.storeDir });
    assert.equal(await committed(GROUP, 'OffsetTopic', 0), 12);
    assert.equal(await committed(GROUP, 'OffsetTopic', 1), 5);
    assert.equal(await committed('GID_java', 'JavaTopic', 0), 42);
    assert.equal(await committed('GID_java', 'JavaTopic', 3), 8);
  });
});
