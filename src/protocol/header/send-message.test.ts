import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SerializeType, type ExtFields, type RemotingCommand } from '../command.js';
import { binaryResponseOpaque, decodeFrame, encodeFrameBuffer } from '../frame.js';
import {
  readSendMessageResponse,
  readSendMessageV2Request,
  SendMessageRequestHeaderV2,
  SendMessageResponseHeader,
  type SendMessageRequestHeader,
  type SendMessageResponseFields,
} from './send-message.js';

/** The seed of a seeded test: SEED from the environment replays a failing run (the project's convention), else one from the clock. */
const testSeed = (): number => Number(process.env['SEED'] ?? Date.now() % 100_000);

/** A small LCG for the seeded tests: floats in [0, 1) and a pick from a list. */
function seededRandom(seed: number): { random: () => number; pick: <T>(values: readonly T[]) => T } {
  let state = seed;
  const random = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state / 0x80000000;
  };
  return { random, pick: <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T };
}

/** The frame as the connection sees it: the bytes after the length field. */
const frameOf = (command: RemotingCommand, serializeType: SerializeType = SerializeType.ROCKETMQ): Buffer => encodeFrameBuffer(command, serializeType).subarray(4);

const response = (extFields: ExtFields, extra: Partial<RemotingCommand> = {}): RemotingCommand => ({
  code: 0, language: 'JAVA', version: 479, opaque: 7, flag: 1, extFields, serializeType: SerializeType.ROCKETMQ, ...extra,
});

/** What the generic path makes of the frame: decodeFrame, SendMessageResponseHeader.decode and the two extra fields; or the error. */
function generic(frame: Buffer): SendMessageResponseFields | Error {
  try {
    const command = decodeFrame(frame);
    const header = SendMessageResponseHeader.decode(command.extFields);
    return {
      code: command.code,
      msgId: header.msgId,
      queueId: header.queueId,
      queueOffset: header.queueOffset,
      transactionId: header.transactionId,
      regionId: command.extFields['MSG_REGION'],
      traceOn: command.extFields['TRACE_ON'],
    };
  } catch (error) {
    return error as Error;
  }
}

const TYPICAL = { msgId: '7F00000100002A9F00000000000BE1A2', queueId: '3', queueOffset: '123456', MSG_REGION: 'DefaultRegion', TRACE_ON: 'true' };

test('send response read in place: the typical answers equal the generic decode', () => {
  const cases: RemotingCommand[] = [
    response(TYPICAL),
    response({ ...TYPICAL, transactionId: 'TX1', batchUniqId: 'B', unknownKey: 'x' }),
    response({ TRACE_ON: 'false', queueOffset: '0', queueId: '-1', msgId: 'm' }, { code: 10, remark: 'flush disk timeout' }),
    response({ msgId: 'ünï', queueId: '2147483647', queueOffset: '900719925474099' }),
  ];
  for (const command of cases) {
    const frame = frameOf(command);
    const fast = readSendMessageResponse(frame);
    assert.notEqual(fast, undefined, JSON.stringify(command.extFields));
    assert.deepEqual(fast, generic(frame));
  }
});

test('send response read in place: whatever it reads equals the generic decode, and the rest it leaves to it (seeded)', () => {
  const seed = testSeed();
  const { random, pick } = seededRandom(seed);
  const numbers = ['0', '3', '-7', ' 3', '+3', '3.0', '', '2147483648', '-2147483649', '123456789012345', '1234567890123456', '9007199254740993', 'x1', '٣'];
  const keys = ['msgId', 'queueId', 'queueOffset', 'transactionId', 'MSG_REGION', 'TRACE_ON', 'msgid', 'queueID', 'queueOffsex', 'transactionIx', 'MSG_REGIOn', 'other'];
  let read = 0;
  for (let round = 0; round < 2000; round++) {
    const pairs: [string, string][] = [];
    const count = Math.floor(random() * 8);
    for (let index = 0; index < count; index++) {
      const key = pick(keys);
      pairs.push([key, key.startsWith('queue') ? pick(numbers) : pick(['', 'v', 'false', 'true', 'DefaultRegion', '7F0000010000'])]);
    }
    // Mostly well-formed answers with some of these pairs mixed in, so both outcomes are exercised.
    const base: [string, string][] = random() < 0.6 ? Object.entries(TYPICAL) : [];
    const ordered = random() < 0.5 ? [...base, ...pairs] : [...pairs, ...base];
    const extFields: ExtFields = {};
    for (const [key, value] of ordered) {
      delete extFields[key];
      extFields[key] = value;
    }
    const extra: Partial<RemotingCommand> = { code: pick([0, 0, 10, 11, 12, 1, 17]), ...(random() < 0.2 ? { remark: 'why' } : {}) };
    // A typed header is written before extFields, so a key may come twice (the last one counts).
    if (random() < 0.3) Object.assign(extra, { typedHeader: SendMessageResponseHeader.typed({ msgId: 'typed', queueId: 5, queueOffset: 55 }) });
    const command = response(extFields, extra);
    const frame = frameOf(command);
    const fast = readSendMessageResponse(frame);
    if (fast === undefined) continue;
    read++;
    assert.deepEqual(fast, generic(frame), `seed ${seed} round ${round}: ${JSON.stringify(extFields)}`);
  }
  assert.ok(read > 500, `seed ${seed}: only ${read} of 2000 answers were read in place`);
});

