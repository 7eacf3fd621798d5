import assert from 'node:assert/strict';
import { access, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeRecord, MessageSysFlag } from '../message/index.js';
import { ManualClock } from '../time/index.js';
import type { AppendedMessage, MessageStore, PutMessageResult } from './message-store.js';
import { BORN_HOST, InstrumentedFileSystem, waitFor, putRequest, smallConfig, startStore, STORE_HOST, withTempDir } from './testing/fixture.js';

function stored(result: PutMessageResult): AppendedMessage {
  assert.equal(result.status, 'PUT_OK', JSON.stringify(result));
  assert.ok('messages' in result && result.messages[0] !== undefined);
  return result.messages[0];
}

async function bodiesOf(store: MessageStore, topic: string, queueId: number): Promise<string[]> {
  const out: string[] = [];
  let offset = store.getMinOffsetInQueue(topic, queueId);
  for (let round = 0; round < 100; round++) {
    const result = await store.getMessage({ topic, queueId, offset, maxMsgNums: 32 });
    if (result.status !== 'FOUND') break;
    for (const record of result.records) {
      const decoded = decodeRecord(record, 0, true);
      out.push(decoded.kind === 'MESSAGE' ? decoded.message.body.toString() : '?');
    }
    offset = result.nextBeginOffset;
  }
  return out;
}

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

test('message-store - a clean restart finds every message, queue offset and min/max offset', async () => {
  await withTempDir(async (root) => {
    const config = smallConfig(root);
    const first = await startStore(config);
    assert.ok(await exists(join(root, 'abort')), 'abort marks a running store');
    const expected = new Map<string, string[]>();
    for (let index = 0; index < 150; index++) {
      const topic = index % 5 === 0 ? 'Other' : 'TopicTest';
      const queueId = index % 3;
      stored(await first.store.putMessage(putRequest(topic, queueId, `body-${index}`, 'TagA')));
      const key = `${topic}/${queueId}`;
      expected.set(key, [...(expected.get(key) ?? []), `body-${index}`]);
    }
    const maxPhyOffset = first.store.maxPhyOffset;
    assert.ok(maxPhyOffset > 3 * 4096, 'the data spans several segments');
    await first.store.shutdown();
    assert.equal(await exists(join(root, 'abort')), false, 'a clean shutdown removes abort');

    const fs = new InstrumentedFileSystem();
    const commitLogReads = fs.count(join(root, 'commitlog'));
    const second = await startStore(config, { fs });
    assert.ok(commitLogReads.readBytes <= 4096, `a clean restart reads only the last segment, read ${commitLogReads.readBytes}`);
    assert.equal(second.store.maxPhyOffset, maxPhyOffset);
    assert.equal(second.store.minPhyOffset, 0);
    for (const [key, bodies] of expected) {
      const [topic, queueId] = [key.split('/')[0] ?? '', Number(key.split('/')[1])];
      assert.equal(second.store.getMaxOffsetInQueue(topic, queueId), bodies.length, key);
      assert.equal(second.store.getMinOffsetInQueue(topic, queueId), 0, key);
      assert.deepEqual(await bodiesOf(second.store, topic, queueId), bodies, key);
    }
    const next = stored(await second.store.putMessage(putRequest('TopicTest', 1, 'after restart')));
    assert.equal(next.commitLogOffset, maxPhyOffset);
    assert.equal(next.queueOffset, expected.get('TopicTest/1')?.length);
    await second.store.shutdown();
  });
});

test('message-store - lookMessageByOffset returns every stored field', async () => {
  await withTempDir(async (root) => {
    const clock = new ManualClock(1_700_000_000_500);
    const { store } = await startStore(smallConfig(root), { clock });
    const request = { ...putRequest('TopicTest', 2, 'hello', 'TagA', 1_700_000_000_123), flag: 7, reconsumeTimes: 3, preparedTransactionOffset: 99 };
    const appended = stored(await store.putMessage({ ...request, sysFlag: MessageSysFlag.MULTI_TAGS_FLAG }));
    const record = await store.lookMessageByOffset(appended.commitLogOffset);
    assert.ok(record !== undefined);
    assert.deepEqual(
      { ...record, body: record.body.toString(), bornHost: record.bornHost.toString('hex'), storeHost: record.storeHost.toString('hex') },
      {
        size: appended.size,
        bodyCrc: record.bodyCrc,
        queueId: 2,
        flag: 7,
        queueOffset: 0,
        commitLogOffset: 0,
        sysFlag: MessageSysFlag.MULTI_TAGS_FLAG,
        bornTimestamp: 1_700_000_000_123,
        bornHost: BORN_HOST.toString('hex'),
        storeTimestamp: 1_700_000_000_500,
        storeHost: STORE_HOST.toString('hex'),
        reconsumeTimes: 3,
        preparedTransactionOffset: 99,
        body: 'hello',
        topic: 'TopicTest',
        properties: 'TAGS\u0001TagA\u0002',
      },
    );
    assert.equal(appended.storeTimestamp, 1_700_000_000_500);
    assert.equal(await store.lookMessageByOffset(store.maxPhyOffset), undefined);
    await store.shutdown();
  });
});

