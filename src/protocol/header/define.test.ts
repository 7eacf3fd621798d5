import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HeaderError } from '../errors.js';
import { bool, header, int, long, saturatedLong, str } from './define.js';
import { SendMessageRequestHeader, SendMessageRequestHeaderV2 } from './send-message.js';
import { PullMessageRequestHeader } from './pull-message.js';
import { SerializeType, type ExtFields, type RemotingCommand, type TypedHeader } from '../command.js';
import { decodeFrame, encodeFrameBuffer } from '../frame.js';

const Sample = header({
  name: str(),
  count: int(),
  offset: long(),
  enabled: bool(),
  note: str.optional(),
  limit: int.optional(),
  flagged: bool.optional(),
});

const GOOD = { name: 'n', count: '3', offset: '1700000000123', enabled: 'true' };

function assertHeaderError(fields: Record<string, string>, field: string, message: RegExp): void {
  assert.throws(
    () => Sample.decode(fields),
    (error: unknown) => error instanceof HeaderError && error.field === field && message.test(error.message),
    JSON.stringify(fields),
  );
}

test('header - decode types every field and leaves absent optional fields out', () => {
  const value = Sample.decode(GOOD);
  assert.deepEqual(value, { name: 'n', count: 3, offset: 1700000000123, enabled: true });
  assert.equal(Object.hasOwn(value, 'note'), false);
  assert.deepEqual(Sample.decode({ ...GOOD, note: '', limit: '-1', flagged: 'FALSE' }), {
    name: 'n',
    count: 3,
    offset: 1700000000123,
    enabled: true,
    note: '',
    limit: -1,
    flagged: false,
  });
});

test('header - a missing required field is a HeaderError naming it', () => {
  for (const name of ['name', 'count', 'offset', 'enabled']) {
    const fields: Record<string, string> = { ...GOOD };
    delete fields[name];
    assertHeaderError(fields, name, new RegExp(`the custom field <${name}> is null`));
  }
  // Inherited properties are not fields.
  const Proto = header({ toString: str() });
  assert.throws(() => Proto.decode({}), HeaderError);
});

test('header - bad int values are HeaderErrors naming the field', () => {
  for (const bad of ['', 'abc', '1.5', '1e3', '0x10', '2147483648', '-2147483649', '3 4']) {
    assertHeaderError({ ...GOOD, count: bad }, 'count', /<count> is not a valid int/);
  }
  assert.equal(Sample.decode({ ...GOOD, count: '2147483647' }).count, 2147483647);
  assert.equal(Sample.decode({ ...GOOD, count: '-2147483648' }).count, -2147483648);
});

test('header - bad long values are HeaderErrors naming the field', () => {
  for (const bad of ['', 'x', '1.0', '9007199254740992', '9223372036854775807', '-9007199254740992']) {
    assertHeaderError({ ...GOOD, offset: bad }, 'offset', /<offset> is not a valid long/);
  }
  assert.equal(Sample.decode({ ...GOOD, offset: '9007199254740991' }).offset, Number.MAX_SAFE_INTEGER);
  assert.equal(Sample.decode({ ...GOOD, offset: '-1' }).offset, -1);
});

test('header - bad boolean values are HeaderErrors naming the field', () => {
  for (const bad of ['', '1', '0', 'yes', 'truee']) {
    assertHeaderError({ ...GOOD, enabled: bad }, 'enabled', /<enabled> is not a valid boolean/);
  }
  assert.equal(Sample.decode({ ...GOOD, enabled: 'True' }).enabled, true);
  assertHeaderError({ ...GOOD, flagged: 'nope' }, 'flagged', /<flagged> is not a valid boolean: "nope"/);
});

test('header - encode writes strings, skips undefined optional fields, and decodes back', () => {
  const value = { name: 'n', count: -3, offset: 1700000000123, enabled: false, limit: 0, note: undefined };
  const extFields = Sample.encode(value);
  assert.deepEqual(extFields, { name: 'n', count: '-3', offset: '1700000000123', enabled: 'false', limit: '0' });
  assert.deepEqual(Sample.decode(extFields), { name: 'n', count: -3, offset: 1700000000123, enabled: false, limit: 0 });
});

