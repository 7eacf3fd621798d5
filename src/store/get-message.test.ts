import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeRecord, tagsCode } from '../message/index.js';
import { testLogger } from '../log/index.js';
import type { StoreConfig } from './config.js';
import { ConsumeQueueStore } from './consumequeue/consume-queue-store.js';
import { CQ_ENTRY_BYTES, encodeCqEntry } from './consumequeue/cq-entry.js';
import { FilePool } from './file/file-pool.js';
import { nodeFileSystem } from './file/node-file.js';
import { getMessage } from './get-message.js';
import type { GetMessageResult, MessageFilter, MessageStore } from './message-store.js';
import { putRequest, smallConfig, startStore, withTempDir } from './testing/fixture.js';

const TOPIC = 'TopicTest';

async function withStore(overrides: Partial<StoreConfig>, run: (store: MessageStore) => Promise<void>): Promise<void> {
  await withTempDir(async (root) => {
    const { store } = await startStore(smallConfig(root, overrides));
    try {
      await run(store);
    } finally {
      await store.shutdown();
    }
  });
}

async function fill(store: MessageStore, count: number, tagOf: (index: number) => string | undefined, queueId = 0): Promise<void> {
  for (let from = 0; from < count; from += 20) {
    const batch = Array.from({ length: Math.min(20, count - from) }, (_, index) => putRequest(TOPIC, queueId, `m${from + index}`, tagOf(from + index)));
    assert.equal((await store.putMessages(batch)).status, 'PUT_OK');
  }
}

const bodies = (result: GetMessageResult): string[] =>
  result.records.map((record) => {
    const decoded = decodeRecord(record, 0);
    return decoded.kind === 'MESSAGE' ? decoded.message.body.toString() : '?';
  });

const tagFilter = (tag: string): MessageFilter => ({ isMatchedByConsumeQueue: (code) => code === tagsCode(tag) });

test('get-message - statuses at and around the ends of the queue', async () => {
  await withStore({}, async (store) => {
    const unknown = await store.getMessage({ topic: TOPIC, queueId: 3, offset: 5, maxMsgNums: 32 });
    assert.deepEqual(
      { status: unknown.status, next: unknown.nextBeginOffset, min: unknown.minOffset, max: unknown.maxOffset },
      { status: 'NO_MESSAGE_IN_QUEUE', next: 0, min: 0, max: 0 },
    );
    await fill(store, 10, () => undefined);
    const one = await store.getMessage({ topic: TOPIC, queueId: 0, offset: 10, maxMsgNums: 32 });
    assert.deepEqual([one.status, one.nextBeginOffset, one.minOffset, one.maxOffset, one.records.length], ['OFFSET_OVERFLOW_ONE', 10, 0, 10, 0]);
    const badly = await store.getMessage({ topic: TOPIC, queueId: 0, offset: 25, maxMsgNums: 32 });
    assert.deepEqual([badly.status, badly.nextBeginOffset], ['OFFSET_OVERFLOW_BADLY', 10]);
    const small = await store.getMessage({ topic: TOPIC, queueId: 0, offset: -1, maxMsgNums: 32 });
    assert.deepEqual([small.status, small.nextBeginOffset], ['OFFSET_TOO_SMALL', 0]);
    const found = await store.getMessage({ topic: TOPIC, queueId: 0, offset: 7, maxMsgNums: 32 });
    assert.deepEqual([found.status, found.nextBeginOffset, bodies(found)], ['FOUND', 10, ['m7', 'm8', 'm9']]);
    assert.equal(found.bytes, found.records.reduce((sum, record) => sum + record.length, 0));
  });
});

test('get-message - stops at maxMsgNums, maxBytes and the in-memory transfer limits', async () => {
  await withStore({ maxTransferCountOnMessageInMemory: 5 }, async (store) => {
    await fill(store, 20, () => undefined);
    const size = (await store.getMessage({ topic: TOPIC, queueId: 0, offset: 0, maxMsgNums: 1 })).bytes;
    const byCount = await store.getMessage({ topic: TOPIC, queueId: 0, offset: 0, maxMsgNums: 4 });
    assert.deepEqual([byCount.records.length, byCount.nextBeginOffset], [4, 4]);
    const byTransferCount = await store.getMessage({ topic: TOPIC, queueId: 0, offset: 2, maxMsgNums: 32 });
    assert.deepEqual([byTransferCount.records.length, byTransferCount.nextBeginOffset], [5, 7]);
    const byBytes = await store.getMessage({ topic: TOPIC, queueId: 0, offset: 0, maxMsgNums: 32, maxBytes: Math.floor(size * 2.5) });
    assert.deepEqual([byBytes.records.length, byBytes.nextBeginOffset], [2, 2]);
    const firstAlwaysGoes = await store.getMessage({ topic: TOPIC, queueId: 0, offset: 3, maxMsgNums: 32, maxBytes: 1 });
    assert.deepEqual([firstAlwaysGoes.status, bodies(firstAlwaysGoes)], ['FOUND', ['m3']]);
  });
  await withStore({ maxTransferBytesOnMessageInMemory: 300 }, async (store) => {
    await fill(store, 10, () => undefined);
    const result = await store.getMessage({ topic: TOPIC, queueId: 0, offset: 0, maxMsgNums: 32 });
    assert.ok(result.records.length >= 1 && result.bytes <= 300, `${result.records.length} records, ${result.bytes} bytes`);
    assert.equal(result.nextBeginOffset, result.records.length);
  });
});

