import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { createOffsetMessageId } from './message-id.js';
import { MessageSysFlag } from './message-const.js';
import {
  BLANK_MAGIC_CODE,
  BLANK_RECORD_BYTES_MIN,
  bodyCrc,
  decodeRecord,
  encodeBlankRecord,
  encodeRecord,
  measureRecord,
  MESSAGE_MAGIC_CODE_V1,
  MESSAGE_MAGIC_CODE_V2,
  RECORD_FIXED_BYTES,
  RecordError,
  type MessageRecord,
  type RecordInput,
} from './record.js';
import { encodeSocketAddress } from './socket-address.js';

const hex = (buffer: Buffer): string => buffer.toString('hex').toUpperCase();

const PROPERTIES = 'TAGS\u0001TagA\u0002KEYS\u0001k1 k2\u0002';

const INPUT: RecordInput = {
  queueId: 3,
  flag: 7,
  queueOffset: 42,
  commitLogOffset: 1234567890123,
  sysFlag: 0,
  bornTimestamp: 1700000000123,
  bornHost: encodeSocketAddress('10.0.0.5', 54321),
  storeTimestamp: 1700000000456,
  storeHost: encodeSocketAddress('192.168.1.20', 10911),
  reconsumeTimes: 2,
  preparedTransactionOffset: 0,
  body: Buffer.from('Hello'),
  topic: 'TopicTest',
  properties: PROPERTIES,
};

// The record above, written out field by field from the V1 byte table.
const GOLDEN_V1 = [
  '0000007E', // TOTALSIZE 126 = 91 fixed + 5 body + 9 topic + 21 properties
  'DAA320A7', // MAGICCODE V1
  '77D18982', // BODYCRC: CRC32("Hello") = 0xF7D18982, & 0x7FFFFFFF
  '00000003', // QUEUEID
  '00000007', // FLAG
  '000000000000002A', // QUEUEOFFSET 42
  '0000011F71FB04CB', // PHYSICALOFFSET 1234567890123
  '00000000', // SYSFLAG
  '0000018BCFE5687B', // BORNTIMESTAMP 1700000000123
  '0A000005', '0000D431', // BORNHOST 10.0.0.5:54321
  '0000018BCFE569C8', // STORETIMESTAMP 1700000000456
  'C0A80114', '00002A9F', // STOREHOST 192.168.1.20:10911
  '00000002', // RECONSUMETIMES
  '0000000000000000', // PREPARED TRANSACTION OFFSET
  '00000005', '48656C6C6F', // BODYLENGTH + "Hello"
  '09', '546F70696354657374', // TOPICLENGTH (1 byte) + "TopicTest"
  '0015', '544147530154616741024B455953016B31206B3202', // PROPERTIESLENGTH 21 + properties
].join('');

// The same message encoded by Java 17 running RocketMQ's MessageDecoder.encode (MessageDecoder.java:196)
// with java.util.zip.CRC32 & 0x7FFFFFFF for BODYCRC (UtilAll.crc32).
const JAVA_V1 =
  '0000007EDAA320A777D189820000000300000007000000000000002A0000011F71FB04CB000000000000018BCFE5687B0A0000050000D431' +
  '0000018BCFE569C8C0A8011400002A9F0000000200000000000000000000000548656C6C6F09546F706963546573740015544147530154616741' +
  '024B455953016B31206B3202';

function encode(input: RecordInput): Buffer {
  const measure = measureRecord(input);
  const buffer = Buffer.alloc(measure.size);
  assert.equal(encodeRecord(input, measure, buffer, 0), measure.size);
  return buffer;
}

function decodeMessage(buffer: Buffer, at = 0, checkCrc = false): MessageRecord {
  const result = decodeRecord(buffer, at, checkCrc);
  assert.equal(result.kind, 'MESSAGE', JSON.stringify(result));
  if (result.kind !== 'MESSAGE') throw new Error('unreachable');
  return result.message;
}