test('send response read in place: a JSON header, a truncated header or a missing field is left to the generic decode', () => {
  assert.equal(readSendMessageResponse(frameOf(response(TYPICAL), SerializeType.JSON)), undefined);
  const frame = frameOf(response(TYPICAL));
  // The header length says more than the frame holds; then a header cut inside a pair.
  const overlong = Buffer.from(frame);
  overlong.writeUInt32BE(((SerializeType.ROCKETMQ << 24) | (frame.length + 1)) >>> 0, 0);
  assert.equal(readSendMessageResponse(overlong), undefined);
  const cut = Buffer.from(frame.subarray(0, frame.length - 3));
  cut.writeUInt32BE(((SerializeType.ROCKETMQ << 24) | (cut.length - 4)) >>> 0, 0);
  assert.equal(readSendMessageResponse(cut), undefined);
  assert.throws(() => decodeFrame(cut));
  for (const missing of ['msgId', 'queueId', 'queueOffset']) {
    const extFields: ExtFields = { ...TYPICAL };
    delete extFields[missing];
    assert.equal(readSendMessageResponse(frameOf(response(extFields))), undefined, missing);
  }
});

test('binaryResponseOpaque: a binary response names its opaque; a request or a JSON header does not', () => {
  assert.equal(binaryResponseOpaque(frameOf(response(TYPICAL, { opaque: -5 }))), -5);
  assert.equal(binaryResponseOpaque(frameOf(response(TYPICAL, { opaque: 123456 }))), 123456);
  assert.equal(binaryResponseOpaque(frameOf(response(TYPICAL, { flag: 0 }))), undefined);
  assert.equal(binaryResponseOpaque(frameOf(response(TYPICAL), SerializeType.JSON)), undefined);
  assert.equal(binaryResponseOpaque(Buffer.from([1, 0, 0, 2, 0, 0])), undefined);
});

const request = (extFields: ExtFields, extra: Partial<RemotingCommand> = {}): RemotingCommand => ({
  code: 310, language: 'JAVA', version: 479, opaque: 9, flag: 0, extFields, serializeType: SerializeType.ROCKETMQ, body: Buffer.from('body'), ...extra,
});

/** What the generic path makes of a SEND_MESSAGE_V2 request frame: decodeFrame then SendMessageRequestHeaderV2.decode; or the error. */
function genericRequest(frame: Buffer): SendMessageRequestHeader | Error {
  try {
    return SendMessageRequestHeaderV2.decode(decodeFrame(frame).extFields);
  } catch (error) {
    return error as Error;
  }
}

const SEND_V2: ExtFields = {
  a: 'PID_bench', b: 'BenchTopic', c: 'TBW102', d: '4', e: '3', f: '0', g: '1795333858776', h: '0',
  i: 'UNIQ_KEY\u0001AC1100010000\u0002WAIT\u0001true\u0002', j: '0', k: 'false', l: '16', m: 'false', n: 'broker-a',
};

const TYPED: SendMessageRequestHeader = { producerGroup: 'P', topic: 'T', defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId: 1, sysFlag: 0, bornTimestamp: 5, flag: 0, properties: 'K\u0001V\u0002' };

test('SEND_MESSAGE_V2 read in place: typical headers equal the generic decode, in the same key order', () => {
  const cases: ExtFields[] = [SEND_V2, { a: 'G', b: 'T', c: 'TBW102', d: '-1', e: '-1', f: '4', g: '0', h: '-2147483648' }, { ...SEND_V2, i: 'ünï\u0001x\u0002', k: 'true', m: 'true', zz: 'other', A: 'x', o: 'y' }];
  for (const extFields of cases) {
    const frame = frameOf(request(extFields));
    const fast = readSendMessageV2Request(frame);
    assert.notEqual(fast, undefined, JSON.stringify(extFields));
    assert.deepEqual(fast, genericRequest(frame));
    assert.deepEqual(Object.keys(fast ?? {}), Object.keys(genericRequest(frame)));
  }
  // The typed header a producer writes reads back too; a key repeated after it counts, as in the generic decode.
  const typed = SendMessageRequestHeaderV2.typed(TYPED);
  const frame = frameOf(request({}, { typedHeader: typed }));
  assert.deepEqual(readSendMessageV2Request(frame), TYPED);
  const repeated = frameOf(request({ e: '6', i: 'X\u0001Y\u0002' }, { typedHeader: typed }));
  assert.deepEqual(readSendMessageV2Request(repeated), { ...TYPED, queueId: 6, properties: 'X\u0001Y\u0002' });
  assert.deepEqual(readSendMessageV2Request(repeated), genericRequest(repeated));
});

