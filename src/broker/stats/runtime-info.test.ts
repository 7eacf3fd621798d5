import assert from 'node:assert/strict';
import { test } from 'node:test';
import { humanReadableByteCount } from './runtime-info.js';

test('runtime-info - humanReadableByteCount prints as MixAll.humanReadableByteCount(bytes, false)', () => {
  assert.equal(humanReadableByteCount(0), '0 B');
  assert.equal(humanReadableByteCount(1023), '1023 B');
  assert.equal(humanReadableByteCount(1024), '1.0 KiB');
  assert.equal(humanReadableByteCount(1536), '1.5 KiB');
  assert.equal(humanReadableByteCount(5 * 1024 ** 3), '5.0 GiB');
  assert.equal(humanReadableByteCount(3 * 1024 ** 4 + 512 * 1024 ** 3), '3.5 TiB');
});