test('header - SEND_MESSAGE (10) uses long names and SEND_MESSAGE_V2 (310) one-letter names for the same fields', () => {
  const value = {
    producerGroup: 'PID',
    topic: 'T',
    defaultTopic: 'TBW102',
    defaultTopicQueueNums: 4,
    queueId: 1,
    sysFlag: 0,
    bornTimestamp: 1700000000123,
    flag: 0,
    properties: 'TAGS\u0001a\u0002',
    reconsumeTimes: 0,
    unitMode: false,
    maxReconsumeTimes: 16,
    batch: true,
    brokerName: 'broker-a',
  };
  const v1 = SendMessageRequestHeader.encode(value);
  const v2 = SendMessageRequestHeaderV2.encode(value);
  assert.deepEqual(v2, {
    a: 'PID', b: 'T', c: 'TBW102', d: '4', e: '1', f: '0', g: '1700000000123', h: '0',
    i: 'TAGS\u0001a\u0002', j: '0', k: 'false', l: '16', m: 'true', n: 'broker-a',
  });
  assert.equal(v1['producerGroup'], 'PID');
  assert.equal(v1['maxReconsumeTimes'], '16');
  assert.deepEqual(Object.keys(v1), Object.keys(value));
  assert.deepEqual(SendMessageRequestHeader.decode(v1), value);
  assert.deepEqual(SendMessageRequestHeaderV2.decode(v2), value);
  // The V2 declaration does not read long names, and the V1 one does not read letters.
  assert.throws(() => SendMessageRequestHeaderV2.decode(v1), (error: unknown) => error instanceof HeaderError && error.field === 'producerGroup');
  assert.throws(() => SendMessageRequestHeader.decode(v2), (error: unknown) => error instanceof HeaderError && error.field === 'producerGroup');
  // A bad V2 value names the field.
  assert.throws(
    () => SendMessageRequestHeaderV2.decode({ ...v2, e: 'x' }),
    (error: unknown) => error instanceof HeaderError && error.field === 'queueId' && /queueId/.test(error.message),
  );
  assert.equal(SendMessageRequestHeaderV2.wireNames.queueId, 'e');
  assert.equal(SendMessageRequestHeader.wireNames.queueId, 'queueId');
});

test('header - PULL_MESSAGE as a Java client sends it', () => {
  const value = PullMessageRequestHeader.decode({
    consumerGroup: 'GID',
    topic: 'T',
    queueId: '0',
    queueOffset: '10',
    maxMsgNums: '32',
    sysFlag: '6',
    commitOffset: '0',
    suspendTimeoutMillis: '15000',
    subscription: '*',
    subVersion: '1700000000000',
    expressionType: 'TAG',
  });
  assert.equal(value.queueOffset, 10);
  assert.equal(value.subscription, '*');
  assert.equal(value.maxMsgBytes, undefined);
});

test('header - saturatedLong takes any Java long and clamps beyond 2^53', () => {
  const Range = header({ end: saturatedLong() });
  assert.equal(Range.decode({ end: '9223372036854775807' }).end, Number.MAX_SAFE_INTEGER);
  assert.equal(Range.decode({ end: '-9223372036854775808' }).end, Number.MIN_SAFE_INTEGER);
  assert.equal(Range.decode({ end: '9007199254740992' }).end, Number.MAX_SAFE_INTEGER);
  assert.equal(Range.decode({ end: ' 1700000000123 ' }).end, 1700000000123);
  assert.equal(Range.decode({ end: '-1' }).end, -1);
  for (const bad of ['', 'x', '1.5', '9223372036854775808', '-9223372036854775809', '0x10']) {
    assert.throws(() => Range.decode({ end: bad }), (error: unknown) => error instanceof HeaderError && error.field === 'end', bad);
  }
  assert.deepEqual(Range.encode({ end: Number.MAX_SAFE_INTEGER }), { end: '9007199254740991' });
});

