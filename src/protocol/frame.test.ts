import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createRequestCommand, createResponse, SerializeType, type RemotingCommand } from './command.js';
import { FrameError } from './errors.js';
import { decodeFrame, encodeFrame, encodeFrameBuffer, FRAME_BYTES_MAX, FrameDecoder } from './frame.js';
import { SendMessageRequestHeaderV2 } from './header/index.js';
import { RequestCode } from './request-code.js';

const hex = (buffer: Buffer): string => buffer.toString('hex').toUpperCase();

/** A fixture: hex digits, with '#' comment lines saying where the bytes came from. */
function fixture(name: string): Buffer {
  // Tests run from the build folder (dist*/src/protocol); fixtures stay in src/protocol/fixtures.
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const text = readFileSync(`${root}src/protocol/fixtures/${name}`, 'utf8');
  const digits = text
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .join('')
    .replace(/\s+/g, '');
  assert.match(digits, /^([0-9A-Fa-f]{2})+$/, `${name} holds hex`);
  return Buffer.from(digits, 'hex');
}

/** Decodes every frame of a stream fed in the given chunk sizes. */
function decodeStream(stream: Buffer, chunkSizes: Iterable<number>, decoder = new FrameDecoder()): RemotingCommand[] {
  const commands: RemotingCommand[] = [];
  let pos = 0;
  for (const size of chunkSizes) {
    if (pos >= stream.length) break;
    decoder.push(stream.subarray(pos, pos + size), (frame) => commands.push(decodeFrame(frame)));
    pos += size;
  }
  assert.equal(pos >= stream.length, true, 'the chunk sizes cover the stream');
  return commands;
}

function* repeat(size: number): Iterable<number> {
  for (;;) yield size;
}

/** A stream of varied commands: JSON and binary headers, with and without bodies, one large. */
function sampleStream(): { stream: Buffer; commands: RemotingCommand[] } {
  const commands: RemotingCommand[] = [
    createRequestCommand(RequestCode.HEART_BEAT, { opaque: 1, body: Buffer.from('{"clientID":"c"}') }),
    createResponse({ opaque: 1 }, 0),
    createRequestCommand(RequestCode.PULL_MESSAGE, { opaque: 2, extFields: { topic: 'T', queueId: '0' } }),
    createResponse({ opaque: 2 }, 19, { remark: 'no new message', extFields: { nextBeginOffset: '5' }, body: Buffer.alloc(70000, 0x5a) }),
    createRequestCommand(RequestCode.SEND_MESSAGE, { opaque: 3, extFields: { topic: 'T' }, body: Buffer.from('x') }),
  ];
  const types = [SerializeType.JSON, SerializeType.JSON, SerializeType.ROCKETMQ, SerializeType.JSON, SerializeType.ROCKETMQ];
  const stream = Buffer.concat(commands.map((command, index) => encodeFrameBuffer(command, types[index])));
  return { stream, commands };
}

