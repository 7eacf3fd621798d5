import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { encodeProperties } from '../message/index.js';
import { testLogger } from '../log/index.js';
import { ManualClock } from '../time/index.js';
import type { StoreConfig } from './config.js';
import { DefaultMessageStore } from './default-message-store.js';
import { nodeFileSystem } from './file/node-file.js';
import type { StoreFile, StoreFileSystem } from './file/store-file.js';
import type { MessageStore } from './message-store.js';
import { Gate, putRequest, smallConfig, STORE_HOST, waitFor, withTempDir } from './testing/fixture.js';

const QUEUES = 4;
const MAX_OPEN = 8;

/** nodeFileSystem that counts open descriptors, and can hold reads of one path at a gate. */
class CountingFileSystem implements StoreFileSystem {
  openCount = 0;
  peak = 0;
  opened = 0;
  readonly readGate = new Gate();
  gatedPath: string | undefined;

  async open(path: string): Promise<StoreFile> {
    const file = await nodeFileSystem.open(path);
    this.openCount += 1;
    this.opened += 1;
    this.peak = Math.max(this.peak, this.openCount);
    return {
      path,
      readAt: async (target, targetOffset, length, position) => {
        if (path === this.gatedPath) await this.readGate.pass();
        return file.readAt(target, targetOffset, length, position);
      },
      writeAt: (source, sourceOffset, length, position) => file.writeAt(source, sourceOffset, length, position),
      datasync: () => file.datasync(),
      sync: () => file.sync(),
      truncate: (length) => file.truncate(length),
      size: () => file.size(),
      close: async () => {
        this.openCount -= 1;
        await file.close();
      },
    };
  }

  readonly list = nodeFileSystem.list;
  readonly ensureDir = nodeFileSystem.ensureDir;
  readonly remove = nodeFileSystem.remove;
  readonly removeTree = nodeFileSystem.removeTree;
  readonly exists = nodeFileSystem.exists;
  readonly syncDir = nodeFileSystem.syncDir;
}

function backlogConfig(root: string): StoreConfig {
  return smallConfig(root, {
    maxOpenStoreFiles: MAX_OPEN,
    mappedFileSizeConsumeQueue: 20 * 16,
    maxHashSlotNum: 64,
    maxIndexNum: 201,
    flushIntervalConsumeQueue: 10,
    flushIntervalIndex: 10,
  });
}

async function startBacklogStore(root: string, fs: CountingFileSystem): Promise<DefaultMessageStore> {
  const store = new DefaultMessageStore({ config: backlogConfig(root), storeHost: STORE_HOST, clock: new ManualClock(1_700_000_000_000), logger: testLogger(), fileSystem: fs });
  await store.start();
  return store;
}

async function putBacklog(store: MessageStore, count: number): Promise<void> {
  for (let index = 0; index < count; index++) {
    const request = putRequest('Backlog', index % QUEUES, `backlog message ${index}`.padEnd(100, '.'));
    const result = await store.putMessage({ ...request, properties: encodeProperties(new Map([['KEYS', `key-${index}`]])) });
    assert.equal(result.status, 'PUT_OK');
  }
}

async function countAll(store: MessageStore, queueId: number): Promise<number> {
  let offset = 0;
  let total = 0;
  for (let round = 0; round < 10_000; round++) {
    const result = await store.getMessage({ topic: 'Backlog', queueId, offset, maxMsgNums: 32 });
    if (result.status !== 'FOUND') break;
    total += result.records.length;
    offset = result.nextBeginOffset;
  }
  return total;
}

test('message-store - thousands of messages over hundreds of small files keep the open descriptors bounded', async () => {
  await withTempDir(async (root) => {
    const fs = new CountingFileSystem();
    const store = await startBacklogStore(root, fs);
    await putBacklog(store, 3000);
    await waitFor(() => (store.indexProgress?.indexedOffset ?? 0) >= store.maxPhyOffset);
    for (let queueId = 0; queueId < QUEUES; queueId++) assert.equal(await countAll(store, queueId), 3000 / QUEUES);
    const old = await store.queryMessage({ topic: 'Backlog', key: 'key-3', maxNum: 1, beginTimestamp: 0, endTimestamp: Number.MAX_SAFE_INTEGER });
    assert.equal(old.records.length, 1, 'a key in the oldest index file');
    const segments = (await readdir(join(root, 'commitlog'))).length;
    const queueFiles = (await readdir(join(root, 'consumequeue', 'Backlog', '0'))).length * QUEUES;
    const indexFiles = (await readdir(join(root, 'index'))).length;
    assert.ok(segments + queueFiles + indexFiles > 300, `${segments} segments, ${queueFiles} queue files, ${indexFiles} index files`);
    assert.ok(fs.opened > 300, 'files were opened on demand');
    // The pool may pass maxOpen while every handle is in use (a write, a flush of each queue, a
    // pull's parallel reads); it never holds anything near one descriptor per file.
    assert.ok(fs.peak <= MAX_OPEN + 16, `peak ${fs.peak} open descriptors`);
    assert.ok(store.openFileCount <= MAX_OPEN, `${store.openFileCount} open while idle`);
    await store.shutdown();
    assert.equal(fs.openCount, 0, 'shutdown closes every descriptor');
  });
});

test('message-store - a read held on an old segment does not hold up puts', async () => {
  await withTempDir(async (root) => {
    const fs = new CountingFileSystem();
    const store = await startBacklogStore(root, fs);
    await putBacklog(store, 200);
    fs.gatedPath = join(root, 'commitlog', '0'.padStart(20, '0'));
    fs.readGate.close();
    let read = false;
    const pull = store.getMessage({ topic: 'Backlog', queueId: 0, offset: 0, maxMsgNums: 4 }).then((result) => {
      read = true;
      return result;
    });
    await new Promise((resolve) => setImmediate(resolve));
    for (let index = 0; index < 20; index++) {
      const result = await store.putMessage(putRequest('Backlog', 1, `while the old read waits ${index}`));
      assert.equal(result.status, 'PUT_OK');
    }
    assert.equal(read, false, 'the read of the old segment is still held');
    fs.readGate.open();
    assert.equal((await pull).status, 'FOUND');
    await store.shutdown();
  });
});