function frameWith(fields: { extFields: ExtFields; typedHeader?: TypedHeader }, serializeType: SerializeType): Buffer {
  const command: RemotingCommand = { code: 310, language: 'JAVA', version: 479, opaque: 7, flag: 0, ...fields, serializeType };
  return encodeFrameBuffer(command);
}

test('header - typed() puts the same fields on the wire as encode(), in both header encodings', () => {
  const v2Values: SendMessageRequestHeader[] = [
    { producerGroup: 'PG', topic: 'T', defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId: 3, sysFlag: 0, bornTimestamp: 1700000000123, flag: 0 },
    {
      producerGroup: 'gr\u00fcppe',
      topic: 'T',
      defaultTopic: 'TBW102',
      defaultTopicQueueNums: 0,
      queueId: -1,
      sysFlag: 2 ** 31 - 1,
      bornTimestamp: Number.MAX_SAFE_INTEGER,
      flag: -(2 ** 31),
      properties: 'UNIQ_KEY\u0001AB\u0002',
      reconsumeTimes: 16,
      unitMode: false,
      maxReconsumeTimes: 3,
      batch: true,
      brokerName: 'broker-a',
    },
    // Not integers (a JS caller's mistake): written as String() writes them, as encode() does.
    { producerGroup: 'PG', topic: 'T', defaultTopic: 'TBW102', defaultTopicQueueNums: 1.5, queueId: Number.NaN, sysFlag: -0, bornTimestamp: 2 ** 60, flag: 10 },
  ];
  for (const serializeType of [SerializeType.JSON, SerializeType.ROCKETMQ]) {
    for (const value of v2Values) {
      const expected = frameWith({ extFields: SendMessageRequestHeaderV2.encode(value) }, serializeType);
      assert.deepEqual(frameWith({ extFields: {}, typedHeader: SendMessageRequestHeaderV2.typed(value) }, serializeType), expected, JSON.stringify(value));
    }
    const sample = { name: 'n', count: -12, offset: 1700000000123, enabled: false, limit: 0 };
    const typed = frameWith({ extFields: { bname: 'broker-a' }, typedHeader: Sample.typed(sample) }, serializeType);
    assert.deepEqual(typed, frameWith({ extFields: { ...Sample.encode(sample), bname: 'broker-a' } }, serializeType));
    assert.deepEqual(decodeFrame(typed.subarray(4)).extFields, { name: 'n', count: '-12', offset: '1700000000123', enabled: 'false', limit: '0', bname: 'broker-a' });
  }
});

test('header - SEND_MESSAGE_V2 decode, written out field by field, returns and throws what the generic decode does', () => {
  const generic = header(SendMessageRequestHeaderV2.fields, SendMessageRequestHeaderV2.wireNames);
  const full = { a: 'PG', b: 'T', c: 'TBW102', d: '4', e: '3', f: '0', g: '1700000000123', h: '0', i: 'UNIQ_KEY\u0001AB\u0002', j: '2', k: 'FALSE', l: '16', m: 'true', n: 'broker-a' };
  const required = { a: 'PG', b: 'T', c: 'TBW102', d: '4', e: '-1', f: '0', g: '1', h: '7' };
  for (const fields of [full, required, { ...required, j: '0' }, { ...required, n: '' }]) {
    const decoded = SendMessageRequestHeaderV2.decode(fields);
    assert.deepEqual(decoded, generic.decode(fields));
    assert.deepEqual(Object.keys(decoded), Object.keys(generic.decode(fields)), 'absent optional fields are left out');
  }
  const bad = [{ ...required, a: undefined }, { ...required, e: 'x' }, { ...required, g: '1.5' }, { ...full, k: 'yes' }, { ...full, l: '99999999999' }];
  for (const fields of bad) {
    const input = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Record<string, string>;
    const expected = (() => {
      try {
        generic.decode(input);
      } catch (error) {
        return error as HeaderError;
      }
      assert.fail(`generic decode accepted ${JSON.stringify(input)}`);
    })();
    assert.throws(() => SendMessageRequestHeaderV2.decode(input), (error: unknown) => error instanceof HeaderError && error.field === expected.field && error.message === expected.message);
  }
});