test('SEND_MESSAGE_V2 read in place: whatever it reads equals the generic decode, and the rest it leaves to it (seeded)', () => {
  const seed = testSeed();
  const { random, pick } = seededRandom(seed);
  const numbers = ['0', '3', '-7', ' 3', '+3', '3.0', '', '-', '2147483647', '2147483648', '-2147483649', '123456789012345', '1234567890123456', '9007199254740993', 'x1', '٣'];
  const booleans = ['true', 'false', 'TRUE', ' true', 'yes', '', 'fals'];
  const texts = ['', 'v', 'BenchTopic', 'ü', 'a\u0001b\u0002', 'x'.repeat(40)];
  const keys = 'abcdefghijklmnop'.split('').concat(['aa', 'B', 'topic', '`']);
  let read = 0;
  for (let round = 0; round < 3000; round++) {
    const pairs: [string, string][] = [];
    const count = Math.floor(random() * 6);
    for (let index = 0; index < count; index++) {
      const key = pick(keys);
      pairs.push([key, 'dfghjl'.includes(key) ? pick(numbers) : 'km'.includes(key) ? pick(booleans) : pick(texts)]);
    }
    // Mostly well-formed headers with some of these pairs mixed in, so both outcomes are exercised.
    const base: [string, string][] = random() < 0.7 ? Object.entries(SEND_V2).filter(() => random() < 0.97) : [];
    const ordered = random() < 0.5 ? [...base, ...pairs] : [...pairs, ...base];
    const extFields: ExtFields = {};
    for (const [key, value] of ordered) {
      delete extFields[key];
      extFields[key] = value;
    }
    const extra: Partial<RemotingCommand> = random() < 0.2 ? { remark: 'r' } : {};
    // A typed header is written before extFields, so a key may come twice (the last one counts).
    if (random() < 0.3) Object.assign(extra, { typedHeader: SendMessageRequestHeaderV2.typed({ ...TYPED, queueId: Math.floor(random() * 8) }) });
    const frame = frameOf(request(extFields, extra));
    const fast = readSendMessageV2Request(frame);
    if (fast === undefined) continue;
    read++;
    assert.deepEqual(fast, genericRequest(frame), `seed ${seed} round ${round}: ${JSON.stringify(extFields)}`);
  }
  assert.ok(read > 1000, `seed ${seed}: only ${read} of 3000 headers were read in place`);
});

test('SEND_MESSAGE_V2 read in place: a JSON header, a truncated header, a missing or unusual field is left to the generic decode', () => {
  assert.equal(readSendMessageV2Request(frameOf(request(SEND_V2), SerializeType.JSON)), undefined);
  const frame = frameOf(request(SEND_V2));
  const cut = Buffer.from(frame.subarray(0, frame.length - 7 - 4));
  cut.writeUInt32BE(((SerializeType.ROCKETMQ << 24) | (cut.length - 4)) >>> 0, 0);
  assert.equal(readSendMessageV2Request(cut), undefined);
  for (const key of 'abcdefgh') {
    const extFields: ExtFields = { ...SEND_V2 };
    delete extFields[key];
    assert.equal(readSendMessageV2Request(frameOf(request(extFields))), undefined, `without ${key}`);
    assert.ok(genericRequest(frameOf(request(extFields))) instanceof Error);
  }
  const unusual: [string, string][] = [['g', '12345678901234567'], ['g', ' 5'], ['k', 'TRUE'], ['m', 'False'], ['k', 'yes']];
  for (const key of 'defhjl') unusual.push([key, ' 3'], [key, '2147483648'], [key, '-2147483649'], [key, '+1']);
  for (const [key, value] of unusual) {
    const frame = frameOf(request({ ...SEND_V2, [key]: value }));
    assert.equal(readSendMessageV2Request(frame), undefined, `${key}=${value}`);
  }
  // Without the optional fields the value has none of their keys.
  const required = frameOf(request({ a: 'G', b: 'T', c: 'D', d: '1', e: '2', f: '3', g: '4', h: '5' }));
  assert.deepEqual(readSendMessageV2Request(required), { producerGroup: 'G', topic: 'T', defaultTopic: 'D', defaultTopicQueueNums: 1, queueId: 2, sysFlag: 3, bornTimestamp: 4, flag: 5 });
});
