import assert from 'node:assert/strict';
import { access, appendFile, open, readFile, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeRecord } from '../../message/index.js';
import { decodeCheckpoint } from '../checkpoint/checkpoint.js';
import type { StoreConfig } from '../config.js';
import type { AppendedMessage, MessageStore, PutMessageResult } from '../message-store.js';
import { InstrumentedFileSystem, putRequest, smallConfig, startStore, waitFor, withTempDir, type StoreUnderTest } from '../testing/fixture.js';

const SEGMENT = 4096;

function stored(result: PutMessageResult): AppendedMessage {
  assert.equal(result.status, 'PUT_OK', JSON.stringify(result));
  assert.ok('messages' in result && result.messages[0] !== undefined);
  return result.messages[0];
}

const segmentPath = (root: string, offset: number): string =>
  join(root, 'commitlog', String(offset - (offset % SEGMENT)).padStart(20, '0'));

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

async function bodies(store: MessageStore, topic: string, queueId: number): Promise<string[]> {
  const out: string[] = [];
  let offset = 0;
  for (let round = 0; round < 100; round++) {
    const result = await store.getMessage({ topic, queueId, offset, maxMsgNums: 32 });
    if (result.status !== 'FOUND') break;
    for (const record of result.records) {
      const decoded = decodeRecord(record, 0);
      out.push(decoded.kind === 'MESSAGE' ? decoded.message.body.toString() : '?');
    }
    offset = result.nextBeginOffset;
  }
  return out;
}

/** Puts `count` messages over queues 0..2 of TopicTest; returns what each queue holds, in order. */
async function putMany(store: MessageStore, count: number, prefix: string): Promise<{ appended: AppendedMessage[]; byQueue: string[][] }> {
  const appended: AppendedMessage[] = [];
  const byQueue: string[][] = [[], [], []];
  for (let index = 0; index < count; index++) {
    appended.push(stored(await store.putMessage(putRequest('TopicTest', index % 3, `${prefix}${index}`))));
    byQueue[index % 3]?.push(`${prefix}${index}`);
  }
  return { appended, byQueue };
}

/** Stops the store the way SIGKILL would: nothing after this reaches the disk, abort stays. */
function crash(under: StoreUnderTest): void {
  under.fs.crash();
}

async function restart(config: StoreConfig, fs = new InstrumentedFileSystem()): Promise<StoreUnderTest> {
  return startStore(config, { fs });
}

test('recovery - rebuilds the ConsumeQueues from the CommitLog after a crash', async () => {
  await withTempDir(async (root) => {
    const config = smallConfig(root, { flushIntervalConsumeQueue: 1_000_000 });
    const first = await startStore(config);
    const { byQueue } = await putMany(first.store, 90, 'm');
    const end = first.store.maxPhyOffset;
    crash(first);
    assert.ok(await exists(join(root, 'abort')));
    assert.equal(await exists(join(root, 'consumequeue', 'TopicTest')), false, 'no entry was written before the crash');

    const second = await restart(config);
    assert.equal(second.store.maxPhyOffset, end);
    for (const [queueId, expected] of byQueue.entries()) {
      assert.equal(second.store.getMaxOffsetInQueue('TopicTest', queueId), expected.length);
      assert.deepEqual(await bodies(second.store, 'TopicTest', queueId), expected);
    }
    assert.equal(stored(await second.store.putMessage(putRequest('TopicTest', 0, 'next'))).queueOffset, 30);
    await second.store.shutdown();
  });
});

test('recovery - truncates garbage appended after the last record', async () => {
  await withTempDir(async (root) => {
    const config = smallConfig(root);
    const first = await startStore(config);
    const { byQueue } = await putMany(first.store, 40, 'g');
    const end = first.store.maxPhyOffset;
    crash(first);
    await appendFile(segmentPath(root, end), Buffer.alloc(300, 0xab));

    const second = await restart(config);
    assert.equal(second.store.maxPhyOffset, end);
    assert.equal((await stat(segmentPath(root, end))).size, end % SEGMENT, 'the garbage is cut off');
    for (const [queueId, expected] of byQueue.entries()) assert.deepEqual(await bodies(second.store, 'TopicTest', queueId), expected);
    const next = stored(await second.store.putMessage(putRequest('TopicTest', 2, 'after')));
    assert.equal(next.commitLogOffset, end);
    await second.store.shutdown();
  });
});

