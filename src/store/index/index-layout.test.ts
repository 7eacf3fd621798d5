import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { FilePool } from '../file/file-pool.js';
import { nodeFileSystem } from '../file/node-file.js';
import { withTempDir } from '../testing/fixture.js';
import { IndexFile } from './index-file.js';
import {
  buildIndexKey,
  decodeIndexEntry,
  decodeIndexHeader,
  encodeIndexEntry,
  encodeIndexHeader,
  entryPosition,
  INDEX_ENTRY_BYTES,
  INDEX_HEADER_BYTES,
  indexFileBytes,
  indexFileName,
  indexKeyHash,
  parseIndexFileName,
  slotPosition,
  timeDiffSeconds,
} from './index-layout.js';

// Bytes below were built with Python's struct.pack('>qqqqii' / '>iqii') from the Java layout.
const HEADER_HEX = '0000018bcfe5687b0000018bcfe57c03000000000000000000000000000010000000000200000003';
const ENTRY_HEX = '717125c900000000000010000000000500000001';

test('index-layout - header and entry golden bytes (IndexHeader.java, IndexFile.java)', () => {
  const header = { beginTimestamp: 1700000000123, endTimestamp: 1700000005123, beginPhyOffset: 0, endPhyOffset: 4096, hashSlotCount: 2, indexCount: 3 };
  const bytes = encodeIndexHeader(header);
  assert.equal(bytes.length, INDEX_HEADER_BYTES);
  assert.equal(bytes.toString('hex'), HEADER_HEX);
  assert.deepEqual(decodeIndexHeader(bytes), header);
  const entry = { keyHash: indexKeyHash('TopicA#k1'), phyOffset: 4096, timeDiffSeconds: 5, prevIndex: 1 };
  const target = Buffer.alloc(INDEX_ENTRY_BYTES);
  encodeIndexEntry(entry, target, 0);
  assert.equal(target.toString('hex'), ENTRY_HEX);
  assert.deepEqual(decodeIndexEntry(target, 0), entry);
});

test('index-layout - positions, sizes and the defaults of a 420 MB file', () => {
  assert.equal(slotPosition(0), 40);
  assert.equal(slotPosition(3), 52);
  assert.equal(entryPosition(4, 0), 56);
  assert.equal(entryPosition(4, 2), 96);
  assert.equal(indexFileBytes(5_000_000, 20_000_000), 40 + 5_000_000 * 4 + 20_000_000 * 20);
});

test('index-layout - a damaged header decodes without throwing, indexCount at least 1', () => {
  const bytes = Buffer.alloc(INDEX_HEADER_BYTES, 0xff);
  const header = decodeIndexHeader(bytes);
  assert.equal(header.indexCount, 1);
  assert.equal(header.beginTimestamp, -1);
  bytes.fill(0x7f);
  assert.equal(decodeIndexHeader(bytes).endPhyOffset, 0, 'a long beyond 2^53 reads as 0');
  const entry = Buffer.alloc(INDEX_ENTRY_BYTES, 0x7f);
  assert.equal(decodeIndexEntry(entry, 0).phyOffset, -1);
});

test('index-layout - key hash is abs(String.hashCode) of topic#key, Integer.MIN_VALUE as 0', () => {
  assert.equal(buildIndexKey('TopicA', 'k1'), 'TopicA#k1');
  assert.equal(indexKeyHash('TopicA#k1'), 1903240649); // Java: "TopicA#k1".hashCode() == -1903240649
  assert.equal(indexKeyHash('TopicA#order-1'), 12101377);
  assert.equal(indexKeyHash('polygenelubricants'), 0); // hashCode() == Integer.MIN_VALUE
  assert.equal(indexKeyHash('中文#键'), Math.abs(indexKeyHash('中文#键')));
});

test('index-layout - time differences are whole seconds from the file begin, clamped', () => {
  assert.equal(timeDiffSeconds(0, 1700000000123), 0, 'no begin yet');
  assert.equal(timeDiffSeconds(1700000000123, 1700000002122), 1);
  assert.equal(timeDiffSeconds(1700000000123, 1700000000000), 0);
  assert.equal(timeDiffSeconds(1, 1 + 2 ** 31 * 1000 + 5000), 2 ** 31 - 1);
});

test('index-layout - file names are local yyyyMMddHHmmssSSS and parse back', () => {
  const time = new Date(2024, 0, 2, 3, 4, 5, 67).getTime();
  assert.equal(indexFileName(time), '20240102030405067');
  assert.equal(parseIndexFileName('20240102030405067'), time);
  for (const bad of ['2024010203040506', '20241302030405067', 'abc', '20240102030405067.tmp']) assert.equal(parseIndexFileName(bad), undefined, bad);
});

