import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, writeFile, readdir, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { captureLogger } from '../../log/index.js';
import { nodeFileSystem } from '../../store/index.js';
import { TimerMagic } from './timer-const.js';
import { encodeTimerRecord, TIMER_RECORD_BYTES, type TimerLogRecord } from './timer-log-record.js';
import { segmentName, TimerLog } from './timer-log.js';
import { cursorAfter, decodeCursor, encodeCursor, firstCursor, readSlot, type SlotCursor } from './timer-read.js';
import { TimerWheel } from './timer-wheel.js';

const SEGMENT_RECORDS = 4;
const SEGMENT_BYTES = SEGMENT_RECORDS * TIMER_RECORD_BYTES + 10; // rounded down to whole records

function record(index: number, slot: number): Buffer {
  const fields: TimerLogRecord = { magic: TimerMagic.DEFAULT, prevPos: -1, slot, dueMs: 1000 + index, storeMs: 5, commitLogOffset: index * 100, messageSize: 90 };
  const bytes = Buffer.alloc(TIMER_RECORD_BYTES);
  encodeTimerRecord(fields, bytes, 0);
  return bytes;
}

async function open(dir: string): Promise<TimerLog> {
  return TimerLog.open({ fs: nodeFileSystem, dir, segmentBytes: SEGMENT_BYTES, logger: captureLogger().logger });
}

