import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CQ_ENTRY_BYTES, decodeCqEntry, encodeCqEntry, isCqEntryValid } from './cq-entry.js';

test('cq-entry - encodes RocketMQ\'s 20-byte unit, big-endian', () => {
  const bytes = Buffer.alloc(CQ_ENTRY_BYTES);
  // 'TagA'.hashCode() = 2598919 = 0x27A807; Java writes putLong(offset) putInt(size) putLong(tagsCode).
  encodeCqEntry({ commitLogOffset: 0x0102030405, size: 300, tagsCode: 2598919 }, bytes, 0);
  assert.equal(bytes.toString('hex'), '0000000102030405' + '0000012c' + '000000000027a807');
});

test('cq-entry - a negative tag hash is sign-extended like a Java long', () => {
  const bytes = Buffer.alloc(CQ_ENTRY_BYTES);
  encodeCqEntry({ commitLogOffset: 0, size: 91, tagsCode: -2 }, bytes, 0);
  assert.equal(bytes.subarray(12).toString('hex'), 'fffffffffffffffe');
  assert.deepEqual(decodeCqEntry(bytes, 0), { commitLogOffset: 0, size: 91, tagsCode: -2 });
});

test('cq-entry - decodes at an offset and round-trips', () => {
  const bytes = Buffer.alloc(CQ_ENTRY_BYTES * 2);
  const entry = { commitLogOffset: 2 ** 40 + 17, size: 4096, tagsCode: 800676206 };
  encodeCqEntry(entry, bytes, CQ_ENTRY_BYTES);
  assert.deepEqual(decodeCqEntry(bytes, CQ_ENTRY_BYTES), entry);
  assert.deepEqual(decodeCqEntry(bytes, 0), { commitLogOffset: 0, size: 0, tagsCode: 0 });
});

test('cq-entry - zeros and out-of-range offsets are not valid entries', () => {
  const bytes = Buffer.alloc(CQ_ENTRY_BYTES);
  assert.equal(isCqEntryValid(decodeCqEntry(bytes, 0)), false);
  bytes.fill(0x7f, 0, 8);
  bytes.writeInt32BE(100, 8);
  const beyond = decodeCqEntry(bytes, 0);
  assert.equal(beyond.commitLogOffset, -1);
  assert.equal(isCqEntryValid(beyond), false);
  assert.equal(isCqEntryValid({ commitLogOffset: 0, size: 100, tagsCode: 0 }), true);
});
