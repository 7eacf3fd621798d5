import assert from 'node:assert/strict';
import { appendFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { FilePool } from '../file/file-pool.js';
import { nodeFileSystem } from '../file/node-file.js';
import { SegmentedFile } from '../file/segmented-file.js';
import { InstrumentedFileSystem, withTempDir } from '../testing/fixture.js';
import { ConsumeQueue } from './consume-queue.js';
import { CQ_ENTRY_BYTES, decodeCqEntry } from './cq-entry.js';
import { CqReadCache } from './read-cache.js';

const FILE_BYTES = 16 * CQ_ENTRY_BYTES;
const TAIL_ENTRIES = 8;

async function withQueue(run: (open: () => ConsumeQueue, dir: string) => Promise<void>): Promise<void> {
  await withTempDir(async (root) => {
    const pool = new FilePool(nodeFileSystem, 4, () => undefined);
    const dir = join(root, 'TopicTest', '0');
    try {
      await run(() => new ConsumeQueue('TopicTest', 0, new SegmentedFile(pool, dir, FILE_BYTES), TAIL_ENTRIES), dir);
    } finally {
      await pool.closeAll();
    }
  });
}

/** Entry n points at CommitLog offset 1000 * (n + 1). */
const entry = (queueOffset: number) => ({ queueOffset, commitLogOffset: 1000 * (queueOffset + 1), size: 100, tagsCode: queueOffset });

const offsetsIn = (bytes: Buffer): number[] =>
  Array.from({ length: bytes.length / CQ_ENTRY_BYTES }, (_, index) => decodeCqEntry(bytes, index * CQ_ENTRY_BYTES).commitLogOffset / 1000 - 1);

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, index) => from + index);

test('consume-queue - reads entries from the files, from the tail, and across both', async () => {
  await withQueue(async (open) => {
    const queue = open();
    await queue.load(0);
    for (let offset = 0; offset < 100; offset++) {
      assert.equal(queue.append(entry(offset)), 'APPENDED');
      if (offset % 10 === 9 && offset < 90) await queue.writePending();
    }
    assert.equal(queue.pendingEntries, 10);
    assert.deepEqual(offsetsIn(await queue.read(0, 5)), range(0, 5), 'from the files only');
    assert.deepEqual(offsetsIn(await queue.read(92, 5)), range(92, 97), 'from the tail only');
    assert.deepEqual(offsetsIn(await queue.read(30, 70)), range(30, 100), 'across both');
    assert.deepEqual(offsetsIn(await queue.read(95, 20)), range(95, 100), 'clipped at the end');
    assert.equal((await queue.read(100, 5)).length, 0);
    assert.deepEqual(await queue.entryAt(42), { commitLogOffset: 43000, size: 100, tagsCode: 42 });
  });
});

test('consume-queue - keeps a bounded tail once entries are written', async () => {
  await withQueue(async (open) => {
    const queue = open();
    await queue.load(0);
    for (let offset = 0; offset < 5000; offset++) {
      queue.append(entry(offset));
      if (offset % 50 === 49) await queue.writePending();
    }
    await queue.writePending();
    assert.ok(queue.memoryBytes <= TAIL_ENTRIES * CQ_ENTRY_BYTES, `${queue.memoryBytes} bytes in memory`);
    assert.deepEqual(offsetsIn(await queue.read(4990, 10)), range(4990, 5000));
  });
});

test('consume-queue - ignores a re-dispatched entry and refuses a gap', async () => {
  await withQueue(async (open) => {
    const queue = open();
    await queue.load(0);
    queue.append(entry(0));
    queue.append(entry(1));
    assert.equal(queue.append(entry(1)), 'DUPLICATE');
    assert.equal(queue.append(entry(5)), 'GAP');
    assert.equal(queue.maxOffset, 2);
  });
});

test('consume-queue - load keeps entries below the safe offset and drops a torn tail', async () => {
  await withQueue(async (open, dir) => {
    const queue = open();
    await queue.load(0);
    for (let offset = 0; offset < 40; offset++) queue.append(entry(offset));
    await queue.writePending();
    const lastFile = join(dir, String(32 * CQ_ENTRY_BYTES).padStart(20, '0'));
    await appendFile(lastFile, Buffer.alloc(7, 1));

    const reloaded = open();
    assert.equal(await reloaded.load(Number.MAX_SAFE_INTEGER), 0);
    assert.deepEqual([reloaded.minOffset, reloaded.maxOffset], [0, 40]);
    assert.equal((await stat(lastFile)).size, 8 * CQ_ENTRY_BYTES, 'the torn entry is cut off');

    // Entries pointing at or past CommitLog offset 25000 (entry 24 on) are not trusted.
    const safe = open();
    assert.equal(await safe.load(25000), 16);
    assert.deepEqual([safe.minOffset, safe.maxOffset], [0, 24]);
    assert.deepEqual(offsetsIn(await safe.read(20, 10)), range(20, 24));
    assert.equal(safe.append(entry(24)), 'APPENDED');
  });
});

test('consume-queue - a pull-sized read reads ahead; the next pulls come from the read cache, a truncate drops it', async () => {
  await withTempDir(async (root) => {
    const fs = new InstrumentedFileSystem();
    const pool = new FilePool(fs, 4, () => undefined);
    const dir = join(root, 'TopicTest', '0');
    const reads = fs.count(dir);
    const cache = new CqReadCache();
    try {
      const queue = new ConsumeQueue('TopicTest', 0, new SegmentedFile(pool, dir, 4096 * CQ_ENTRY_BYTES), TAIL_ENTRIES, cache);
      await queue.load(0);
      for (let offset = 0; offset < 3000; offset++) queue.append(entry(offset));
      await queue.writePending();
      const before = reads.reads;
      // A consumer of the backlog: asks for 800 entries, takes 32, asks again from there.
      for (let from = 0; from < 1600; from += 32) assert.deepEqual(offsetsIn(await queue.read(from, 800)), range(from, from + 800), `read at ${from}`);
      const pullReads = reads.reads - before;
      const [first, second] = [await queue.read(1568, 800), await queue.read(1568, 800)];
      assert.ok(first.buffer === second.buffer, 'pulls served by the read cache are views of its chunk, not copies');
      assert.equal(reads.reads - before, pullReads);
      assert.ok(pullReads >= 1 && pullReads <= 2, `${pullReads} file reads for 50 pulls`);
      assert.deepEqual(await queue.entryAt(2900), { commitLogOffset: 2901000, size: 100, tagsCode: 2900 }, 'a point read from the files');
      assert.deepEqual(offsetsIn(await queue.read(1600, 800)), range(1600, 2400), 'the point read left the chunk');
      assert.equal(reads.reads - before, pullReads + 1);

      await queue.truncate(1700);
      assert.deepEqual(offsetsIn(await queue.read(1600, 800)), range(1600, 1700), 'nothing past the truncation');
      for (let offset = 1700; offset < 1800; offset++) queue.append({ ...entry(offset), tagsCode: 7 });
      await queue.writePending();
      const again = await queue.read(1600, 200);
      assert.deepEqual(offsetsIn(again), range(1600, 1800));
      assert.equal(decodeCqEntry(again, 150 * CQ_ENTRY_BYTES).tagsCode, 7, 'the rewritten entries, not the cached ones');
    } finally {
      await pool.closeAll();
    }
  });
});