/** mulberry32: a small PRNG whose low bits are as random as its high ones (unlike an LCG's). */
function seededRandom(seed: number): (limit: number) => number {
  let state = seed | 0;
  return (limit) => {
    state = (state + 0x6d2b79f5) | 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return Math.floor((((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296) * limit);
  };
}

function normalize(command: RemotingCommand): unknown {
  // The serialize type is the stream's business (each frame says it), not the command's content.
  return { ...command, serializeType: undefined, remark: command.remark === '' ? undefined : command.remark, body: command.body && command.body.length > 0 ? hex(command.body) : undefined };
}

test('frame - encodes a JSON response to the bytes Java RemotingCommand.encode frames', () => {
  const response = createResponse({ opaque: 5 }, 0, { remark: 'ok', extFields: { queueId: '3' }, body: Buffer.from('body') });
  const header =
    '{"code":0,"extFields":{"queueId":"3"},"flag":1,"language":"JAVA","opaque":5,"remark":"ok","serializeTypeCurrentRPC":"JSON","version":479}';
  assert.equal(header.length, 137);
  const expected = [
    '00000091', // length 145 = 4 + 137 header + 4 body
    '00', '000089', // serialize type JSON, header length 137
    Buffer.from(header).toString('hex').toUpperCase(),
    '626F6479', // body
  ].join('');
  // Printed by Java 17 framing the same header bytes as RemotingCommand.encode() does.
  const java =
    '00000091000000897B22636F6465223A302C226578744669656C6473223A7B2271756575654964223A2233227D2C22666C6167223A312C226C' +
    '616E6775616765223A224A415641222C226F7061717565223A352C2272656D61726B223A226F6B222C2273657269616C697A6554797065437572' +
    '72656E74525043223A224A534F4E222C2276657273696F6E223A3437397D626F6479';
  assert.equal(expected, java);
  assert.equal(hex(encodeFrameBuffer(response)), java);
  // The body travels as its own buffer, not copied into the head.
  const parts = encodeFrame(response);
  assert.equal(parts.length, 2);
  assert.equal(parts[1], response.body);
  assert.equal(encodeFrame(createResponse({ opaque: 5 }, 0)).length, 1);
});

test('frame - an ali-ons SEND_MESSAGE_V2 frame decodes to the typed header with raw JSON values coerced', () => {
  const frame = fixture('ali-ons-send-message-v2.hex');
  const frames: Buffer[] = [];
  new FrameDecoder().push(frame, (bytes) => frames.push(bytes));
  assert.equal(frames.length, 1);
  const [only] = frames;
  assert.ok(only !== undefined);
  const command = decodeFrame(only);
  assert.equal(command.code, RequestCode.SEND_MESSAGE_V2);
  assert.equal(command.opaque, 7);
  assert.equal(command.flag, 0);
  assert.equal(command.version, 121);
  assert.equal(command.language, 'JAVA');
  assert.equal(command.remark, undefined);
  assert.equal(command.body?.toString(), 'Hello');
  assert.deepEqual(command.extFields, {
    a: 'PID_test',
    b: 'TopicTest',
    c: 'TBW102',
    d: '4',
    e: '1',
    f: '0',
    g: '1700000000123',
    h: '0',
    i: 'TAGS\u0001TagA\u0002KEYS\u0001k1\u0002',
    j: '0',
    k: 'false',
  });
  assert.deepEqual(SendMessageRequestHeaderV2.decode(command.extFields), {
    producerGroup: 'PID_test',
    topic: 'TopicTest',
    defaultTopic: 'TBW102',
    defaultTopicQueueNums: 4,
    queueId: 1,
    sysFlag: 0,
    bornTimestamp: 1700000000123,
    flag: 0,
    properties: 'TAGS\u0001TagA\u0002KEYS\u0001k1\u0002',
    reconsumeTimes: 0,
    unitMode: false,
  });
});

test('frame - the ali-ons fixture is what ali-ons encodes today', () => {
  const require = createRequire(import.meta.url);
  const RemotingCommand = require('ali-ons/lib/protocol/command/remoting_command') as new (options: object) => {
    body: Buffer | null;
    encode(): Buffer;
  };
  const command = new RemotingCommand({
    code: 310,
    opaque: 7,
    customHeader: {
      a: 'PID_test', b: 'TopicTest', c: 'TBW102', d: 4, e: 1, f: 0, g: 1700000000123, h: 0,
      i: 'TAGS\u0001TagA\u0002KEYS\u0001k1\u0002', j: 0, k: false, l: undefined,
    },
  });
  command.body = Buffer.from('Hello');
  assert.equal(hex(command.encode()), hex(fixture('ali-ons-send-message-v2.hex')));
});

test('frame - ali-ons decodes the response frames we encode', () => {
  const require = createRequire(import.meta.url);
  const RemotingCommand = require('ali-ons/lib/protocol/command/remoting_command') as {
    decode(packet: Buffer): { code: number; opaque: number; remark?: string; extFields: Record<string, string>; body?: Buffer; isResponseType: boolean };
  };
  const withAll = RemotingCommand.decode(
    encodeFrameBuffer(createResponse({ opaque: 7 }, 0, { remark: 'ok', extFields: { msgId: 'ABC', queueId: '1', queueOffset: '42' }, body: Buffer.from('b') })),
  );
  assert.equal(withAll.code, 0);
  assert.equal(withAll.opaque, 7);
  assert.equal(withAll.isResponseType, true);
  assert.equal(withAll.remark, 'ok');
  assert.deepEqual(withAll.extFields, { msgId: 'ABC', queueId: '1', queueOffset: '42' });
  assert.equal(withAll.body?.toString(), 'b');
  const bare = RemotingCommand.decode(encodeFrameBuffer(createResponse({ opaque: 8 }, 17)));
  assert.equal(bare.code, 17);
  assert.deepEqual(bare.extFields, {});
  assert.equal(bare.body, undefined);
});

test('frame - a Java ROCKETMQ binary-header frame decodes, and we encode the same bytes', () => {
  const frame = fixture('java-rocketmq-binary-request.hex');
  assert.equal(frame.readUInt8(4), SerializeType.ROCKETMQ);
  const command = decodeFrame(frame.subarray(4));
  assert.deepEqual(command, {
    code: 310,
    language: 'JAVA',
    version: 479,
    opaque: 9,
    flag: 0,
    remark: undefined,
    extFields: { topic: 'TopicTest', queueId: '3' },
    body: Buffer.from('hi'),
    serializeType: SerializeType.ROCKETMQ,
  });
  assert.equal(hex(encodeFrameBuffer(command, SerializeType.ROCKETMQ)), hex(frame));
});

test('frame - decoder fed one byte at a time yields the same commands', () => {
  const { stream, commands } = sampleStream();
  const decoder = new FrameDecoder();
  const decoded = decodeStream(stream, repeat(1), decoder);
  assert.deepEqual(decoded.map(normalize), commands.map(normalize));
  assert.equal(decoder.hasPartialFrame, false);
});

test('frame - decoder gives the same commands for every split of a stream into two chunks', () => {
  const commands = [
    createRequestCommand(RequestCode.HEART_BEAT, { opaque: 1, body: Buffer.from('{}') }),
    createResponse({ opaque: 1 }, 0),
    createRequestCommand(RequestCode.PULL_MESSAGE, { opaque: 2, extFields: { topic: 'T' } }),
  ];
  const stream = Buffer.concat([
    encodeFrameBuffer(commands[0] ?? assert.fail()),
    encodeFrameBuffer(commands[1] ?? assert.fail()),
    encodeFrameBuffer(commands[2] ?? assert.fail(), SerializeType.ROCKETMQ),
  ]);
  const expected = commands.map(normalize);
  for (let cut = 1; cut < stream.length; cut++) {
    assert.deepEqual(decodeStream(stream, [cut, stream.length - cut]).map(normalize), expected, `cut at byte ${cut}`);
  }
});

test('frame - decoder fed random chunkings yields identical commands (seeded)', () => {
  const { stream, commands } = sampleStream();
  const expected = commands.map(normalize);
  assert.deepEqual(decodeStream(stream, [stream.length]).map(normalize), expected);
  const seed = Number(process.env['SEED'] ?? Date.now() % 1_000_000);
  const random = seededRandom(seed);
  try {
    for (let round = 0; round < 200; round++) {
      const sizes: number[] = [];
      for (let total = 0; total < stream.length; ) {
        // Mostly small cuts around the 4-byte length field, sometimes large ones.
        const size = 1 + (random(4) === 0 ? random(80000) : random(12));
        sizes.push(size);
        total += size;
      }
      const decoder = new FrameDecoder();
      assert.deepEqual(decodeStream(stream, sizes, decoder).map(normalize), expected, `round ${round}`);
      assert.equal(decoder.hasPartialFrame, false);
    }
  } catch (error) {
    console.error(`frame - random chunkings failed with SEED=${seed}`);
    throw error;
  }
});

test('frame - decoder hands out whole frames inside a chunk as views, and reports a partial frame', () => {
  const { stream } = sampleStream();
  const decoder = new FrameDecoder();
  const frames: Buffer[] = [];
  decoder.push(stream.subarray(0, 30), (frame) => frames.push(frame));
  assert.equal(frames.length, 0);
  assert.equal(decoder.hasPartialFrame, true);
  decoder.push(stream.subarray(30), (frame) => frames.push(frame));
  assert.equal(frames.length, 5);
  assert.equal(decoder.hasPartialFrame, false);
  const partial = new FrameDecoder();
  partial.push(stream.subarray(0, 2), () => assert.fail('no frame yet'));
  assert.equal(partial.hasPartialFrame, true);
});

function assertFrameError(bytes: Buffer, message: RegExp, decoder = new FrameDecoder()): void {
  assert.throws(
    () => decoder.push(bytes, (frame) => decodeFrame(frame)),
    (error: unknown) => error instanceof FrameError && message.test(error.message),
    hex(bytes.subarray(0, 16)),
  );
}

test('frame - FrameError for an oversize length (over 16 MiB, length field included)', () => {
  assert.equal(FRAME_BYTES_MAX, 16 * 1024 * 1024);
  assertFrameError(Buffer.from('00FFFFFD', 'hex'), /frame length 16777213 is over the 16777216-byte limit/);
  assertFrameError(Buffer.from('FFFFFFFF', 'hex'), /is over/);
  // "GET " as a length: an HTTP client on the remoting port.
  assertFrameError(Buffer.from('GET / HTTP/1.1\r\n'), /is over/);
  // The largest allowed frame passes the length check.
  const decoder = new FrameDecoder();
  decoder.push(Buffer.from('00FFFFFC', 'hex'), () => assert.fail('no frame yet'));
  assert.equal(decoder.hasPartialFrame, true);
  // A smaller limit can be configured.
  assertFrameError(Buffer.from('00000100', 'hex'), /over the 200-byte limit/, new FrameDecoder(200));
});

test('frame - FrameError for a length too small to hold the header length', () => {
  for (const length of ['00000000', '00000003']) assertFrameError(Buffer.from(length, 'hex'), /is too small/);
  assert.throws(() => decodeFrame(Buffer.from('000000', 'hex')), FrameError);
});

test('frame - FrameError for a header length past the frame', () => {
  assertFrameError(Buffer.from('00000006' + '00000003' + '7B7D', 'hex'), /header length 3 is past the end of a 6-byte frame/);
  assertFrameError(Buffer.from('00000004' + '00FFFFFF', 'hex'), /header length 16777215 is past/);
});

test('frame - FrameError for a header that is not JSON', () => {
  assertFrameError(Buffer.from('00000007' + '00000003' + '616263', 'hex'), /header is not JSON/);
  assertFrameError(Buffer.from('00000004' + '00000000', 'hex'), /header is not JSON/);
});

test('frame - FrameError for an unknown serialize type', () => {
  assertFrameError(Buffer.from('00000006' + '02000002' + '7B7D', 'hex'), /unknown serialize type 2/);
  assertFrameError(Buffer.from('00000006' + 'FF000002' + '7B7D', 'hex'), /unknown serialize type 255/);
});

test('frame - encoding a frame over 16 MiB throws FrameError', () => {
  const body = Buffer.alloc(FRAME_BYTES_MAX);
  assert.throws(() => encodeFrame(createResponse({ opaque: 1 }, 0, { body })), FrameError);
  const header = encodeFrame(createResponse({ opaque: 1 }, 0))[0]?.length ?? 0;
  const fits = Buffer.alloc(FRAME_BYTES_MAX - header);
  assert.equal(encodeFrame(createResponse({ opaque: 1 }, 0, { body: fits }))[0]?.readInt32BE(0), FRAME_BYTES_MAX - 4);
});

test('frame - a binary request named by readsInPlace keeps its frame and decodes its extFields only when asked', () => {
  const frame = fixture('java-rocketmq-binary-request.hex').subarray(4);
  const asked: number[] = [];
  const readsInPlace = (code: number): boolean => {
    asked.push(code);
    return code === RequestCode.SEND_MESSAGE_V2;
  };
  const eager = decodeFrame(frame);
  const unread = decodeFrame(frame, readsInPlace);
  assert.deepEqual(asked, [310]);
  assert.equal(unread.frame, frame);
  for (const key of ['code', 'language', 'version', 'opaque', 'flag', 'remark', 'body', 'serializeType'] as const) assert.deepEqual(unread[key], eager[key], key);
  assert.deepEqual(unread.extFields, { topic: 'TopicTest', queueId: '3' });
  assert.equal(unread.extFields, unread.extFields, 'decoded once');
  assert.equal(hex(encodeFrameBuffer(unread, SerializeType.ROCKETMQ)), hex(fixture('java-rocketmq-binary-request.hex')));
  // Another code, a response and a JSON header are decoded as before.
  assert.equal(decodeFrame(frame, () => false).frame, undefined);
  const response = encodeFrameBuffer(createResponse({ opaque: 9, serializeType: SerializeType.ROCKETMQ }, 0, { extFields: { a: 'b' } })).subarray(4);
  assert.equal(decodeFrame(response, () => true).frame, undefined);
  const json = encodeFrameBuffer(createRequestCommand(RequestCode.SEND_MESSAGE_V2, { opaque: 1, extFields: { a: 'b' } })).subarray(4);
  assert.equal(decodeFrame(json, () => true).frame, undefined);
});

test('frame - a malformed binary request named by readsInPlace is the same FrameError, at decode', () => {
  const frame = Buffer.from(fixture('java-rocketmq-binary-request.hex').subarray(4));
  // The last extFields value's length says one byte more than the header holds.
  const mark = frame.readUInt32BE(0);
  const headerEnd = 4 + (mark & 0xffffff);
  frame.writeInt32BE(frame.readInt32BE(headerEnd - 5) + 1, headerEnd - 5);
  assert.throws(() => decodeFrame(frame), FrameError);
  assert.throws(() => decodeFrame(frame, () => true), (error: unknown) => error instanceof FrameError && /extFields value/.test(error.message));
});