function assertCorrupt(buffer: Buffer, reason: RegExp, checkCrc = false): void {
  const result = decodeRecord(buffer, 0, checkCrc);
  assert.equal(result.kind, 'CORRUPT', JSON.stringify(result));
  if (result.kind === 'CORRUPT') assert.match(result.reason, reason);
}

test('record - encodes a known V1 message to the golden bytes, which are what Java writes', () => {
  assert.equal(GOLDEN_V1, JAVA_V1, 'the hand-written table agrees with Java MessageDecoder.encode');
  assert.equal(RECORD_FIXED_BYTES, 91);
  assert.deepEqual(measureRecord(INPUT), { size: 126, topicBytes: 9, propertiesBytes: 21 });
  assert.equal(hex(encode(INPUT)), GOLDEN_V1);
});

test('record - decodes the golden bytes back to the message', () => {
  const message = decodeMessage(Buffer.from(GOLDEN_V1, 'hex'), 0, true);
  assert.deepEqual(
    { ...message, bornHost: hex(message.bornHost), storeHost: hex(message.storeHost), body: message.body.toString() },
    {
      ...INPUT,
      size: 126,
      bodyCrc: 0x77d18982,
      bornHost: '0A0000050000D431',
      storeHost: 'C0A8011400002A9F',
      body: 'Hello',
    },
  );
});

test('record - BODYCRC is CRC32 & 0x7FFFFFFF (Java UtilAll.crc32)', () => {
  // Values printed by Java 17: new CRC32().update(bytes); (int) (getValue() & 0x7FFFFFFF).
  assert.equal(bodyCrc(Buffer.from('Hello')), 2010220930);
  assert.equal(bodyCrc(Buffer.alloc(0)), 0);
  assert.equal(bodyCrc(Buffer.from(Array.from({ length: 256 }, (_, index) => index))), 688229491);
});

test('record - IPv6 born and store hosts take 20 bytes each, flagged in SYSFLAG', () => {
  const input: RecordInput = {
    ...INPUT,
    queueId: 0,
    flag: 0,
    queueOffset: 0,
    commitLogOffset: 0,
    sysFlag: MessageSysFlag.BORNHOST_V6_FLAG | MessageSysFlag.STOREHOSTADDRESS_V6_FLAG,
    bornTimestamp: 1,
    bornHost: encodeSocketAddress('2001:db8::1', 1234),
    storeTimestamp: 2,
    storeHost: encodeSocketAddress('fe80::2', 10911),
    reconsumeTimes: 0,
    body: Buffer.from('x'),
    topic: 'T',
    properties: '',
  };
  const expected = [
    '00000075', // TOTALSIZE 117 = 91 + 2 * 12 extra host bytes + 1 body + 1 topic
    'DAA320A7',
    '0CDC1683', // CRC32("x") = 0x8CDC1683, & 0x7FFFFFFF
    '00000000', '00000000', '0000000000000000', '0000000000000000',
    '00000030', // SYSFLAG: BORNHOST_V6 | STOREHOSTADDRESS_V6
    '0000000000000001',
    '20010DB8000000000000000000000001', '000004D2', // BORNHOST [2001:db8::1]:1234
    '0000000000000002',
    'FE800000000000000000000000000002', '00002A9F', // STOREHOST [fe80::2]:10911
    '00000000', '0000000000000000',
    '00000001', '78', '01', '54', '0000',
  ].join('');
  // Java MessageDecoder.encode of the same message, as printed by Java 17.
  const java =
    '00000075DAA320A70CDC168300000000000000000000000000000000000000000000000000000030000000000000000120010DB800000000' +
    '0000000000000001000004D20000000000000002FE80000000000000000000000000000200002A9F00000000000000000000000000000001' +
    '7801540000';
  assert.equal(expected, java);
  const bytes = encode(input);
  assert.equal(hex(bytes), expected);
  const message = decodeMessage(bytes, 0, true);
  assert.equal(hex(message.bornHost), '20010DB8000000000000000000000001000004D2');
  assert.equal(hex(message.storeHost), 'FE80000000000000000000000000000200002A9F');
  assert.equal(message.topic, 'T');
  assert.equal(message.properties, '');
});

