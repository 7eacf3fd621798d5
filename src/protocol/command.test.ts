import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createRequestCommand,
  createResponse,
  decodeJsonHeader,
  encodeJsonHeader,
  isOneway,
  isResponse,
  RemotingFlag,
  SERVER_VERSION,
} from './command.js';
import { FrameError } from './errors.js';

const json = (text: string): Buffer => Buffer.from(text, 'utf8');

test('command - JSON header keys come in fastjson order: code, extFields, flag, language, opaque, remark, serializeTypeCurrentRPC, version', () => {
  const response = createResponse({ opaque: 5 }, 0, { remark: 'ok', extFields: { queueId: '3' } });
  assert.equal(
    encodeJsonHeader(response).toString('utf8'),
    '{"code":0,"extFields":{"queueId":"3"},"flag":1,"language":"JAVA","opaque":5,"remark":"ok","serializeTypeCurrentRPC":"JSON","version":479}',
  );
});

test('command - JSON header omits extFields when empty and remark when absent, as Java omits nulls', () => {
  const request = createRequestCommand(34, { opaque: 1 });
  assert.equal(
    encodeJsonHeader(request).toString('utf8'),
    '{"code":34,"flag":0,"language":"JAVA","opaque":1,"serializeTypeCurrentRPC":"JSON","version":479}',
  );
});

test('command - JSON header escapes remark and extFields and keeps UTF-8', () => {
  const response = createResponse({ opaque: -7 }, 1, { remark: 'bad "x"\n\u0001 ü', extFields: { i: 'TAGS\u0001a\u0002' } });
  const bytes = encodeJsonHeader(response);
  assert.equal(
    bytes.toString('utf8'),
    '{"code":1,"extFields":{"i":"TAGS\\u0001a\\u0002"},"flag":1,"language":"JAVA","opaque":-7,"remark":"bad \\"x\\"\\n\\u0001 ü","serializeTypeCurrentRPC":"JSON","version":479}',
  );
  // "ü" is two UTF-8 bytes.
  assert.ok(bytes.includes(Buffer.from([0xc3, 0xbc])));
  const decoded = decodeJsonHeader(bytes, undefined);
  assert.equal(decoded.remark, 'bad "x"\n\u0001 ü');
  assert.deepEqual(decoded.extFields, { i: 'TAGS\u0001a\u0002' });
});

test('command - JSON decode coerces raw numbers and booleans in extFields to strings, as fastjson does', () => {
  const header = json(
    '{"code":310,"language":"JAVA","opaque":1,"flag":0,"version":121,' +
      '"extFields":{"a":"g","b":"T","e":1,"g":1795269547959,"k":false,"m":true,"n":null,"x":-3,"y":{"p":1},"z":[1,"a"]}}',
  );
  const body = Buffer.from('body');
  const command = decodeJsonHeader(header, body);
  assert.deepEqual(command, {
    code: 310,
    language: 'JAVA',
    version: 121,
    opaque: 1,
    flag: 0,
    remark: undefined,
    extFields: { a: 'g', b: 'T', e: '1', g: '1795269547959', k: 'false', m: 'true', x: '-3', y: '{"p":1}', z: '[1,"a"]' },
    body,
  });
});

test('command - JSON decode fills what a peer may leave out', () => {
  const command = decodeJsonHeader(json('{"code":0,"opaque":3}'), undefined);
  assert.deepEqual(command, { code: 0, language: 'OTHER', version: 0, opaque: 3, flag: 0, remark: undefined, extFields: {}, body: undefined });
  // Numbers written as strings, and a null remark and extFields.
  const loose = decodeJsonHeader(json('{"code":"17","opaque":"-4","flag":"1","remark":null,"extFields":null,"language":"GO"}'), undefined);
  assert.equal(loose.code, 17);
  assert.equal(loose.opaque, -4);
  assert.equal(loose.flag, 1);
  assert.equal(loose.remark, undefined);
  assert.deepEqual(loose.extFields, {});
  assert.equal(loose.language, 'GO');
});