test('get-message - filters on the tag hash and moves past what it scanned', async () => {
  await withStore({}, async (store) => {
    await fill(store, 12, (index) => (index % 3 === 0 ? 'TagA' : 'TagB'));
    const result = await store.getMessage({ topic: TOPIC, queueId: 0, offset: 0, maxMsgNums: 32, filter: tagFilter('TagA') });
    assert.deepEqual([result.status, result.nextBeginOffset, bodies(result)], ['FOUND', 12, ['m0', 'm3', 'm6', 'm9']]);
  });
});

test('get-message - NO_MATCHED_MESSAGE after scanning at most 16000 bytes of entries', async () => {
  await withStore({}, async (store) => {
    await fill(store, 1000, () => 'TagB');
    const result = await store.getMessage({ topic: TOPIC, queueId: 0, offset: 0, maxMsgNums: 32, filter: tagFilter('TagA') });
    assert.deepEqual([result.status, result.nextBeginOffset, result.records.length], ['NO_MATCHED_MESSAGE', 800, 0]);
    const rest = await store.getMessage({ topic: TOPIC, queueId: 0, offset: 800, maxMsgNums: 32, filter: tagFilter('TagA') });
    assert.deepEqual([rest.status, rest.nextBeginOffset], ['NO_MATCHED_MESSAGE', 1000]);
    const wide = await store.getMessage({ topic: TOPIC, queueId: 0, offset: 0, maxMsgNums: 1000, filter: tagFilter('TagA') });
    assert.equal(wide.nextBeginOffset, 1000, 'maxMsgNums * 20 bytes when that is more');
  });
});

test('get-message - a record filter that drops messages does not use up maxMsgNums', async () => {
  await withStore({}, async (store) => {
    await fill(store, 10, () => undefined);
    const evenOnly: MessageFilter = {
      isMatchedByConsumeQueue: () => true,
      isMatchedByCommitLog: (record) => Number(record.body.toString().slice(1)) % 2 === 0,
    };
    const result = await store.getMessage({ topic: TOPIC, queueId: 0, offset: 0, maxMsgNums: 3, filter: evenOnly });
    assert.deepEqual([result.status, result.nextBeginOffset, bodies(result)], ['FOUND', 5, ['m0', 'm2', 'm4']]);
    const none: MessageFilter = { isMatchedByConsumeQueue: () => true, isMatchedByCommitLog: () => false };
    const nothing = await store.getMessage({ topic: TOPIC, queueId: 0, offset: 0, maxMsgNums: 32, filter: none });
    assert.deepEqual([nothing.status, nothing.nextBeginOffset], ['NO_MATCHED_MESSAGE', 10]);
  });
});

test('get-message - OFFSET_TOO_SMALL and MESSAGE_WAS_REMOVING once old data is gone', async () => {
  await withTempDir(async (root) => {
    // A queue whose first file starts at entry 64 (older files removed), pointing at CommitLog 1000..3000.
    const queueDir = join(root, TOPIC, '0');
    await mkdir(queueDir, { recursive: true });
    const entries = Buffer.alloc(3 * CQ_ENTRY_BYTES);
    for (let index = 0; index < 3; index++) encodeCqEntry({ commitLogOffset: 1000 * (index + 1), size: 100, tagsCode: 0 }, entries, index * CQ_ENTRY_BYTES);
    await writeFile(join(queueDir, String(64 * CQ_ENTRY_BYTES).padStart(20, '0')), entries);
    const pool = new FilePool(nodeFileSystem, 4, () => undefined);
    const consumeQueues = new ConsumeQueueStore(pool, root, 64 * CQ_ENTRY_BYTES, 8192, testLogger());
    await consumeQueues.load(Number.MAX_SAFE_INTEGER);
    const read: number[][] = [];
    const deps = {
      consumeQueues,
      commitLog: {
        minOffset: 3500,
        readRecords: async (spans: readonly { offset: number }[]) => {
          read.push(spans.map((span) => span.offset));
          return spans.map(() => undefined);
        },
      },
      limits: { maxFilterMessageSize: 16000, maxTransferBytesOnMessageInMemory: 262144, maxTransferCountOnMessageInMemory: 32 },
    };
    const small = await getMessage(deps, { topic: TOPIC, queueId: 0, offset: 10, maxMsgNums: 32 });
    assert.deepEqual([small.status, small.nextBeginOffset, small.minOffset, small.maxOffset], ['OFFSET_TOO_SMALL', 64, 64, 67]);
    const removing = await getMessage(deps, { topic: TOPIC, queueId: 0, offset: 64, maxMsgNums: 32 });
    assert.deepEqual([removing.status, removing.nextBeginOffset, removing.records.length], ['MESSAGE_WAS_REMOVING', 67, 0]);
    assert.deepEqual(read, [], 'entries below the CommitLog minimum are not read');
    await pool.closeAll();
  });
});