test('recovery - cuts a record torn mid-way, re-dispatching only what came after the checkpoint', async () => {
  await withTempDir(async (root) => {
    const config = smallConfig(root, {
      flushIntervalConsumeQueue: 1,
      flushConsumeQueueLeastPages: 0,
      flushIntervalCommitLog: 1,
      flushCommitLogLeastPages: 0,
    });
    const first = await startStore(config);
    const early = await putMany(first.store, 450, 'e');
    const checkpointed = first.store.maxPhyOffset;
    const checkpointPath = join(root, 'checkpoint');
    await waitFor(async () => decodeCheckpoint(await readFile(checkpointPath))?.consumeQueueSafeOffset === checkpointed);
    first.fs.syncGate.close(); // From here on nothing is synced, so the checkpoint stays put.
    const late = await putMany(first.store, 30, 'l');
    const torn = late.appended.at(-1) as AppendedMessage;
    crash(first);
    await truncate(segmentPath(root, torn.commitLogOffset), (torn.commitLogOffset % SEGMENT) + 40);

    const fs = new InstrumentedFileSystem();
    const commitLogReads = fs.count(join(root, 'commitlog'));
    const second = await restart(config, fs);
    assert.equal(second.store.maxPhyOffset, torn.commitLogOffset);
    assert.ok(checkpointed > 10 * SEGMENT, 'the store is much larger than its unflushed tail');
    assert.ok(
      commitLogReads.readBytes <= torn.commitLogOffset - checkpointed + SEGMENT,
      `read ${commitLogReads.readBytes} bytes to recover ${torn.commitLogOffset - checkpointed}`,
    );
    const tornQueue = 29 % 3;
    for (const queueId of [0, 1, 2]) {
      const expected = [...(early.byQueue[queueId] ?? []), ...(late.byQueue[queueId] ?? [])];
      if (queueId === tornQueue) expected.pop();
      assert.deepEqual(await bodies(second.store, 'TopicTest', queueId), expected, `queue ${queueId}`);
      assert.equal(second.store.getMaxOffsetInQueue('TopicTest', queueId), expected.length);
    }
    const again = stored(await second.store.putMessage(putRequest('TopicTest', tornQueue, 'again')));
    assert.deepEqual([again.commitLogOffset, again.queueOffset], [torn.commitLogOffset, torn.queueOffset]);
    await second.store.shutdown();
  });
});

test('recovery - a record whose body fails its CRC is cut off (unless checkCRCOnRecover is off)', async () => {
  for (const checkCRCOnRecover of [true, false]) {
    await withTempDir(async (root) => {
      const config = smallConfig(root, { checkCRCOnRecover });
      const first = await startStore(config);
      await putMany(first.store, 10, 'c');
      const last = stored(await first.store.putMessage(putRequest('TopicTest', 0, 'flipped')));
      crash(first);
      const file = await open(segmentPath(root, last.commitLogOffset), 'r+');
      const bodyAt = (last.commitLogOffset % SEGMENT) + last.size - 2 - 9 - 1 - 1; // last body byte: before topic and properties
      await file.write(Buffer.from('X'), 0, 1, bodyAt);
      await file.close();

      const second = await restart(config);
      const expectedEnd = checkCRCOnRecover ? last.commitLogOffset : last.commitLogOffset + last.size;
      assert.equal(second.store.maxPhyOffset, expectedEnd, `checkCRCOnRecover=${checkCRCOnRecover}`);
      const kept = await second.store.lookMessageByOffset(last.commitLogOffset);
      assert.equal(kept?.body.toString(), checkCRCOnRecover ? undefined : 'flippeX');
      await second.store.shutdown();
    });
  }
});

test('recovery - a clean restart still cuts a damaged tail and the ConsumeQueue entries past it', async () => {
  await withTempDir(async (root) => {
    const config = smallConfig(root);
    const first = await startStore(config);
    const { appended, byQueue } = await putMany(first.store, 30, 'd');
    await first.store.shutdown();
    const last = appended.at(-1) as AppendedMessage;
    await truncate(segmentPath(root, last.commitLogOffset), (last.commitLogOffset % SEGMENT) + 10);

    const second = await restart(config);
    assert.equal(second.store.maxPhyOffset, last.commitLogOffset);
    const queueId = 29 % 3;
    assert.equal(second.store.getMaxOffsetInQueue('TopicTest', queueId), (byQueue[queueId]?.length ?? 0) - 1);
    const overflow = await second.store.getMessage({ topic: 'TopicTest', queueId, offset: last.queueOffset, maxMsgNums: 32 });
    assert.equal(overflow.status, 'OFFSET_OVERFLOW_ONE');
    await second.store.shutdown();
  });
});
