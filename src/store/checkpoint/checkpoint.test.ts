import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc32 } from 'node:zlib';
import { CHECKPOINT_FILE_BYTES, decodeCheckpoint, encodeCheckpoint, type Checkpoint } from './checkpoint.js';

const CHECKPOINT: Checkpoint = {
  physicMsgTimestamp: 1700000000123,
  logicsMsgTimestamp: 1700000000100,
  indexMsgTimestamp: 0,
  masterFlushedOffset: 0,
  confirmPhyOffset: 0,
  consumeQueueSafeOffset: 1073741824 + 96,
  indexSafeOffset: 1073741824 + 48,
};

test('checkpoint - keeps RocketMQ\'s fields at their offsets in a 4 KiB file', () => {
  const bytes = encodeCheckpoint(CHECKPOINT);
  assert.equal(bytes.length, CHECKPOINT_FILE_BYTES);
  assert.equal(bytes.readBigInt64BE(0), 1700000000123n);
  assert.equal(bytes.readBigInt64BE(8), 1700000000100n);
  assert.equal(bytes.readBigInt64BE(16), 0n);
  assert.equal(bytes.readBigInt64BE(24), 0n);
  assert.equal(bytes.readBigInt64BE(32), 0n);
  assert.equal(bytes.subarray(40, 48).toString('ascii'), 'RMQTSCP2');
  assert.equal(bytes.readBigInt64BE(48), 1073741920n);
  assert.equal(bytes.readBigInt64BE(56), 1073741872n);
  assert.equal(bytes.readUInt32BE(64), crc32(bytes.subarray(0, 64)));
  assert.ok(bytes.subarray(68).every((byte) => byte === 0));
  assert.deepEqual(decodeCheckpoint(bytes), CHECKPOINT);
});

test('checkpoint - our first layout (RMQTSCP1, CRC at 56) still gives its safe offset, with no index offset', () => {
  const bytes = Buffer.alloc(CHECKPOINT_FILE_BYTES);
  bytes.writeBigInt64BE(1700000000123n, 0);
  bytes.write('RMQTSCP1', 40, 'ascii');
  bytes.writeBigInt64BE(4096n, 48);
  bytes.writeUInt32BE(crc32(bytes.subarray(0, 56)), 56);
  const decoded = decodeCheckpoint(bytes);
  assert.equal(decoded?.consumeQueueSafeOffset, 4096);
  assert.equal(decoded?.indexSafeOffset, undefined);
});

test('checkpoint - a Java checkpoint (no marker) has no safe offset', () => {
  const bytes = Buffer.alloc(CHECKPOINT_FILE_BYTES);
  bytes.writeBigInt64BE(1700000000123n, 0);
  bytes.writeBigInt64BE(1700000000100n, 8);
  const decoded = decodeCheckpoint(bytes);
  assert.equal(decoded?.physicMsgTimestamp, 1700000000123);
  assert.equal(decoded?.consumeQueueSafeOffset, undefined);
  assert.equal(decoded?.indexSafeOffset, undefined);
});

test('checkpoint - a damaged field of ours fails the CRC and is not trusted', () => {
  const bytes = encodeCheckpoint(CHECKPOINT);
  bytes[50] = (bytes[50] ?? 0) ^ 0x01;
  assert.equal(decodeCheckpoint(bytes)?.consumeQueueSafeOffset, undefined);
  assert.equal(decodeCheckpoint(bytes.subarray(0, 20)), undefined);
});
