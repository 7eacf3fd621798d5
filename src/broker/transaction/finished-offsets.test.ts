import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CHUNK_BITS, FinishedOffsets } from './finished-offsets.js';

test('finished-offsets - bits at and above the floor; everything below it counts as finished', () => {
  const finished = new FinishedOffsets();
  assert.equal(finished.has(0), false);
  finished.set(0);
  finished.set(31);
  finished.set(32);
  finished.set(CHUNK_BITS * 3 + 5);
  assert.deepEqual([0, 1, 31, 32, 33, CHUNK_BITS * 3 + 5].map((offset) => finished.has(offset)), [true, false, true, true, false, true]);
  finished.clear(31);
  assert.equal(finished.has(31), false);
  finished.raiseFloor(CHUNK_BITS + 10);
  assert.equal(finished.has(CHUNK_BITS + 9), true, 'below the floor');
  assert.equal(finished.has(CHUNK_BITS + 10), false);
  assert.equal(finished.chunkCount, 1, 'the chunk wholly below the floor is gone');
  finished.raiseFloor(5);
  assert.equal(finished.floor, CHUNK_BITS + 10, 'the floor never goes down');
});

test('finished-offsets - the chunk bound raises the floor over the oldest chunk and says so', () => {
  const finished = new FinishedOffsets(2);
  assert.equal(finished.set(1), undefined);
  assert.equal(finished.set(CHUNK_BITS + 1), undefined);
  assert.equal(finished.set(CHUNK_BITS * 7), CHUNK_BITS);
  assert.equal(finished.chunkCount, 2);
  assert.equal(finished.floor, CHUNK_BITS);
  assert.equal(finished.has(CHUNK_BITS + 1), true);
  assert.equal(finished.has(CHUNK_BITS * 7), true);
  assert.equal(finished.has(CHUNK_BITS * 7 + 1), false);
});