test('record - a host whose length disagrees with SYSFLAG is refused when encoding', () => {
  const input = { ...INPUT, sysFlag: MessageSysFlag.STOREHOSTADDRESS_V6_FLAG };
  assert.throws(() => encodeRecord(input, measureRecord(input), Buffer.alloc(1024), 0), /storeHost is 8 bytes but sysFlag says 20/);
});

test('record - topic over 127 bytes and properties over 32767 bytes are refused', () => {
  assert.throws(() => measureRecord({ ...INPUT, topic: 'T'.repeat(128) }), RecordError);
  // 43 three-byte characters: 43 characters but 129 bytes.
  assert.throws(() => measureRecord({ ...INPUT, topic: '标'.repeat(43) }), RecordError);
  assert.equal(measureRecord({ ...INPUT, topic: 'T'.repeat(127) }).topicBytes, 127);
  assert.throws(() => measureRecord({ ...INPUT, properties: 'k\u0001' + 'v'.repeat(32765) + '\u0002' }), RecordError);
  assert.equal(measureRecord({ ...INPUT, properties: 'k\u0001' + 'v'.repeat(32764) + '\u0002' }).propertiesBytes, 32767);
});

test('record - encoding past the end of the target throws and leaves it alone', () => {
  const target = Buffer.alloc(200);
  assert.throws(() => encodeRecord(INPUT, measureRecord(INPUT), target, 100), RangeError);
  assert.ok(target.every((byte) => byte === 0));
});

test('record - records are read at an offset, back to back', () => {
  const second = { ...INPUT, queueOffset: 43, commitLogOffset: 1234567890123 + 126, body: Buffer.from('World!') };
  const buffer = Buffer.concat([Buffer.from('garbage'), encode(INPUT), encode(second)]);
  const first = decodeMessage(buffer, 7);
  assert.equal(first.queueOffset, 42);
  const next = decodeMessage(buffer, 7 + first.size);
  assert.equal(next.queueOffset, 43);
  assert.equal(next.body.toString(), 'World!');
  assert.equal(7 + first.size + next.size, buffer.length);
});

test('record - strings of every kind (short and long ASCII, UTF-8) and extreme numbers survive a round trip', () => {
  const longAscii = `UNIQ_KEY\u0001${'7F'.repeat(16)}\u0002WAIT\u0001true\u0002TAGS\u0001TagA\u0002CLUSTER\u0001DefaultCluster\u0002`;
  const cases: Partial<RecordInput>[] = [
    { topic: 'T', properties: '' },
    { topic: 'x'.repeat(127), properties: longAscii },
    { topic: '主题-ключ', properties: 'KEYS\u0001键 ключ\u0002' },
    { topic: 'é', properties: `${longAscii}NOTE\u0001ünïcödé 🎉\u0002` },
    { flag: -1, queueId: 2 ** 31 - 1, sysFlag: 0, reconsumeTimes: 16, queueOffset: 2 ** 40 + 5, commitLogOffset: 2 ** 52 + 3 },
    { bornTimestamp: 2 ** 53 - 1, storeTimestamp: 0, preparedTransactionOffset: 2 ** 32 },
  ];
  for (const change of cases) {
    const input = { ...INPUT, ...change };
    const bytes = encode(input);
    const decoded = decodeMessage(bytes, 0, true);
    for (const key of Object.keys(input) as (keyof RecordInput)[]) assert.deepEqual(decoded[key], input[key], `${key} of ${JSON.stringify(change)}`);
    // The string fields are the UTF-8 bytes Java writes, whatever path the encoder took.
    const tail = Buffer.concat([Buffer.from([Buffer.byteLength(input.topic)]), Buffer.from(input.topic), Buffer.alloc(2), Buffer.from(input.properties)]);
    tail.writeInt16BE(Buffer.byteLength(input.properties), 1 + Buffer.byteLength(input.topic));
    assert.deepEqual(bytes.subarray(bytes.length - tail.length), tail);
  }
});

