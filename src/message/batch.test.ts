import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BATCH_ENTRY_FIXED_BYTES, BatchError, decodeBatch, encodeBatch, type BatchEntry } from './batch.js';

const hex = (buffer: Buffer): string => buffer.toString('hex').toUpperCase();

// Entry 1: flag 5, body "ab", properties "K\u0001v\u0002"; entry 2: all empty.
const ENTRY_1 = ['0000001C', '00000000', '00000000', '00000005', '00000002', '6162', '0004', '4B017602'].join('');
const ENTRY_2 = ['00000016', '00000000', '00000000', '00000000', '00000000', '0000'].join('');
// Printed by Java 17 running MessageDecoder.encodeMessage (MessageDecoder.java:663) on the same messages.
const JAVA_ENTRY_1 = '0000001C00000000000000000000000500000002616200044B017602';
const JAVA_ENTRY_2 = '00000016000000000000000000000000000000000000';

const ENTRIES: BatchEntry[] = [
  { flag: 5, body: Buffer.from('ab'), properties: 'K\u0001v\u0002' },
  { flag: 0, body: Buffer.alloc(0), properties: '' },
];

test('batch - golden bytes are the Java client batch layout', () => {
  assert.equal(ENTRY_1, JAVA_ENTRY_1);
  assert.equal(ENTRY_2, JAVA_ENTRY_2);
  assert.equal(BATCH_ENTRY_FIXED_BYTES, 22);
  assert.equal(hex(encodeBatch(ENTRIES)), ENTRY_1 + ENTRY_2);
});

test('batch - decode gives the entries back', () => {
  const decoded = decodeBatch(Buffer.from(ENTRY_1 + ENTRY_2, 'hex'));
  assert.deepEqual(
    decoded.map((entry) => ({ ...entry, body: entry.body.toString() })),
    [
      { flag: 5, body: 'ab', properties: 'K\u0001v\u0002' },
      { flag: 0, body: '', properties: '' },
    ],
  );
  assert.deepEqual(decodeBatch(Buffer.alloc(0)), []);
});

test('batch - round trip with non-ASCII properties and a large body', () => {
  const entries: BatchEntry[] = [
    { flag: -1, body: Buffer.alloc(70000, 7), properties: 'TAGS\u0001标签\u0002' },
    { flag: 2147483647, body: Buffer.from([0, 1, 2]), properties: 'KEYS\u0001a b\u0002' },
  ];
  const decoded = decodeBatch(encodeBatch(entries));
  assert.equal(decoded.length, 2);
  decoded.forEach((entry, index) => {
    const original = entries[index];
    assert.ok(original);
    assert.equal(entry.flag, original.flag);
    assert.ok(entry.body.equals(original.body));
    assert.equal(entry.properties, original.properties);
  });
});

test('batch - properties over 32767 bytes are refused when encoding', () => {
  assert.throws(() => encodeBatch([{ flag: 0, body: Buffer.alloc(0), properties: 'x'.repeat(32768) }]), BatchError);
});

test('batch - malformed bodies throw BatchError naming the entry', () => {
  const good = Buffer.from(ENTRY_1 + ENTRY_2, 'hex');
  const cases: [string, Buffer, RegExp][] = [];

  cases.push(['truncated fixed part', good.subarray(0, 28 + 10), /batch entry 1 at byte 28 is truncated/]);
  cases.push(['entry cut short', good.subarray(0, 27), /batch entry 0 at byte 0 has size 28/]);
  cases.push(['fixed part cut short', good.subarray(0, 21), /batch entry 0 at byte 0 is truncated/]);

  const overrun = Buffer.from(good);
  overrun.writeInt32BE(29, 0);
  cases.push(['size past the end', overrun.subarray(0, 28), /batch entry 0 at byte 0 has size 29/]);

  const tooSmall = Buffer.from(good);
  tooSmall.writeInt32BE(21, 0);
  cases.push(['size under the fixed part', tooSmall, /has size 21/]);

  const negativeBody = Buffer.from(good);
  negativeBody.writeInt32BE(-1, 16);
  cases.push(['negative body length', negativeBody, /has body length -1/]);

  const bodyOverrun = Buffer.from(good);
  bodyOverrun.writeInt32BE(7, 16);
  cases.push(['body past the entry', bodyOverrun, /has body length 7/]);

  const propertiesMismatch = Buffer.from(good);
  propertiesMismatch.writeInt16BE(3, 22);
  cases.push(['properties length short of the entry', propertiesMismatch, /has properties length 3/]);

  const negativeProperties = Buffer.from(good);
  negativeProperties.writeInt16BE(-4, 22);
  cases.push(['negative properties length', negativeProperties, /has properties length -4/]);

  cases.push(['trailing garbage', Buffer.concat([good, Buffer.from([1, 2, 3])]), /batch entry 2 at byte 50 is truncated/]);

  for (const [name, body, message] of cases) {
    assert.throws(() => decodeBatch(body), (error: unknown) => error instanceof BatchError && message.test(error.message), name);
  }
});
