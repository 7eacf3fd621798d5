import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeBinaryHeader, encodeBinaryHeader } from './binary-header.js';
import { createRequestCommand, createResponse, SerializeType, type RemotingCommand } from './command.js';
import { FrameError } from './errors.js';
import { decodeFrame, encodeFrame, encodeFrameBuffer } from './frame.js';

const hex = (buffer: Buffer): string => buffer.toString('hex').toUpperCase();
const ROCKETMQ = SerializeType.ROCKETMQ;

// ROCKETMQ binary headers. Each expected hex string was printed by Java 17 running RocketMQ's
// RocketMQSerializable.rocketMQProtocolEncode (byte[] variant) and mapSerialize, copied verbatim.
const BINARY_CASES: { name: string; command: RemotingCommand; handWritten: string; java: string }[] = [
  {
    name: 'request with two extFields',
    command: createRequestCommand(310, { opaque: 9, version: 479, extFields: { topic: 'TopicTest', queueId: '3' } }),
    handWritten: [
      '0136', // code 310
      '00', // language JAVA
      '01DF', // version 479
      '00000009', // opaque
      '00000000', // flag
      '00000000', // remark length 0: no remark
      '00000022', // extFields length 34
      '0005', '746F706963', '00000009', '546F70696354657374', // "topic" -> "TopicTest"
      '0007', '71756575654964', '00000001', '33', // "queueId" -> "3"
    ].join(''),
    java: '01360001DF000000090000000000000000000000220005746F70696300000009546F706963546573740007717565756549640000000133',
  },
  {
    name: 'response with a UTF-8 remark and value, negative opaque',
    command: { code: 17, language: 'NODE_JS', version: 401, opaque: -5, flag: 1, remark: 'bad ü', extFields: { k: '值' } },
    handWritten: [
      '0011', '0D', '0191', 'FFFFFFFB', '00000001',
      '00000006', '62616420C3BC', // remark "bad ü": 6 UTF-8 bytes
      '0000000A', '0001', '6B', '00000003', 'E580BC', // "k" -> "值"
    ].join(''),
    java: '00110D0191FFFFFFFB000000010000000662616420C3BC0000000A00016B00000003E580BC',
  },
  {
    name: 'code above 32767 wraps into the int16, as Java casts it; an empty remark is written as none',
    command: { code: 200050, language: 'JAVA', version: 0, opaque: 1, flag: 2, remark: '', extFields: {} },
    handWritten: ['0D72', '00', '0000', '00000001', '00000002', '00000000', '00000000'].join(''),
    java: '0D7200000000000001000000020000000000000000',
  },
  {
    name: 'code with bit 15 set becomes a negative int16, as Java casts it',
    command: { code: 33078, language: 'JAVA', version: 0, opaque: 0, flag: 0, extFields: {} },
    handWritten: ['8136', '00', '0000', '00000000', '00000000', '00000000', '00000000'].join(''),
    java: '813600000000000000000000000000000000000000',
  },
];

test('command - ROCKETMQ binary header encodes to the bytes Java writes', () => {
  for (const { name, command, handWritten, java } of BINARY_CASES) {
    assert.equal(handWritten, java, name);
    assert.equal(hex(encodeBinaryHeader(command)), java, name);
  }
});

test('command - ROCKETMQ binary header decodes the bytes Java writes', () => {
  const [first, second, third, fourth] = BINARY_CASES;
  assert.ok(first !== undefined && second !== undefined && third !== undefined && fourth !== undefined);
  assert.deepEqual(decodeBinaryHeader(Buffer.from(first.java, 'hex'), undefined), { ...first.command, remark: undefined, body: undefined, serializeType: ROCKETMQ });
  assert.deepEqual(decodeBinaryHeader(Buffer.from(second.java, 'hex'), undefined), { ...second.command, body: undefined, serializeType: ROCKETMQ });
  // Java reads the int16 back signed (200050 -> 3442) and a zero-length remark as null.
  assert.deepEqual(decodeBinaryHeader(Buffer.from(third.java, 'hex'), undefined), {
    ...third.command,
    code: 3442,
    remark: undefined,
    body: undefined,
    serializeType: ROCKETMQ,
  });
  assert.equal(decodeBinaryHeader(Buffer.from(fourth.java, 'hex'), undefined).code, -32458);
});

test('command - ROCKETMQ binary header: unknown language byte, empty key or value', () => {
  const header = Buffer.from(
    [
      '000A', '63', '0000', '00000001', '00000000', '00000000',
      '00000016', // extFields length 22
      '0000', '00000001', '78', // empty key: dropped
      '0001', '6B', '00000000', // empty value: Java reads null, dropped
      '0001', '61', '00000001', '62', // "a" -> "b"
    ].join(''),
    'hex',
  );
  const command = decodeBinaryHeader(header, undefined);
  assert.equal(command.language, 'OTHER');
  assert.deepEqual(command.extFields, { a: 'b' });
});