test('record - every prefix of a record is TRUNCATED', () => {
  const bytes = Buffer.from(GOLDEN_V1, 'hex');
  for (let length = 0; length < bytes.length; length++) {
    assert.deepEqual(decodeRecord(bytes.subarray(0, length), 0), { kind: 'TRUNCATED' }, `prefix of ${length} bytes`);
  }
});

test('record - inconsistent records are CORRUPT, never thrown', () => {
  const golden = (): Buffer => Buffer.from(GOLDEN_V1, 'hex');

  const badMagic = golden();
  badMagic.writeInt32BE(0x12345678, 4);
  assertCorrupt(badMagic, /magic code/);

  const tooSmall = golden();
  tooSmall.writeInt32BE(RECORD_FIXED_BYTES - 1, 0);
  assertCorrupt(tooSmall, /record size 90/);

  const negativeSize = golden();
  negativeSize.writeInt32BE(-5, 0);
  assertCorrupt(negativeSize, /record size -5/);

  const bodyOverrun = golden();
  bodyOverrun.writeInt32BE(1000, 84);
  assertCorrupt(bodyOverrun, /body length 1000/);

  const negativeBody = golden();
  negativeBody.writeInt32BE(-1, 84);
  assertCorrupt(negativeBody, /body length -1/);

  const topicOverrun = golden();
  topicOverrun.writeUInt8(200, 93);
  assertCorrupt(topicOverrun, /topic length 200/);

  const shortProperties = golden();
  shortProperties.writeInt16BE(20, 103);
  assertCorrupt(shortProperties, /properties length 20/);

  const negativeProperties = golden();
  negativeProperties.writeInt16BE(-1, 103);
  assertCorrupt(negativeProperties, /properties length -1/);

  // A size one byte larger than the fields: the properties no longer end the record.
  const longer = Buffer.concat([golden(), Buffer.alloc(1)]);
  longer.writeInt32BE(127, 0);
  assertCorrupt(longer, /does not end the record/);

  // An offset beyond 2^53 is refused by the int64 reader, and reported, not thrown.
  const hugeOffset = golden();
  hugeOffset.writeInt32BE(0x7fffffff, 20);
  assertCorrupt(hugeOffset, /beyond 2\^53/);

  // SYSFLAG says IPv6 hosts, but the record was written with IPv4 ones.
  const wrongHosts = golden();
  wrongHosts.writeInt32BE(MessageSysFlag.BORNHOST_V6_FLAG | MessageSysFlag.STOREHOSTADDRESS_V6_FLAG, 36);
  assert.equal(decodeRecord(wrongHosts, 0).kind, 'CORRUPT');
});

test('record - a body CRC mismatch is CORRUPT only when checked', () => {
  const bytes = Buffer.from(GOLDEN_V1, 'hex');
  bytes.writeUInt8(bytes.readUInt8(88) ^ 0x01, 88); // first body byte: "Hello" becomes "Iello"
  assertCorrupt(bytes, /body CRC mismatch/, true);
  const unchecked = decodeMessage(bytes, 0, false);
  assert.equal(unchecked.body.toString(), 'Iello');
  assert.equal(unchecked.bodyCrc, 0x77d18982);
});