test('command - JSON decode throws FrameError for headers it cannot trust', () => {
  const cases: [string, RegExp][] = [
    ['', /not JSON/],
    ['{"code":0', /not JSON/],
    ['[1,2]', /not a JSON object/],
    ['null', /not a JSON object/],
    ['"text"', /not a JSON object/],
    ['{"opaque":1}', /no code/],
    ['{"code":1}', /no opaque/],
    ['{"code":1.5,"opaque":1}', /code is not an int32/],
    ['{"code":"abc","opaque":1}', /code is not an int32/],
    ['{"code":"","opaque":1}', /code is not an int32/],
    ['{"code":true,"opaque":1}', /code is not an int32/],
    ['{"code":1,"opaque":2147483648}', /opaque is not an int32/],
    ['{"code":1,"opaque":1,"flag":-2147483649}', /flag is not an int32/],
    ['{"code":1,"opaque":1,"extFields":[1]}', /extFields is not an object/],
    ['{"code":1,"opaque":1,"extFields":"a=b"}', /extFields is not an object/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => decodeJsonHeader(json(text), undefined), (error: unknown) => error instanceof FrameError && message.test(error.message), text);
  }
});

test('command - JSON encode then decode gives the command back', () => {
  const request = createRequestCommand(310, {
    opaque: 2147483647,
    flag: RemotingFlag.ONEWAY,
    language: 'NODE_JS',
    version: 121,
    extFields: { a: 'PID', 'key with space': 'v "q"' },
    remark: '',
  });
  const decoded = decodeJsonHeader(encodeJsonHeader(request), undefined);
  assert.deepEqual(decoded, { ...request, body: undefined });
  assert.equal(isOneway(decoded), true);
  assert.equal(isResponse(decoded), false);
});

test('command - createResponse echoes opaque and sets the RESPONSE flag', () => {
  const response = createResponse({ opaque: 42 }, 3, { remark: ' request type 999 not supported' });
  assert.equal(response.opaque, 42);
  assert.equal(response.flag, RemotingFlag.RESPONSE);
  assert.equal(isResponse(response), true);
  assert.equal(response.version, SERVER_VERSION);
  assert.deepEqual(response.extFields, {});
});

test('json header - the hand-written encoder writes what JSON.stringify writes, escapes included', () => {
  const awkward = ['plain', 'quote " and \\ backslash', 'tab\tnew\nline\u0001', 'ünïcödé 中文', 'pair \ud83d\ude00', 'lone \ud800 surrogate', ''];
  for (const text of awkward) {
    const command = createRequestCommand(310, { opaque: 7, extFields: { [text || 'k']: text, b: '1' }, remark: text });
    const decoded = decodeJsonHeader(encodeJsonHeader(command), undefined);
    assert.deepEqual(decoded.extFields, { [text || 'k']: text, b: '1' });
    assert.equal(decoded.remark, text);
    const expected = `{"code":310,"extFields":${JSON.stringify({ [text || 'k']: text, b: '1' })},"flag":0,"language":"JAVA","opaque":7,"remark":${JSON.stringify(text)},"serializeTypeCurrentRPC":"JSON","version":479}`;
    assert.equal(encodeJsonHeader(command).toString('utf8'), expected);
  }
});

test('json header - numbers, booleans and objects in extFields are still coerced to strings; a bad header still fails', () => {
  const decoded = decodeJsonHeader(Buffer.from('{"code":11,"opaque":1,"extFields":{"a":1,"b":true,"c":null,"d":{"x":1},"e":"s"}}'), undefined);
  assert.deepEqual(decoded.extFields, { a: '1', b: 'true', d: '{"x":1}', e: 's' });
  assert.throws(() => decodeJsonHeader(Buffer.from('{"code":11,"opaque":1,"extFields":[1]}'), undefined), /extFields is not an object/);
  assert.throws(() => decodeJsonHeader(Buffer.from('{"code":11,'), undefined), /header is not JSON/);
});
