import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CqReadCache } from './read-cache.js';
import { CQ_ENTRY_BYTES } from './cq-entry.js';

/** `count` entries from queue offset `start`, each filled with the low byte of its offset. */
const chunk = (start: number, count: number): Buffer => {
  const bytes = Buffer.alloc(count * CQ_ENTRY_BYTES);
  for (let index = 0; index < count; index++) bytes.fill((start + index) & 0xff, index * CQ_ENTRY_BYTES, (index + 1) * CQ_ENTRY_BYTES);
  return bytes;
};

test('read-cache - copies a range only when the chunk holds all of it', () => {
  const cache = new CqReadCache(4);
  const queue = {};
  cache.keep(queue, 100, chunk(100, 50));
  const out = Buffer.alloc(10 * CQ_ENTRY_BYTES);
  assert.equal(cache.copy(queue, 110, 120, out, 0), true);
  assert.deepEqual(out, chunk(110, 10));
  assert.equal(cache.copy(queue, 145, 155, out, 0), false, 'past the end');
  assert.equal(cache.copy(queue, 95, 105, out, 0), false, 'before the start');
  assert.equal(cache.copy({}, 110, 120, out, 0), false, 'another queue');
  const view = cache.view(queue, 110, 120);
  assert.deepEqual(view, chunk(110, 10), 'a view of the same entries');
  assert.equal(cache.view(queue, 145, 155), undefined, 'no view past the end');
  cache.drop(queue);
  assert.equal(cache.copy(queue, 110, 120, out, 0), false, 'dropped');
  assert.deepEqual(view, chunk(110, 10), 'a view outlives its dropped chunk unchanged');
});

test('read-cache - keeps at most its number of queues, the least recently used going first', () => {
  const cache = new CqReadCache(2);
  const [a, b, c] = [{}, {}, {}];
  const out = Buffer.alloc(CQ_ENTRY_BYTES);
  cache.keep(a, 0, chunk(0, 8));
  cache.keep(b, 0, chunk(0, 8));
  assert.equal(cache.copy(a, 1, 2, out, 0), true, 'a used: b is now the oldest');
  cache.keep(c, 0, chunk(0, 8));
  assert.equal(cache.size, 2);
  assert.equal(cache.copy(b, 1, 2, out, 0), false, 'b went');
  assert.equal(cache.copy(a, 1, 2, out, 0), true);
  assert.equal(cache.copy(c, 1, 2, out, 0), true);
});

test('read-cache - does not keep an empty, partial-entry or oversized chunk, and a new chunk replaces the old', () => {
  const cache = new CqReadCache(4);
  const queue = {};
  const out = Buffer.alloc(CQ_ENTRY_BYTES);
  cache.keep(queue, 0, chunk(0, 4));
  cache.keep(queue, 0, Buffer.alloc(0));
  assert.equal(cache.copy(queue, 0, 1, out, 0), false, 'an empty chunk drops the old one');
  cache.keep(queue, 0, Buffer.alloc(CQ_ENTRY_BYTES + 3));
  assert.equal(cache.size, 0);
  cache.keep(queue, 0, chunk(0, Math.floor((64 * 1024) / CQ_ENTRY_BYTES) + 1));
  assert.equal(cache.size, 0, 'over 64 KiB');
});