test('record - a V2 record (2-byte topic length) written by Java 5 decodes', () => {
  const topic = 'TopicTest';
  const v2 = Buffer.from(
    [
      '0000007F', // TOTALSIZE 127: one more than V1 for the 2-byte topic length
      'DAA320AB', // MAGICCODE V2
      '77D18982', '00000003', '00000007', '000000000000002A', '0000011F71FB04CB', '00000000', '0000018BCFE5687B',
      '0A0000050000D431', '0000018BCFE569C8', 'C0A8011400002A9F', '00000002', '0000000000000000',
      '00000005', '48656C6C6F',
      '0009', Buffer.from(topic).toString('hex'), // TOPICLENGTH (2 bytes) + topic
      '0015', Buffer.from(PROPERTIES).toString('hex'),
    ].join(''),
    'hex',
  );
  assert.equal(v2.readInt32BE(4), MESSAGE_MAGIC_CODE_V2);
  const message = decodeMessage(v2, 0, true);
  assert.equal(message.size, 127);
  assert.equal(message.topic, topic);
  assert.equal(message.properties, PROPERTIES);
  assert.equal(message.body.toString(), 'Hello');
  assert.equal(message.commitLogOffset, 1234567890123);

});

test('record - a negative V2 topic length is CORRUPT, not read backwards', () => {
  // A V2 record with body 41 42 00 09, topic "T" and properties "k\u0001v\u0002" whose topic
  // length was damaged to -4. Read backwards, the last two body bytes (9) would pass as a
  // properties length that ends the record exactly, and garbage would decode as a MESSAGE.
  const record = Buffer.from(
    [
      '00000065', // TOTALSIZE 101 = 92 + 4 body + 1 topic + 4 properties
      'DAA320AB',
      '00000000', '00000000', '00000000', '0000000000000000', '0000000000000000', '00000000', '0000000000000000',
      '0A0000050000D431', '0000000000000000', 'C0A8011400002A9F', '00000000', '0000000000000000',
      '00000004', '41420009', // BODYLENGTH + body
      'FFFC', '54', // TOPICLENGTH -4 (damaged) + "T"
      '0004', '6B017602',
    ].join(''),
    'hex',
  );
  assert.equal(record.length, 101);
  assertCorrupt(record, /topic length -4/);
  record.writeInt16BE(1, 92);
  assert.equal(decodeMessage(record).topic, 'T', 'the undamaged record decodes');
});

test('record - a blank record marks the end of a segment', () => {
  const buffer = Buffer.alloc(64, 0xff);
  encodeBlankRecord(40, buffer, 8);
  assert.equal(hex(buffer.subarray(8, 16)), '00000028' + 'CBD43194');
  assert.equal(buffer.readInt32BE(12), BLANK_MAGIC_CODE);
  assert.equal(buffer[16], 0xff, 'a blank record writes only its size and magic');
  assert.deepEqual(decodeRecord(buffer, 8), { kind: 'BLANK', size: 40 });
  assert.throws(() => encodeBlankRecord(BLANK_RECORD_BYTES_MIN - 1, buffer, 0), RecordError);

  const tooSmall = Buffer.from('00000004CBD43194', 'hex');
  assertCorrupt(tooSmall, /blank size 4/);
});

test('record - ali-ons (the real pure-JS client) decodes our record and derives our offset message id', () => {
  const require = createRequire(import.meta.url);
  const MessageDecoder = require('ali-ons/lib/message/message_decoder') as {
    decodes(buffer: unknown): { topic: string; body: Buffer; msgId: string; queueOffset: number; storeHost: string; bornHost: string; properties: Record<string, string | null>; bodyCRC: number }[];
  };
  const ByteBuffer = require('byte') as { wrap(buffer: Buffer): unknown };
  const second = { ...INPUT, queueOffset: 43, commitLogOffset: INPUT.commitLogOffset + 126, properties: '' };
  const messages = MessageDecoder.decodes(ByteBuffer.wrap(Buffer.concat([encode(INPUT), encode(second)])));
  assert.equal(messages.length, 2);
  const [first, next] = messages;
  assert.ok(first !== undefined && next !== undefined);
  assert.equal(first.topic, 'TopicTest');
  assert.equal(first.body.toString(), 'Hello');
  assert.equal(first.queueOffset, 42);
  assert.equal(first.bodyCRC, bodyCrc(Buffer.from('Hello')));
  assert.equal(first.bornHost, '10.0.0.5:54321');
  assert.equal(first.storeHost, '192.168.1.20:10911');
  assert.equal(first.properties['TAGS'], 'TagA');
  assert.equal(first.properties['KEYS'], 'k1 k2');
  assert.equal(first.msgId, createOffsetMessageId(INPUT.storeHost, INPUT.commitLogOffset));
  assert.equal(next.msgId, createOffsetMessageId(INPUT.storeHost, INPUT.commitLogOffset + 126));
  assert.equal(next.queueOffset, 43);
});

