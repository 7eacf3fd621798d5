import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LongRangeError, readLong, writeLong } from './long.js';

// Expected bytes are Java's ByteBuffer.putLong / String.format("%016X") of the same values.
const GOLDEN: readonly [number, string][] = [
  [0, '0000000000000000'],
  [1234567890123, '0000011F71FB04CB'],
  [-1, 'FFFFFFFFFFFFFFFF'],
  [4294967296, '0000000100000000'],
  [-4294967296, 'FFFFFFFF00000000'],
  [Number.MAX_SAFE_INTEGER, '001FFFFFFFFFFFFF'],
  [Number.MIN_SAFE_INTEGER, 'FFE0000000000001'],
];

test('long - writeLong writes big-endian int64 like Java putLong', () => {
  for (const [value, hex] of GOLDEN) {
    const buffer = Buffer.alloc(10, 0xee);
    assert.equal(writeLong(buffer, value, 1), 9);
    assert.equal(buffer.toString('hex').toUpperCase(), `EE${hex}EE`, `value ${value}`);
  }
});

test('long - readLong reads what Java putLong wrote', () => {
  for (const [value, hex] of GOLDEN) {
    const buffer = Buffer.from(`00${hex}`, 'hex');
    assert.equal(readLong(buffer, 1), value, hex);
  }
});

test('long - values beyond 2^53 are refused both ways', () => {
  assert.throws(() => writeLong(Buffer.alloc(8), 2 ** 53, 0), LongRangeError);
  assert.throws(() => writeLong(Buffer.alloc(8), 1.5, 0), LongRangeError);
  assert.throws(() => writeLong(Buffer.alloc(8), Number.NaN, 0), LongRangeError);
  assert.throws(() => readLong(Buffer.from('0020000000000000', 'hex'), 0), LongRangeError);
  assert.throws(() => readLong(Buffer.from('7FFFFFFFFFFFFFFF', 'hex'), 0), LongRangeError);
  assert.throws(() => readLong(Buffer.from('8000000000000000', 'hex'), 0), LongRangeError);
});

test('long - reading past the buffer throws a RangeError', () => {
  assert.throws(() => readLong(Buffer.alloc(7), 0), RangeError);
});