test('message-store - onMessageArrived fires once the message is in its ConsumeQueue', async () => {
  await withTempDir(async (root) => {
    const { store } = await startStore(smallConfig(root));
    const seen: { maxOffset: number; visible: number; tagsCode: number; queueId: number }[] = [];
    store.onMessageArrived((event) => {
      seen.push({ maxOffset: event.maxOffset, visible: store.getMaxOffsetInQueue(event.topic, event.queueId), tagsCode: event.tagsCode, queueId: event.queueId });
    });
    store.onMessageArrived(() => {
      throw new Error('a broken listener does not stop the store');
    });
    const request = putRequest('TopicTest', 1, 'ping', 'TagA');
    stored(await store.putMessage(request));
    stored(await store.putMessage(request));
    assert.deepEqual(seen, [
      { maxOffset: 1, visible: 1, tagsCode: request.tagsCode, queueId: 1 },
      { maxOffset: 2, visible: 2, tagsCode: request.tagsCode, queueId: 1 },
    ]);
    await store.shutdown();
  });
});

test('message-store - deleteTopics drops the queues, and they stay gone after a restart', async () => {
  await withTempDir(async (root) => {
    const config = smallConfig(root, { flushIntervalConsumeQueue: 5 });
    const first = await startStore(config);
    for (let index = 0; index < 20; index++) {
      stored(await first.store.putMessage(putRequest('Doomed', index % 2, `d${index}`)));
      stored(await first.store.putMessage(putRequest('Kept', 0, `k${index}`)));
    }
    await waitFor(() => exists(join(root, 'consumequeue', 'Doomed', '1', '00000000000000000000')));
    await first.store.deleteTopics(new Set(['Doomed']));
    assert.equal(first.store.getMaxOffsetInQueue('Doomed', 0), 0);
    const gone = await first.store.getMessage({ topic: 'Doomed', queueId: 0, offset: 0, maxMsgNums: 32 });
    assert.equal(gone.status, 'NO_MESSAGE_IN_QUEUE');
    assert.deepEqual(await readdir(join(root, 'consumequeue')), ['Kept']);
    assert.equal(stored(await first.store.putMessage(putRequest('Doomed', 0, 'reborn'))).queueOffset, 0);
    await first.store.shutdown();

    const second = await startStore(config);
    assert.deepEqual(await bodiesOf(second.store, 'Doomed', 0), ['reborn']);
    assert.equal(second.store.getMaxOffsetInQueue('Doomed', 1), 0);
    assert.equal((await bodiesOf(second.store, 'Kept', 0)).length, 20);
    await second.store.shutdown();
  });
});

test('message-store - getOffsetInQueueByTime finds the lower and upper boundaries', async () => {
  await withTempDir(async (root) => {
    const clock = new ManualClock(1000);
    const { store } = await startStore(smallConfig(root), { clock });
    // Store times: offsets 0..4 at 1000, 1010, 1010, 1020, 1030.
    for (const at of [1000, 1010, 1010, 1020, 1030]) {
      clock.set(at);
      stored(await store.putMessage(putRequest('TopicTest', 0, `t${at}`)));
    }
    const byTime = (timestamp: number, boundary: 'lower' | 'upper'): Promise<number> =>
      store.getOffsetInQueueByTime('TopicTest', 0, timestamp, boundary);
    assert.equal(await byTime(1010, 'lower'), 1);
    assert.equal(await byTime(1010, 'upper'), 2);
    assert.equal(await byTime(1015, 'lower'), 3);
    assert.equal(await byTime(1015, 'upper'), 2);
    assert.equal(await byTime(999, 'lower'), 0);
    assert.equal(await byTime(999, 'upper'), 0, 'clamps to the min offset');
    assert.equal(await byTime(5000, 'lower'), 5, 'clamps to the max offset');
    assert.equal(await byTime(5000, 'upper'), 4);
    assert.equal(await store.getOffsetInQueueByTime('TopicTest', 0, 1010), 1, "'lower' by default");
    assert.equal(await store.getOffsetInQueueByTime('Nothing', 0, 1010), 0);
    assert.equal(await store.getEarliestMessageTime('TopicTest', 0), 1000);
    assert.equal(await store.getMessageStoreTimestamp('TopicTest', 0, 3), 1020);
    assert.equal(await store.getMessageStoreTimestamp('TopicTest', 0, 5), undefined);
    assert.equal(await store.getEarliestMessageTime('Nothing', 0), undefined);
    await store.shutdown();
  });
});

test('message-store - refuses puts before start and after shutdown', async () => {
  await withTempDir(async (root) => {
    const { store } = await startStore(smallConfig(root));
    await store.shutdown();
    const result = await store.putMessage(putRequest('TopicTest', 0, 'late'));
    assert.equal(result.status, 'SERVICE_NOT_AVAILABLE');
  });
});

test('message-store - checkInDiskByConsumeOffset follows accessMessageInMemoryMaxRatio', async () => {
  await withTempDir(async (root) => {
    const warm = await startStore(smallConfig(root));
    stored(await warm.store.putMessage(putRequest('TopicTest', 0, 'first', 'TagA')));
    stored(await warm.store.putMessage(putRequest('TopicTest', 0, 'second', 'TagA')));
    assert.equal(await warm.store.checkInDiskByConsumeOffset('TopicTest', 0, 0), false, 'a young queue is in memory');
    assert.equal(await warm.store.checkInDiskByConsumeOffset('TopicTest', 0, 5), true, 'no message there');
    assert.equal(await warm.store.checkInDiskByConsumeOffset('Nobody', 0, 0), true, 'no queue');
    await warm.store.shutdown();
    const cold = await startStore({ ...smallConfig(root), accessMessageInMemoryMaxRatio: 0 });
    assert.equal(await cold.store.checkInDiskByConsumeOffset('TopicTest', 0, 0), true, 'with a 0% ratio every older message is cold');
    await cold.store.shutdown();
  });
});
