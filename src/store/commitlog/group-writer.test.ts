import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testLogger } from '../../log/index.js';
import type { SegmentedFile } from '../file/segmented-file.js';
import type { PutMessageResult } from '../message-store.js';
import { GroupWriter, type FlushDiskType } from './group-writer.js';

const SEGMENT = 1 << 20;

/** A SegmentedFile stand-in whose writes finish only when the test says so. */
class HeldFile {
  readonly writes: { position: number; length: number; finish: (error?: Error) => void }[] = [];
  syncs = 0;
  truncatedAt: number | undefined;

  write(position: number, _source: Buffer, _at: number, length: number): Promise<void> {
    return new Promise((resolve, reject) => this.writes.push({ position, length, finish: (error) => (error ? reject(error) : resolve()) }));
  }

  async sync(): Promise<void> {
    this.syncs += 1;
  }

  async truncate(offset: number): Promise<void> {
    this.truncatedAt = offset;
  }
}

function writerOver(file: HeldFile, flushDiskType: FlushDiskType, dropped: number[][] = []): GroupWriter {
  const writer = new GroupWriter({
    file: file as unknown as SegmentedFile,
    bufferBytes: 1024 * 1024,
    flushDiskType,
    syncFlushTimeoutMs: 60_000,
    logger: testLogger(),
    onWritten: async () => undefined,
    onRollback: (end, records) => void dropped.push([end, records.length]),
  });
  writer.reset(0, 0);
  return writer;
}

/** Stages one `length`-byte record as the CommitLog would, and returns its put's answer. */
function stage(writer: GroupWriter, length: number): Promise<PutMessageResult> {
  const active = writer.active;
  const position = active.endOffset;
  active.reserve(position, length, SEGMENT);
  active.endOffset = position + length;
  active.dispatches.push({ topic: 'T', queueId: 0, queueOffset: 0, commitLogOffset: position, size: length, tagsCode: 0, storeTimestamp: 0 });
  return new Promise((resolve, reject) => {
    active.puts.push({ result: { status: 'PUT_OK', messages: [] }, resolve, reject, settled: false });
    writer.schedule();
  });
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('group-writer - SYNC_FLUSH: a group is answered after its fdatasync while the next group is still being written', async () => {
  const file = new HeldFile();
  const writer = writerOver(file, 'SYNC_FLUSH');
  const first = stage(writer, 100);
  await turn();
  assert.equal(file.writes.length, 1, 'the first group is being written');
  const second = stage(writer, 200);
  await turn();
  assert.equal(file.writes.length, 1, 'the second waits for the first write (no early write below EARLY_WRITE_BYTES)');
  file.writes[0]?.finish();
  assert.equal((await first).status, 'PUT_OK');
  assert.equal(file.writes.length, 2, 'the second group started when the first was written');
  assert.equal(writer.syncedOffset, 100);
  let secondAnswered = false;
  void second.then(() => (secondAnswered = true));
  await turn();
  assert.equal(secondAnswered, false, 'not before its own write and fdatasync');
  file.writes[1]?.finish();
  assert.equal((await second).status, 'PUT_OK');
  assert.equal(writer.syncedOffset, 300);
  await writer.drain();
});

test('group-writer - ASYNC_FLUSH: a full buffer is written at once, beside the running write, answered in order', async () => {
  const file = new HeldFile();
  const writer = writerOver(file, 'ASYNC_FLUSH');
  const small = stage(writer, 100);
  await turn();
  const big = Array.from({ length: 5 }, () => stage(writer, 60_000)); // 300,000 bytes: past EARLY_WRITE_BYTES
  assert.equal(file.writes.length, 2, 'EARLY_WRITE_BYTES staged start a second write without waiting');
  const order: string[] = [];
  void small.then(() => order.push('small'));
  void Promise.all(big).then(() => order.push('big'));
  file.writes[1]?.finish();
  await turn();
  assert.deepEqual(order, [], 'the later group waits for the earlier one');
  file.writes[0]?.finish();
  await Promise.all([small, ...big]);
  await turn();
  assert.deepEqual(order, ['small', 'big']);
  assert.equal(writer.writtenOffset, 100 + 5 * 60_000);
  await writer.drain();
});

test('group-writer - disk full: the failed group and the staged one are dropped and answered, the file is cut back, the next put goes there', async () => {
  const file = new HeldFile();
  const dropped: number[][] = [];
  const writer = writerOver(file, 'ASYNC_FLUSH', dropped);
  const kept = stage(writer, 100);
  await turn();
  file.writes[0]?.finish();
  assert.equal((await kept).status, 'PUT_OK');
  const failing = stage(writer, 50);
  await turn();
  const staged = stage(writer, 70);
  file.writes[1]?.finish(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }));
  for (const answer of await Promise.all([failing, staged])) {
    assert.equal(answer.status, 'SERVICE_NOT_AVAILABLE');
    assert.match('reason' in answer ? answer.reason : '', /disk full/);
  }
  await turn();
  assert.deepEqual(dropped, [[100, 2]]);
  assert.equal(file.truncatedAt, 100);
  assert.equal(writer.failure, undefined, 'a full disk does not stop the writer');
  assert.equal(writer.active.endOffset, 100);
  const again = stage(writer, 30);
  await turn();
  assert.equal(file.writes.at(-1)?.position, 100);
  file.writes.at(-1)?.finish();
  assert.equal((await again).status, 'PUT_OK');
  assert.equal(writer.isDiskFull, false);
  await writer.drain();
});
