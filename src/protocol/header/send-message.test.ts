import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SerializeType, type ExtFields, type RemotingCommand } from '../command.js';
import { binaryResponseOpaque, decodeFrame, encodeFrameBuffer } from '../frame.js';
import { readSendMessageResponse, SendMessageResponseHeader, type SendMessageResponseFields } from './send-message.js';

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
  const seed = Number(process.env['TEST_SEED'] ?? Date.now() % 100_000);
  let state = seed;
  const random = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state / 0x80000000;
  };
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
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