// Whole file, 4 slots and room for 5 entries: "TopicA#k1" and "TopicA#order-1" share slot 1.
const FILE_HEX =
  '0000018bcfe5687b0000018bcfe57b87000000000000000000000000000001900000000200000004' +
  '000000030000000200000000000000000000000000000000000000000000000000000000717125c9' +
  '0000000000000000000000000000000000b8a70100000000000000c80000000200000001717125c8' +
  '00000000000001900000000400000000';

test('index-file - written through the pool, a small file has Java\'s bytes and answers lookups', async () => {
  await withTempDir(async (dir) => {
    const pool = new FilePool(nodeFileSystem, 4, () => undefined);
    const geometry = { hashSlotNum: 4, indexNum: 5 };
    const path = join(dir, '20240102030405067');
    const file = await IndexFile.create(pool, path, geometry, undefined);
    assert.ok(file.putKey(indexKeyHash('TopicA#k1'), 0, 1700000000123));
    assert.ok(file.putKey(indexKeyHash('TopicA#order-1'), 200, 1700000002500));
    assert.ok(file.putKey(indexKeyHash('TopicA#k2'), 400, 1700000004999));
    assert.equal(file.tailEntries, 3);
    await file.flush();
    assert.equal((await readFile(path)).toString('hex'), FILE_HEX);
    assert.ok(file.putKey(indexKeyHash('TopicA#k1'), 600, 1700000006000));
    assert.equal(file.putKey(indexKeyHash('TopicA#k3'), 800, 1700000007000), false, 'full at indexNum - 1 entries');
    const found: number[] = [];
    const noSlots = (): Promise<number> => Promise.reject(new Error('the writable file reads slots from memory'));
    await file.select(indexKeyHash('TopicA#k1'), 0, Number.MAX_SAFE_INTEGER, 10, found, noSlots);
    assert.deepEqual(found, [600, 0], 'newest first, the colliding key skipped');
    await file.seal();
    await pool.closeAll();

    const again = new FilePool(nodeFileSystem, 4, () => undefined);
    const reopened = await IndexFile.open(again, path, geometry);
    assert.equal(reopened.header.indexCount, 5);
    assert.ok(reopened.isFull);
    const fromDisk: number[] = [];
    await reopened.select(indexKeyHash('TopicA#k1'), 1700000001000, Number.MAX_SAFE_INTEGER, 10, fromDisk, (sealed, slot) => sealed.readSlotFromDisk(slot));
    assert.deepEqual(fromDisk, [600], 'the walk stops below the begin time');
    await again.closeAll();
  });
});

test('index-file - slots a crash left past indexCount are walked back to the flushed entries', async () => {
  await withTempDir(async (dir) => {
    const pool = new FilePool(nodeFileSystem, 4, () => undefined);
    const geometry = { hashSlotNum: 4, indexNum: 100 };
    const path = join(dir, '20240102030405067');
    const file = await IndexFile.create(pool, path, geometry, undefined);
    const k1 = indexKeyHash('TopicA#k1');
    file.putKey(k1, 0, 1700000000000);
    file.putKey(k1, 100, 1700000001000);
    await file.flush();
    // Entries 3 and 4 and their slot reach the disk, the header (indexCount 3) does not: a crash
    // between the slot write and the header write of a flush.
    file.putKey(k1, 200, 1700000002000);
    file.putKey(indexKeyHash('TopicA#k3'), 300, 1700000003000);
    await file.writeTail();
    const slots = Buffer.alloc(16);
    slots.writeInt32BE(4, 3 * 4);
    slots.writeInt32BE(3, 1 * 4);
    await pool.use(path, (handle) => handle.writeAt(slots, 0, 16, slotPosition(0)));
    await pool.closeAll();

    const again = new FilePool(nodeFileSystem, 4, () => undefined);
    const reopened = await IndexFile.open(again, path, geometry);
    assert.equal(reopened.header.indexCount, 3);
    assert.equal(await reopened.makeWritable(), 2, 'two slots pointed past indexCount');
    const found: number[] = [];
    await reopened.select(k1, 0, Number.MAX_SAFE_INTEGER, 10, found, () => Promise.resolve(0));
    assert.deepEqual(found, [100, 0]);
    const none: number[] = [];
    await reopened.select(indexKeyHash('TopicA#k3'), 0, Number.MAX_SAFE_INTEGER, 10, none, () => Promise.resolve(0));
    assert.deepEqual(none, []);
    reopened.putKey(k1, 400, 1700000004000);
    const after: number[] = [];
    await reopened.select(k1, 0, Number.MAX_SAFE_INTEGER, 10, after, () => Promise.resolve(0));
    assert.deepEqual(after, [400, 100, 0], 'new entries chain onto the repaired slot');
    await again.closeAll();
  });
});