test('command - ROCKETMQ binary header that overruns itself is a FrameError', () => {
  const good = Buffer.from(BINARY_CASES[0]?.java ?? '', 'hex');
  const cases: [string, Buffer, RegExp][] = [
    ['empty', Buffer.alloc(0), /code overruns/],
    ['cut in opaque', good.subarray(0, 7), /opaque overruns/],
    ['cut in extFields length', good.subarray(0, 19), /extFields length overruns/],
    ['cut in extFields', good.subarray(0, good.length - 1), /extFields overruns/],
    ['trailing byte', Buffer.concat([good, Buffer.from([0])]), /bytes after extFields/],
  ];
  const negativeRemark = Buffer.from(good);
  negativeRemark.writeInt32BE(-1, 13);
  cases.push(['negative remark length', negativeRemark, /remark overruns/]);
  const longRemark = Buffer.from(good);
  longRemark.writeInt32BE(1000, 13);
  cases.push(['remark past the end', longRemark, /remark overruns/]);
  const keyOverrun = Buffer.from(good);
  keyOverrun.writeInt16BE(200, 21);
  cases.push(['key past extFields', keyOverrun, /extFields key overruns/]);
  const valueOverrun = Buffer.from(good);
  valueOverrun.writeInt32BE(200, 28);
  cases.push(['value past extFields', valueOverrun, /extFields value overruns/]);
  for (const [name, bytes, message] of cases) {
    assert.throws(() => decodeBinaryHeader(bytes, undefined), (error: unknown) => error instanceof FrameError && message.test(error.message), name);
  }
});

test('binary header - long, non-ASCII, recurring and numeric strings survive a round trip; the scratch grows', () => {
  const huge = 'p'.repeat(100_000);
  const extFields = {
    a: 'ProducerGroupName',
    b: 'BenchTopic',
    g: '1763752345678',
    i: 'UNIQ_KEY\u00017F0000010A8F2A139A7B6E1D2C3F0000\u0002TAGS\u0001TagA\u0002',
    ü: 'wert ü 值 🎉',
    empty: '',
    huge,
  };
  for (let round = 0; round < 3; round++) {
    const command = createRequestCommand(310, { opaque: round, extFields: { ...extFields, g: String(1763752345678 + round) }, remark: `remark ${round} ü` });
    const decoded = decodeBinaryHeader(encodeBinaryHeader(command), undefined);
    const { empty, ...kept } = extFields;
    assert.equal(empty, '');
    assert.deepEqual(decoded.extFields, { ...kept, g: String(1763752345678 + round) }, 'an empty value is dropped, as Java reads null');
    assert.equal(decoded.remark, `remark ${round} ü`);
    assert.equal(decoded.opaque, round);
  }
});

test('binary header - cached strings are never confused: same hash slot, same length, other bytes', () => {
  // Many distinct short values through the cache: each decodes to itself.
  for (let index = 0; index < 5000; index++) {
    const value = `v${(index * 7919).toString(36)}`;
    const decoded = decodeBinaryHeader(encodeBinaryHeader(createRequestCommand(10, { opaque: 1, extFields: { k: value, [value]: 'x' } })), undefined);
    assert.deepEqual(decoded.extFields, { k: value, [value]: 'x' });
  }
});

test('frame - a ROCKETMQ request gets a ROCKETMQ response; a JSON one a JSON response', () => {
  for (const type of [SerializeType.JSON, SerializeType.ROCKETMQ]) {
    const request = decodeFrame(encodeFrameBuffer(createRequestCommand(34, { opaque: 5, extFields: { topic: 'T' } }), type).subarray(4));
    assert.equal(request.serializeType ?? SerializeType.JSON, type);
    const frame = encodeFrameBuffer(createResponse(request, 0, { extFields: { queueId: '3' } }));
    assert.equal(frame.readUInt8(4), type, 'the serialize type byte');
    const response = decodeFrame(frame.subarray(4));
    assert.deepEqual([response.opaque, response.extFields], [5, { queueId: '3' }]);
  }
});

test('binary header - a key longer than a Java short is refused when encoding; the encoder still works after it', () => {
  const longKey = 'k'.repeat(0x8000);
  assert.throws(() => encodeBinaryHeader(createRequestCommand(10, { opaque: 1, extFields: { [longKey]: 'v' } })), (error: unknown) => error instanceof FrameError && /key of 32768 bytes/.test(error.message));
  const decoded = decodeBinaryHeader(encodeBinaryHeader(createRequestCommand(10, { opaque: 2, extFields: { ['k'.repeat(0x7fff)]: 'v', b: 'c' } })), undefined);
  assert.deepEqual(Object.keys(decoded.extFields).map((key) => key.length), [0x7fff, 1]);
});

test('binary header - frame heads are views of the encoder arena that later headers never overwrite, across full arenas and a huge header', () => {
  const frames: { command: RemotingCommand; head: Buffer; copy: Buffer }[] = [];
  for (let index = 0; index < 2000; index++) {
    // Mostly small headers (many per arena), now and then a large remark and a huge one.
    const remark = index % 500 === 7 ? 'r'.repeat(200_000) : index % 50 === 3 ? 'ü'.repeat(3000) : undefined;
    const command = createRequestCommand(310, { opaque: index, extFields: { a: `group-${index}`, b: 'TopicTest', e: String(index % 8) }, ...(remark === undefined ? {} : { remark }) });
    const [head] = encodeFrame({ ...command, serializeType: ROCKETMQ });
    frames.push({ command, head: head as Buffer, copy: Buffer.from(head as Buffer) });
  }
  for (const { command, head, copy } of frames) {
    assert.ok(head.equals(copy), `opaque ${command.opaque}: its head changed after later encodes`);
    const decoded = decodeFrame(head.subarray(4));
    assert.equal(decoded.opaque, command.opaque);
    assert.equal(decoded.remark, command.remark);
    assert.deepEqual(decoded.extFields, command.extFields);
  }
  // Small heads share arenas; a huge header's arena is not shared with the heads after it.
  const small = frames.filter(({ head }) => head.length < 100);
  assert.ok(new Set(small.map(({ head }) => head.buffer)).size < small.length / 50, 'small heads should share arenas');
  const hugeIndex = frames.findIndex(({ head }) => head.length > 100_000);
  assert.notEqual(frames[hugeIndex]?.head.buffer, frames[hugeIndex + 1]?.head.buffer);
});
