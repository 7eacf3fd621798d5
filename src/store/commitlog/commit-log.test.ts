import assert from 'node:assert/strict';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { BLANK_MAGIC_CODE, createOffsetMessageId, decodeRecord, encodeSocketAddress, measureRecord } from '../../message/index.js';
import type { StoreConfig } from '../config.js';
import type { AppendedMessage, PutMessageResult } from '../message-store.js';
import { putRequest, smallConfig, startStore, STORE_HOST, withTempDir, type StoreUnderTest } from '../testing/fixture.js';
import { joinRecords } from '../get-message.js';
import { CHUNK_BYTES, ChunkCache, ReadBuffers, type RecordReader } from './record-reader.js';

async function withStore(overrides: Partial<StoreConfig>, run: (under: StoreUnderTest, root: string) => Promise<void>): Promise<void> {
  await withTempDir(async (root) => {
    const under = await startStore(smallConfig(root, overrides));
    try {
      await run(under, root);
    } finally {
      under.fs.writeGate.open();
      under.fs.syncGate.open();
      await under.store.shutdown();
    }
  });
}

function stored(result: PutMessageResult): readonly AppendedMessage[] {
  assert.equal(result.status, 'PUT_OK', JSON.stringify(result));
  assert.ok('messages' in result);
  return result.messages;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('commit-log - rolls to a new segment with a blank tail', async () => {
  await withStore({}, async ({ store }, root) => {
    const request = putRequest('TopicTest', 0, 'x'.repeat(500), 'TagA');
    const size = measureRecord(request).size;
    const perSegment = Math.floor((4096 - 8) / size);
    const appended: AppendedMessage[] = [];
    for (let index = 0; index <= perSegment; index++) appended.push(...stored(await store.putMessage(request)));
    const first = appended[0];
    const rolled = appended[perSegment];
    assert.equal(first?.commitLogOffset, 0);
    assert.equal(rolled?.commitLogOffset, 4096, 'the record that does not fit starts the next segment');
    assert.equal(rolled.queueOffset, perSegment);
    assert.equal(store.maxPhyOffset, 4096 + size);

    const dir = join(root, 'commitlog');
    assert.deepEqual((await readdir(dir)).sort(), ['00000000000000000000', '00000000000000004096']);
    const blankAt = perSegment * size;
    const file = await open(join(dir, '00000000000000000000'));
    const blank = Buffer.alloc(8);
    await file.read(blank, 0, 8, blankAt);
    await file.close();
    assert.equal(blank.readInt32BE(0), 4096 - blankAt, 'TOTALSIZE is the rest of the segment');
    assert.equal(blank.readInt32BE(4), BLANK_MAGIC_CODE);
    assert.equal((await stat(join(dir, '00000000000000000000'))).size, blankAt + 8);

    for (const message of appended) {
      const record = await store.lookMessageByOffset(message.commitLogOffset);
      assert.equal(record?.queueOffset, message.queueOffset);
      assert.equal(record?.body.toString(), 'x'.repeat(500));
      assert.equal(record?.storeTimestamp, message.storeTimestamp);
      assert.equal(message.msgId, createOffsetMessageId(STORE_HOST, message.commitLogOffset));
    }
    assert.equal(await store.lookMessageByOffset(blankAt), undefined, 'a blank record is no message');
    assert.equal(await store.lookMessageByOffset(1), undefined, 'no record starts mid-record');
  });
});

test('commit-log - refuses what cannot be stored, and stores nothing', async () => {
  await withStore({}, async ({ store }) => {
    const big = await store.putMessage(putRequest('TopicTest', 0, 'y'.repeat(3000)));
    assert.equal(big.status, 'MESSAGE_ILLEGAL');
    const properties = { ...putRequest('TopicTest', 0, 'z'), properties: 'K\u0001' + 'v'.repeat(32767) + '\u0002' };
    assert.equal((await store.putMessage(properties)).status, 'PROPERTIES_SIZE_EXCEEDED');
    const v6Born = { ...putRequest('TopicTest', 0, 'z'), bornHost: encodeSocketAddress('::1', 1) };
    assert.equal((await store.putMessage(v6Born)).status, 'MESSAGE_ILLEGAL', 'bornHost must match the sysFlag');
    assert.equal((await store.putMessages([])).status, 'MESSAGE_ILLEGAL');
    assert.equal(store.maxPhyOffset, 0);
    assert.equal(store.getMaxOffsetInQueue('TopicTest', 0), 0);
  });
});

test('commit-log - a batch gets consecutive records and queue offsets, all or nothing', async () => {
  await withStore({}, async ({ store }) => {
    stored(await store.putMessage(putRequest('TopicTest', 1, 'first')));
    const batch = Array.from({ length: 5 }, (_, index) => putRequest('TopicTest', 1, `batch-${index}`, 'TagB'));
    const messages = stored(await store.putMessages(batch));
    assert.deepEqual(messages.map((message) => message.queueOffset), [1, 2, 3, 4, 5]);
    for (let index = 1; index < messages.length; index++) {
      const previous = messages[index - 1] as AppendedMessage;
      assert.equal(messages[index]?.commitLogOffset, previous.commitLogOffset + previous.size);
    }
    const before = store.maxPhyOffset;
    const bad = [...batch, putRequest('TopicTest', 1, 'q'.repeat(3000))];
    assert.equal((await store.putMessages(bad)).status, 'MESSAGE_ILLEGAL');
    assert.equal(store.maxPhyOffset, before);
    assert.equal(store.getMaxOffsetInQueue('TopicTest', 1), 6);
    // A batch that does not fit the rest of the segment moves to the next one whole.
    const wide = Array.from({ length: 4 }, () => putRequest('TopicTest', 1, 'w'.repeat(800)));
    const moved = stored(await store.putMessages(wide));
    assert.equal(moved[0]?.commitLogOffset, 4096);
    assert.deepEqual(moved.map((message) => message.queueOffset), [6, 7, 8, 9]);
  });
});

test('commit-log - a record is readable from staging before it is written', async () => {
  await withStore({}, async ({ store, fs }) => {
    fs.writeGate.close();
    let settled = false;
    const put = store.putMessage(putRequest('TopicTest', 0, 'staged')).then((result) => {
      settled = true;
      return result;
    });
    await tick();
    const bytes = await store.selectOneMessageByOffset(0);
    assert.equal(settled, false, 'the write is still held');
    assert.ok(bytes !== undefined);
    const decoded = decodeRecord(bytes, 0, true);
    assert.equal(decoded.kind, 'MESSAGE');
    assert.equal(decoded.kind === 'MESSAGE' ? decoded.message.body.toString() : '', 'staged');
    fs.writeGate.open();
    stored(await put);
  });
});

test('commit-log - answers OS_PAGE_CACHE_BUSY when both write buffers are full', async () => {
  await withStore({ commitLogWriteBufferBytes: 4096, maxMessageSize: 1024 }, async ({ store, fs }) => {
    fs.writeGate.close();
    const accepted: Promise<PutMessageResult>[] = [];
    let busy: PutMessageResult | undefined;
    for (let attempt = 0; attempt < 100 && busy === undefined; attempt++) {
      const put = store.putMessage(putRequest('TopicTest', 0, 'b'.repeat(600)));
      const outcome = await Promise.race([put, tick().then(() => undefined)]);
      if (outcome?.status === 'OS_PAGE_CACHE_BUSY') busy = outcome;
      else accepted.push(put);
    }
    assert.equal(busy?.status, 'OS_PAGE_CACHE_BUSY');
    assert.ok(accepted.length >= 2);
    fs.writeGate.open();
    const results = await Promise.all(accepted);
    assert.deepEqual(results.map((result) => stored(result)[0]?.queueOffset), accepted.map((_, index) => index));
    assert.equal(store.getMaxOffsetInQueue('TopicTest', 0), accepted.length);
    assert.equal((await store.putMessage(putRequest('TopicTest', 0, 'after'))).status, 'PUT_OK');
  });
});

test('commit-log - SYNC_FLUSH: puts waiting together share one write and one fdatasync', async () => {
  await withStore({ flushDiskType: 'SYNC_FLUSH' }, async ({ store, fs }, root) => {
    const io = fs.count(join(root, 'commitlog'));
    const puts = Array.from({ length: 20 }, (_, index) => store.putMessage(putRequest('TopicTest', index % 2, `m${index}`)));
    const results = await Promise.all(puts);
    for (const result of results) stored(result);
    assert.equal(io.writes, 1);
    assert.equal(io.datasyncs, 1);
    const pulled = await store.getMessage({ topic: 'TopicTest', queueId: 0, offset: 0, maxMsgNums: 32 });
    assert.equal(pulled.records.length, 10);
  });
});

test('commit-log - SYNC_FLUSH answers FLUSH_DISK_TIMEOUT when fdatasync outlasts syncFlushTimeout', async () => {
  await withStore({ flushDiskType: 'SYNC_FLUSH', syncFlushTimeout: 20 }, async ({ store, fs }) => {
    fs.syncGate.close();
    const result = await store.putMessage(putRequest('TopicTest', 0, 'slow disk'));
    assert.equal(result.status, 'FLUSH_DISK_TIMEOUT');
    assert.ok('messages' in result && result.messages.length === 1);
    const record = await store.lookMessageByOffset(0);
    assert.equal(record?.body.toString(), 'slow disk', 'written, only not synced');
    fs.syncGate.open();
  });
});

test('commit-log - ASYNC_FLUSH acknowledges once the OS has the bytes, before any fdatasync', async () => {
  await withStore({ flushDiskType: 'ASYNC_FLUSH' }, async ({ store, fs }, root) => {
    const io = fs.count(join(root, 'commitlog'));
    fs.syncGate.close();
    stored(await store.putMessage(putRequest('TopicTest', 0, 'fast')));
    assert.equal(io.datasyncs, 0);
    const pulled = await store.getMessage({ topic: 'TopicTest', queueId: 0, offset: 0, maxMsgNums: 32 });
    assert.equal(pulled.status, 'FOUND');
    fs.syncGate.open();
  });
});

test('commit-log - a pull reads records that lie close together with one pread', async () => {
  await withStore({ mappedFileSizeCommitLog: 65536 }, async ({ store, fs }, root) => {
    for (let index = 0; index < 12; index++) {
      stored(await store.putMessage(putRequest('TopicTest', index % 2, `m${index}`)));
    }
    // The newest written bytes are served from memory (recent-bytes.ts); forget them to read the file.
    (store as unknown as { commitLog: { writer: { recent: { clear(): void } } } }).commitLog.writer.recent.clear();
    const io = fs.count(join(root, 'commitlog'));
    const pulled = await store.getMessage({ topic: 'TopicTest', queueId: 0, offset: 0, maxMsgNums: 32 });
    assert.equal(pulled.records.length, 6);
    assert.equal(io.reads, 1);
    assert.deepEqual(
      pulled.records.map((record) => {
        const decoded = decodeRecord(record, 0);
        return decoded.kind === 'MESSAGE' ? decoded.message.body.toString() : '';
      }),
      ['m0', 'm2', 'm4', 'm6', 'm8', 'm10'],
    );
    // The records are copied out of the chunk read, back to back: the body is a view of them; the
    // next pull (of the other queue, interleaved with the first) is served by the same chunk.
    const body = joinRecords(pulled.records, pulled.bytes);
    assert.deepEqual(body, Buffer.concat(pulled.records));
    assert.equal(body.buffer, pulled.records[0]?.buffer, 'a view, not a copy');
    const other = await store.getMessage({ topic: 'TopicTest', queueId: 1, offset: 0, maxMsgNums: 32 });
    assert.equal(other.records.length, 6);
    assert.equal(io.reads, 1, 'the other queue read no file');
    assert.deepEqual(
      other.records.map((record) => {
        const decoded = decodeRecord(record, 0);
        return decoded.kind === 'MESSAGE' ? decoded.message.body.toString() : '';
      }),
      ['m1', 'm3', 'm5', 'm7', 'm9', 'm11'],
    );
    assert.deepEqual(body, Buffer.concat(pulled.records), 'the first pull is untouched by the second');
    assert.equal(decodeRecord(body, 0).kind, 'MESSAGE');
  });
});

test('commit-log - pull chunks: bytes written after a chunk was read are read again; bad bytes are not kept', async () => {
  await withStore({ mappedFileSizeCommitLog: 65536 }, async ({ store, fs }, root) => {
    const recent = (store as unknown as { commitLog: { writer: { recent: { clear(): void } } } }).commitLog.writer.recent;
    const reader = (store as unknown as { commitLog: { reader: RecordReader } }).commitLog.reader;
    for (let index = 0; index < 4; index++) stored(await store.putMessage(putRequest('TopicTest', 0, `a${index}`)));
    recent.clear();
    const io = fs.count(join(root, 'commitlog'));
    assert.equal((await store.getMessage({ topic: 'TopicTest', queueId: 0, offset: 0, maxMsgNums: 32 })).records.length, 4);
    assert.equal(io.reads, 1);
    // Four more in the same chunk: the chunk held only the first four, so it is read again, once.
    for (let index = 4; index < 8; index++) stored(await store.putMessage(putRequest('TopicTest', 0, `a${index}`)));
    recent.clear();
    const all = await store.getMessage({ topic: 'TopicTest', queueId: 0, offset: 0, maxMsgNums: 32 });
    assert.equal(all.records.length, 8);
    assert.equal(io.reads, 2);
    assert.equal((await store.getMessage({ topic: 'TopicTest', queueId: 0, offset: 2, maxMsgNums: 32 })).records.length, 6);
    assert.equal(io.reads, 2, 'held now');
    // Bytes that do not check out (here: the chunk's copy damaged in memory) are not served and not kept.
    const chunk = (reader.chunks as unknown as { chunks: Map<number, { bytes: Buffer }> }).chunks.get(0);
    assert.ok(chunk !== undefined);
    chunk.bytes.writeInt32BE(0x12345678, 4);
    const damaged = await store.getMessage({ topic: 'TopicTest', queueId: 0, offset: 0, maxMsgNums: 32 });
    assert.notEqual(damaged.records.length, 8);
    assert.equal(reader.chunks.size, 0);
    const again = await store.getMessage({ topic: 'TopicTest', queueId: 0, offset: 0, maxMsgNums: 32 });
    assert.equal(again.records.length, 8);
    assert.equal(io.reads, 3);
  });
});

test('commit-log - pull chunks: at most CHUNKS_KEPT are held, the least recently used dropped first', async () => {
  const read: number[] = [];
  const source = {
    file: {
      segmentStart: (offset: number) => Math.floor(offset / (64 * CHUNK_BYTES)) * 64 * CHUNK_BYTES,
      read: async (position: number, _target: Buffer, _at: number, length: number) => {
        read.push(position);
        return length;
      },
    },
    segmentBytes: 64 * CHUNK_BYTES,
  } as unknown as ConstructorParameters<typeof ChunkCache>[0];
  const cache = new ChunkCache(source, 3);
  const written = 64 * CHUNK_BYTES;
  for (const start of [0, 1, 2, 0, 3, 1].map((n) => n * CHUNK_BYTES)) await cache.chunk(start, start + 10, written);
  // 0, 1, 2 read; 0 used again; 3 drops 1 (least recently used); 1 is read again.
  assert.deepEqual(read, [0, 1, 2, 3, 1].map((n) => n * CHUNK_BYTES));
  assert.equal(cache.size, 3);
  // Concurrent pulls of one chunk share its read.
  await Promise.all([cache.chunk(5 * CHUNK_BYTES, 5 * CHUNK_BYTES + 1, written), cache.chunk(5 * CHUNK_BYTES, 5 * CHUNK_BYTES + 2, written)]);
  assert.equal(read.filter((position) => position === 5 * CHUNK_BYTES).length, 1);
  assert.equal(cache.chunkStart(64 * CHUNK_BYTES + 3), 64 * CHUNK_BYTES);
});

test('commit-log - pull chunks: the buffer of a dropped chunk is reused only once every holder released it', async () => {
  let failNext = false;
  const source = {
    file: {
      segmentStart: (offset: number) => Math.floor(offset / (64 * CHUNK_BYTES)) * 64 * CHUNK_BYTES,
      read: async (position: number, target: Buffer, at: number, length: number) => {
        if (failNext) {
          failNext = false;
          throw new Error('EIO');
        }
        target.fill(position / CHUNK_BYTES + 1, at, at + length);
        return length;
      },
    },
    segmentBytes: 64 * CHUNK_BYTES,
  } as unknown as ConstructorParameters<typeof ChunkCache>[0];
  const cache = new ChunkCache(source, 1);
  const written = 64 * CHUNK_BYTES;
  const first = await cache.chunk(0, 10, written);
  const second = await cache.chunk(CHUNK_BYTES, CHUNK_BYTES + 10, written);
  assert.equal(cache.size, 1);
  assert.equal(cache.spareCount, 0, 'the dropped first chunk is still held by its caller');
  assert.equal(first.bytes[0], 1, 'and its bytes are untouched');
  cache.release(first);
  assert.equal(cache.spareCount, 1);
  cache.release(first);
  assert.equal(cache.spareCount, 1, 'a buffer is never given back twice');
  cache.release(second);
  const third = await cache.chunk(2 * CHUNK_BYTES, 2 * CHUNK_BYTES + 10, written);
  assert.ok(third.bytes === first.bytes, 'the next chunk is read into the spare buffer');
  assert.equal(third.bytes[0], 3);
  assert.equal(cache.spareCount, 1, 'the released second chunk was dropped into the spares');
  // A failed read gives its pin back: the chunk is dropped and its buffer reusable.
  cache.release(third);
  failNext = true;
  await assert.rejects(cache.chunk(3 * CHUNK_BYTES, 3 * CHUNK_BYTES + 10, written), /EIO/);
  assert.equal(cache.size, 0);
  assert.equal(cache.spareCount, 2);
  // A chunk served from the cache (no read) is pinned for its caller too.
  cache.release(await cache.chunk(4 * CHUNK_BYTES, 4 * CHUNK_BYTES + 10, written));
  const hit = await cache.chunk(4 * CHUNK_BYTES, 4 * CHUNK_BYTES + 5, written);
  assert.equal(cache.spareCount, 1);
  const other = await cache.chunk(5 * CHUNK_BYTES, 5 * CHUNK_BYTES + 10, written);
  assert.equal(cache.spareCount, 0, 'the cached chunk was dropped but its caller still holds it');
  assert.equal(hit.bytes[0], 5);
  cache.release(hit);
  cache.release(other);
  assert.equal(cache.spareCount, 1);
});

test('commit-log - read buffers: reused, at most the number kept, a large range gets its own', () => {
  const buffers = new ReadBuffers(1024, 2);
  const taken = [buffers.take(100), buffers.take(1024), buffers.take(1000)];
  assert.ok(taken.every((buffer) => buffer.length === 1024));
  const large = buffers.take(5000);
  assert.equal(large.length, 5000);
  for (const buffer of [...taken, large]) buffers.give(buffer);
  assert.equal(buffers.idle, 2);
  assert.ok(taken.includes(buffers.take(10)));
});

test('commit-log - a pull at the end reads the newest records from memory, without a file read', async () => {
  await withStore({}, async ({ store, fs }, root) => {
    for (let index = 0; index < 4; index++) stored(await store.putMessage(putRequest('TopicTest', 0, `n${index}`)));
    const io = fs.count(join(root, 'commitlog'));
    const pulled = await store.getMessage({ topic: 'TopicTest', queueId: 0, offset: 0, maxMsgNums: 32 });
    assert.equal(io.reads, 0);
    assert.deepEqual(
      pulled.records.map((record) => {
        const decoded = decodeRecord(record, 0);
        return decoded.kind === 'MESSAGE' ? decoded.message.body.toString() : '';
      }),
      ['n0', 'n1', 'n2', 'n3'],
    );
  });
});