test('record - constants match the byte table', () => {
  assert.equal(MESSAGE_MAGIC_CODE_V1, 0xdaa320a7 | 0);
  assert.equal(MESSAGE_MAGIC_CODE_V2, 0xdaa320ab | 0);
  assert.equal(BLANK_MAGIC_CODE, 0xcbd43194 | 0);
  // 4 TOTALSIZE + 4 MAGIC + 4 CRC + 4 QUEUEID + 4 FLAG + 8 + 8 + 4 SYSFLAG + 8 + 8 BORNHOST + 8 + 8 STOREHOST
  // + 4 RECONSUMETIMES + 8 PREPARED + 4 BODYLENGTH + 1 TOPICLENGTH + 2 PROPERTIESLENGTH
  assert.equal(RECORD_FIXED_BYTES, 4 + 4 + 4 + 4 + 4 + 8 + 8 + 4 + 8 + 8 + 8 + 8 + 4 + 8 + 4 + 1 + 2);
});

test('record - consecutive records with the same topic and hosts share them; a change is never missed', () => {
  const hosts = [encodeSocketAddress('10.0.0.5', 54321), encodeSocketAddress('10.0.0.5', 54322), encodeSocketAddress('10.0.0.6', 54321)];
  const topics = ['TopicTest', 'TopicTesu', 'TopicTes', 'TopicTest2', 'Tópico'];
  const inputs: RecordInput[] = [];
  for (let index = 0; index < 60; index++) {
    // Runs of equal values (shared) and changes of one byte, of the length, of the kind of host.
    const run = Math.floor(index / 3);
    inputs.push({ ...INPUT, topic: topics[run % topics.length] as string, bornHost: hosts[run % hosts.length] as Buffer, storeHost: hosts[(run >> 1) % hosts.length] as Buffer, queueOffset: index });
  }
  const buffers = inputs.map((input) => {
    const measure = measureRecord(input);
    const buffer = Buffer.alloc(measure.size);
    encodeRecord(input, measure, buffer, 0);
    return buffer;
  });
  const decoded = buffers.map((buffer) => {
    const result = decodeRecord(buffer, 0, true);
    assert.equal(result.kind, 'MESSAGE');
    return (result as { message: MessageRecord }).message;
  });
  for (const [index, record] of decoded.entries()) {
    const input = inputs[index] as RecordInput;
    assert.equal(record.topic, input.topic, `record ${index}`);
    assert.ok(record.bornHost.equals(input.bornHost), `record ${index} bornHost`);
    assert.ok(record.storeHost.equals(input.storeHost), `record ${index} storeHost`);
    if (index % 3 !== 0) assert.equal(record.storeHost, decoded[index - 1]?.storeHost, `record ${index}: the same store host is shared`);
  }
  // A shared host is a copy: the record bytes it came from may change (a reused read buffer) without changing it.
  const fresh: RecordInput = { ...INPUT, bornHost: encodeSocketAddress('10.9.9.9', 1), storeHost: encodeSocketAddress('10.9.9.8', 2) };
  const measure = measureRecord(fresh);
  const buffer = Buffer.alloc(measure.size);
  encodeRecord(fresh, measure, buffer, 0);
  const result = decodeRecord(buffer, 0);
  assert.equal(result.kind, 'MESSAGE');
  const record = (result as { message: MessageRecord }).message;
  buffer.fill(0);
  assert.ok(record.bornHost.equals(fresh.bornHost) && record.storeHost.equals(fresh.storeHost));
});