test('timer-log - appends are read back before and after they are written, across segment files', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'timer-log-'));
  try {
    const log = await open(dir);
    assert.equal(log.segmentBytes, SEGMENT_RECORDS * TIMER_RECORD_BYTES);
    const positions = Array.from({ length: 10 }, (_, index) => log.append(record(index, 100 + index), 100 + index, index % 2 === 1));
    assert.deepEqual(positions, positions.map((_, index) => index * TIMER_RECORD_BYTES));
    assert.equal((await log.readRecord(positions[3] as number))?.dueMs, 1003, 'pending, from memory');
    assert.equal(log.pendingBytes, 10 * TIMER_RECORD_BYTES);
    assert.equal(await log.sync(), 10 * TIMER_RECORD_BYTES);
    assert.equal(log.pendingBytes, 0);
    assert.deepEqual((await readdir(dir)).sort(), [segmentName(0), segmentName(224), segmentName(448)]);
    for (const [index, position] of positions.entries()) assert.equal((await log.readRecord(position))?.commitLogOffset, index * 100);
    assert.equal(await log.readRecord(10 * TIMER_RECORD_BYTES), undefined, 'beyond the end');
    assert.equal(await log.readRecord(3), undefined, 'not a record boundary');
    assert.deepEqual(log.reaches(), [
      { start: 0, maxFineSlot: 102, maxCoarseSlot: 103 },
      { start: 224, maxFineSlot: 106, maxCoarseSlot: 107 },
      { start: 448, maxFineSlot: 108, maxCoarseSlot: 109 },
    ]);
    assert.equal(await log.removeDead((reach) => reach.maxFineSlot < 107), 2, 'the active segment stays whatever its reach');
    assert.equal(await log.readRecord(0), undefined, 'gone with its segment');
    assert.equal((await log.readRecord(8 * TIMER_RECORD_BYTES))?.dueMs, 1008);
    await log.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('timer-log - recovery scans from a position and cuts a torn tail, a flipped record and what follows it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'timer-log-'));
  try {
    const log = await open(dir);
    for (let index = 0; index < 7; index++) log.append(record(index, 7), 7, false);
    await log.sync();
    await log.close();
    // Record 6 torn in half (segment 1 holds records 4..6).
    await truncate(join(dir, segmentName(224)), 2 * TIMER_RECORD_BYTES + 20);
    let reopened = await open(dir);
    const seen: number[] = [];
    assert.equal(await reopened.scan(TIMER_RECORD_BYTES, (_, found) => seen.push(found.dueMs)), 6 * TIMER_RECORD_BYTES);
    assert.deepEqual(seen, [1001, 1002, 1003, 1004, 1005]);
    assert.equal((await stat(join(dir, segmentName(224)))).size, 2 * TIMER_RECORD_BYTES);
    assert.equal(reopened.append(record(9, 7), 7, false), 6 * TIMER_RECORD_BYTES, 'appends go on at the cut');
    await reopened.sync();
    await reopened.close();
    // A flipped byte in record 2: everything from it on goes, including the whole second segment.
    const first = join(dir, segmentName(0));
    const bytes = Buffer.alloc(4 * TIMER_RECORD_BYTES);
    for (let index = 0; index < 4; index++) record(index, 7).copy(bytes, index * TIMER_RECORD_BYTES);
    bytes[2 * TIMER_RECORD_BYTES + 30] = (bytes[2 * TIMER_RECORD_BYTES + 30] as number) ^ 4;
    await writeFile(first, bytes);
    reopened = await open(dir);
    assert.equal(await reopened.scan(0, () => undefined), 2 * TIMER_RECORD_BYTES);
    assert.deepEqual(await readdir(dir), [segmentName(0)]);
    assert.equal(reopened.endPosition, 2 * TIMER_RECORD_BYTES);
    await reopened.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('timer-read - a slot read by walking its chain or by scanning its range gives the same records, resumably', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'timer-log-'));
  try {
    const log = await TimerLog.open({ fs: nodeFileSystem, dir, segmentBytes: 64 * TIMER_RECORD_BYTES, logger: captureLogger().logger });
    const wheel = new TimerWheel(16, 100);
    // Slot 7 interleaved with slot 8 and with coarse records claiming slot 7; half of it written, half pending.
    for (let index = 0; index < 200; index++) {
      const slot = index % 3 === 0 ? 7 : 8;
      const coarse = index % 5 === 0;
      const position = log.endPosition;
      const prevPos = coarse ? -1 : wheel.link(slot, position, false);
      const bytes = Buffer.alloc(TIMER_RECORD_BYTES);
      encodeTimerRecord({ magic: TimerMagic.DEFAULT | (coarse ? TimerMagic.ROLL : 0), prevPos, slot, dueMs: index, storeMs: 0, commitLogOffset: index, messageSize: 1 }, bytes, 0);
      log.append(bytes, slot, coarse);
      if (index === 100) await log.sync();
    }
    const entry = wheel.entry(7);
    assert.ok(entry);
    const where = { slot: 7, coarse: false };
    const expected = Array.from({ length: 200 }, (_, index) => index).filter((index) => index % 3 === 0 && index % 5 !== 0);
    assert.equal(firstCursor(entry).mode, 'scan', 'a third of the range is the slot: dense');
    for (const first of [firstCursor(entry), { mode: 'walk' as const, position: entry.lastPos }]) {
      const seen: number[] = [];
      for (let cursor: SlotCursor | undefined = first; cursor !== undefined; ) {
        const step = await readSlot(log, captureLogger().logger, where, entry, cursor, 7);
        assert.ok(step.records.length <= 7);
        for (const record of step.records) {
          seen.push(record.dueMs);
          assert.equal(cursorAfter(first.mode, record, entry)?.position ?? -1, first.mode === 'walk' ? record.prevPos : record.position + TIMER_RECORD_BYTES > entry.lastPos ? -1 : record.position + TIMER_RECORD_BYTES);
        }
        cursor = step.cursor;
      }
      assert.deepEqual(seen.sort((a, b) => a - b), expected, first.mode);
    }
    assert.deepEqual(decodeCursor(encodeCursor({ mode: 'scan', position: 560 }, -1)), { mode: 'scan', position: 560 });
    assert.deepEqual(decodeCursor(encodeCursor({ mode: 'walk', position: 0 }, -1)), { mode: 'walk', position: 0 });
    assert.equal(encodeCursor(undefined, -1), -1);
    await log.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
