import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeCheckpoint,
  decodeSnapshot,
  encodeCheckpoint,
  encodeJavaCheckpoint,
  encodeSnapshot,
  JAVA_CHECKPOINT_BYTES,
  NO_TRANSFER,
  type TimerCheckpoint,
} from './timer-checkpoint.js';
import { TimerMagic } from './timer-const.js';
import { decodeTimerRecord, encodeTimerRecord, isDelete, isRoll, TIMER_RECORD_BYTES, type TimerLogRecord } from './timer-log-record.js';
import { timerGeometry } from './timer-placement.js';
import { decodeSlot, encodeSlot, SLOT_BYTES } from './timer-wheel.js';

const RECORD: TimerLogRecord = {
  magic: TimerMagic.DEFAULT | TimerMagic.DELETE,
  prevPos: -1,
  slot: 17_000_000_001,
  dueMs: 1_700_000_000_123,
  storeMs: 1_699_999_999_000,
  commitLogOffset: 4096,
  messageSize: 250,
};
// Computed independently (Python struct + zlib.crc32).
const RECORD_HEX = '0000003800000005ffffffffffffffff00000003f5476a010000018bcfe5687b0000018bcfe564180000000000001000000000fa6ca2ea50';

test('timer-log-record - golden bytes: size, magic, prevPos, slot, due, store time, offset, size, CRC', () => {
  const bytes = Buffer.alloc(TIMER_RECORD_BYTES + 8);
  encodeTimerRecord(RECORD, bytes, 8);
  assert.equal(bytes.subarray(8).toString('hex'), RECORD_HEX);
  assert.deepEqual(decodeTimerRecord(bytes, 8), RECORD);
  assert.equal(isDelete(RECORD.magic), true);
  assert.equal(isRoll(RECORD.magic), false);
});

test('timer-log-record - a torn, zeroed, flipped or short record is not one', () => {
  const bytes = Buffer.from(RECORD_HEX, 'hex');
  assert.equal(decodeTimerRecord(Buffer.alloc(TIMER_RECORD_BYTES), 0), undefined, 'zeros');
  assert.equal(decodeTimerRecord(bytes.subarray(0, TIMER_RECORD_BYTES - 1), 0), undefined, 'short');
  for (const at of [0, 5, 20, 47, 55]) {
    const flipped = Buffer.from(bytes);
    flipped[at] = (flipped[at] as number) ^ 0x10;
    assert.equal(decodeTimerRecord(flipped, 0), undefined, `byte ${at} flipped`);
  }
  const badMagic = Buffer.alloc(TIMER_RECORD_BYTES);
  encodeTimerRecord({ ...RECORD, magic: 0x10 | TimerMagic.DEFAULT }, badMagic, 0);
  assert.equal(decodeTimerRecord(badMagic, 0), undefined, 'a magic bit Java does not know');
});

test('timer-wheel - slot entry golden bytes (Java Slot layout: slot, firstPos, lastPos, num, magic)', () => {
  const bytes = Buffer.alloc(SLOT_BYTES);
  const entry = { slot: 17_000_000_001, firstPos: 560, lastPos: 1120, num: 3, magic: TimerMagic.DELETE };
  encodeSlot(entry, bytes, 0);
  assert.equal(bytes.toString('hex'), '00000003f5476a01000000000000023000000000000004600000000300000004');
  assert.deepEqual(decodeSlot(bytes, 0), entry);
});

const CHECKPOINT: TimerCheckpoint = {
  lastReadTimeMs: 1_700_000_000_000,
  lastTimerLogFlushPos: 5600,
  lastTimerQueueOffset: 42,
  masterTimerQueueOffset: 42,
  dataVersion: { stateVersion: 0, timestamp: 1_700_000_000_500, counter: 7 },
  coarseReadTimeMs: 1_700_003_600_000,
  geometry: timerGeometry(100, 36_000),
  transferCursor: NO_TRANSFER,
};

test('timer-checkpoint - the first 56 bytes are Java\'s TimerCheckpoint.encode, ours follow and round-trip', () => {
  const java = encodeJavaCheckpoint(CHECKPOINT);
  assert.equal(java.length, JAVA_CHECKPOINT_BYTES);
  assert.equal(
    java.toString('hex'),
    '0000018bcfe5680000000000000015e0000000000000002a000000000000002a00000000000000000000018bcfe569f40000000000000007',
  );
  const bytes = encodeCheckpoint({ ...CHECKPOINT, transferCursor: 1120 });
  assert.deepEqual(bytes.subarray(0, JAVA_CHECKPOINT_BYTES), java);
  assert.equal(bytes.subarray(56, 64).toString('ascii'), 'RMQTSTC1');
  assert.deepEqual(decodeCheckpoint(bytes), { ...CHECKPOINT, transferCursor: 1120 });
  const flipped = Buffer.from(bytes);
  flipped[70] = (flipped[70] as number) ^ 1;
  assert.equal(decodeCheckpoint(flipped), undefined, 'a flipped bit fails the CRC');
  assert.equal(decodeCheckpoint(java), undefined, 'Java\'s own file is not ours');
});

test('timer-checkpoint - a wheel snapshot round-trips, and a torn or mismatched one is refused', () => {
  const geometry = { fineSlotMs: 100, fineSlots: 4, coarseSlotMs: 100, coarseSlots: 2 };
  const fine = Buffer.alloc(4 * SLOT_BYTES, 1);
  const coarse = Buffer.alloc(2 * SLOT_BYTES, 2);
  const segments = [{ start: 0, maxFineSlot: 12, maxCoarseSlot: -1 }, { start: 5600, maxFineSlot: -1, maxCoarseSlot: 3 }];
  const bytes = encodeSnapshot({ logPosition: 5656, geometry, fine, coarse, segments });
  assert.deepEqual(decodeSnapshot(bytes), { logPosition: 5656, geometry, fine, coarse, segments });
  assert.equal(decodeSnapshot(bytes.subarray(0, bytes.length - 1)), undefined, 'torn');
  const flipped = Buffer.from(bytes);
  flipped[40] = (flipped[40] as number) ^ 1;
  assert.equal(decodeSnapshot(flipped), undefined, 'flipped');
});
