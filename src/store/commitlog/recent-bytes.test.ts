import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecentBytes } from './recent-bytes.js';

const bytes = (from: number, length: number): Buffer => Buffer.from(Array.from({ length }, (_, index) => (from + index) % 251));

test('recent bytes - reads back what was appended, across the ring wrap, and nothing older than its size', () => {
  const recent = new RecentBytes(64);
  for (let position = 1000; position < 1200; position += 25) recent.append(position, bytes(position, 25), 0, 25);
  // [1000, 1200) was appended; only the last 64 bytes are kept.
  assert.deepEqual(recent.read(1200 - 64, 64), bytes(1200 - 64, 64));
  assert.deepEqual(recent.read(1150, 30), bytes(1150, 30));
  assert.equal(recent.read(1200 - 65, 10), undefined);
  assert.equal(recent.read(1190, 11), undefined);
  assert.equal(recent.read(1190, 0), undefined);
});

test('recent bytes - a gap starts the range over; clear forgets everything; a run longer than the ring keeps its end', () => {
  const recent = new RecentBytes(64);
  recent.append(0, bytes(0, 40), 0, 40);
  recent.append(100, bytes(100, 10), 0, 10);
  assert.equal(recent.read(30, 5), undefined);
  assert.deepEqual(recent.read(100, 10), bytes(100, 10));
  recent.clear();
  assert.equal(recent.read(100, 10), undefined);
  recent.append(500, bytes(500, 200), 0, 200);
  assert.deepEqual(recent.read(636, 64), bytes(636, 64));
  assert.equal(recent.read(635, 2), undefined);
});
