import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { deflateSync, inflateSync } from 'node:zlib';
import { BodyError } from '../errors.js';
import { decodeRegisterBrokerBody, encodeRegisterBrokerBody, type RegisterBrokerBody } from './register-broker.js';
import type { TopicConfig } from './topic-config.js';

function fixture(name: string): Buffer {
  const root = fileURLToPath(new URL('../../../../', import.meta.url));
  const text = readFileSync(`${root}src/protocol/fixtures/${name}`, 'utf8');
  return Buffer.from(text.split('\n').filter((line) => !line.startsWith('#')).join('').replace(/\s+/g, ''), 'hex');
}

function topic(name: string, overrides: Partial<TopicConfig> = {}): TopicConfig {
  return {
    topicName: name,
    readQueueNums: 4,
    writeQueueNums: 4,
    perm: 6,
    topicFilterType: 'SINGLE_TAG',
    topicSysFlag: 0,
    order: false,
    attributes: {},
    ...overrides,
  };
}

const BODY: RegisterBrokerBody = {
  dataVersion: { stateVersion: 0, timestamp: 1700000000000, counter: 2 },
  topicConfigTable: new Map([
    ['TopicA', topic('TopicA')],
    ['TopicFifo', topic('TopicFifo', { readQueueNums: 8, writeQueueNums: 8, attributes: { '+message.type': 'FIFO' } })],
  ]),
  filterServerList: [],
};

function int32(value: number): string {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(value);
  return bytes.toString('hex');
}

function block(text: string): string {
  return int32(Buffer.byteLength(text)) + Buffer.from(text).toString('hex');
}

test('register-broker - plain body is RegisterBrokerBody JSON, keys in fastjson order', async () => {
  const bytes = await encodeRegisterBrokerBody(BODY, false);
  assert.equal(
    bytes.toString(),
    '{"filterServerList":[],"topicConfigSerializeWrapper":{' +
      '"dataVersion":{"counter":2,"stateVersion":0,"timestamp":1700000000000},"topicConfigTable":{' +
      '"TopicA":{"attributes":{},"order":false,"perm":6,"readQueueNums":4,"topicFilterType":"SINGLE_TAG","topicName":"TopicA","topicSysFlag":0,"writeQueueNums":4},' +
      '"TopicFifo":{"attributes":{"+message.type":"FIFO"},"order":false,"perm":6,"readQueueNums":8,"topicFilterType":"SINGLE_TAG","topicName":"TopicFifo","topicSysFlag":0,"writeQueueNums":8}}}}',
  );
  assert.deepEqual(await decodeRegisterBrokerBody(bytes, false), BODY);
});

test('register-broker - plain body as a Java broker sends it (extra fields, string numbers) decodes', async () => {
  const java = Buffer.from(
    '{"filterServerList":["10.0.0.9:40000"],"topicConfigSerializeWrapper":{"dataVersion":{"counter":7,"stateVersion":1,"timestamp":1700000000000},' +
      '"topicConfigTable":{"T":{"topicName":"T","readQueueNums":"4","writeQueueNums":4,"perm":6,"topicFilterType":"MULTI_TAG","topicSysFlag":0,"order":true,"attributes":{}},' +
      '"TBW102":{"topicName":"TBW102","readQueueNums":8,"writeQueueNums":8,"perm":7}},"topicQueueMappingInfoMap":{}}}',
  );
  const body = await decodeRegisterBrokerBody(java, false);
  assert.deepEqual(body.dataVersion, { stateVersion: 1, timestamp: 1700000000000, counter: 7 });
  assert.deepEqual(body.filterServerList, ['10.0.0.9:40000']);
  assert.deepEqual(body.topicConfigTable.get('T'), topic('T', { topicFilterType: 'MULTI_TAG', order: true }));
  // Fields Java leaves at their defaults may be absent.
  assert.deepEqual(body.topicConfigTable.get('TBW102'), topic('TBW102', { readQueueNums: 8, writeQueueNums: 8, perm: 7 }));
});

test('register-broker - compressed body is the deflated block layout, and round trips', async () => {
  const compressed = await encodeRegisterBrokerBody(BODY, true);
  assert.equal(compressed.readUInt16BE(0), 0x78da, 'a zlib stream at level 9, as Java Deflater.BEST_COMPRESSION');
  const expected = [
    block('{"counter":2,"stateVersion":0,"timestamp":1700000000000}'),
    int32(2),
    block('TopicA 4 4 6 SINGLE_TAG {}'),
    block('TopicFifo 8 8 6 SINGLE_TAG {"+message.type":"FIFO"}'),
    block('[]'),
    int32(0), // no static topic mappings
  ].join('');
  assert.equal(inflateSync(compressed).toString('hex'), expected);
  assert.deepEqual(await decodeRegisterBrokerBody(compressed, true), BODY);
});

test('register-broker - a compressed body deflated by Java, with topic lines carrying attributes, decodes', async () => {
  const body = await decodeRegisterBrokerBody(fixture('java-register-broker-compressed.hex'), true);
  assert.deepEqual(body.dataVersion, { stateVersion: 0, timestamp: 1700000000000, counter: 3 });
  assert.deepEqual([...body.topicConfigTable.keys()], ['TopicA', 'TopicFifo', '%RETRY%GID_x']);
  assert.deepEqual(body.topicConfigTable.get('TopicA'), topic('TopicA'));
  assert.deepEqual(
    body.topicConfigTable.get('TopicFifo'),
    topic('TopicFifo', { readQueueNums: 8, writeQueueNums: 8, attributes: { '+message.type': 'FIFO' } }),
  );
  assert.deepEqual(
    body.topicConfigTable.get('%RETRY%GID_x'),
    topic('%RETRY%GID_x', { readQueueNums: 1, writeQueueNums: 1, topicFilterType: 'MULTI_TAG', attributes: { a: '1', b: '2' } }),
  );
  assert.deepEqual(body.filterServerList, ['10.0.0.9:40000']);
});

test('register-broker - compressed topic line attributes: spaces survive, unparseable ones are dropped as Java does', async () => {
  const stream = Buffer.from(
    [
      block('{"counter":1,"stateVersion":0,"timestamp":5}'),
      int32(3),
      block('Spaced 1 1 6 SINGLE_TAG {"k":"a b"}'),
      block('Broken 1 1 6 SINGLE_TAG {not json'),
      block('Bare 2 2 4 SINGLE_TAG'),
      block('[]'),
      int32(0),
    ].join(''),
    'hex',
  );
  const body = await decodeRegisterBrokerBody(deflateSync(stream), true);
  assert.deepEqual(body.topicConfigTable.get('Spaced')?.attributes, { k: 'a b' });
  assert.deepEqual(body.topicConfigTable.get('Broken')?.attributes, {});
  assert.deepEqual(body.topicConfigTable.get('Bare'), topic('Bare', { readQueueNums: 2, writeQueueNums: 2, perm: 4 }));
});

test('register-broker - malformed bodies are BodyErrors', async () => {
  const good = [block('{"counter":1,"stateVersion":0,"timestamp":5}'), int32(1), block('T 1 1 6 SINGLE_TAG {}'), block('[]'), int32(0)];
  const deflated = (parts: string[]): Buffer => deflateSync(Buffer.from(parts.join(''), 'hex'));
  const cases: [string, Buffer | undefined, boolean, RegExp][] = [
    ['no body', undefined, true, /has no body/],
    ['empty plain body', Buffer.alloc(0), false, /has no body/],
    ['not zlib', Buffer.from('not zlib at all'), true, /cannot inflate/],
    ['plain not JSON', Buffer.from('{"a":'), false, /not JSON/],
    ['plain without wrapper', Buffer.from('{"filterServerList":[]}'), false, /topicConfigSerializeWrapper is not an object/],
    ['plain bad perm', Buffer.from('{"topicConfigSerializeWrapper":{"topicConfigTable":{"T":{"topicName":"T","readQueueNums":1,"writeQueueNums":1,"perm":"rw"}}}}'), false, /T\.perm is not an integer/],
    ['cut in data version', deflated([int32(100), '7b7d']), true, /dataVersion of 100 bytes is past the end/],
    ['data version not JSON', deflated([block('{{'), int32(0)]), true, /dataVersion is not JSON/],
    ['cut in topic count', deflated([good[0] ?? '', '0000']), true, /topic count is past the end/],
    ['negative topic count', deflated([good[0] ?? '', int32(-1)]), true, /topic count -1/],
    ['more topics than lines', deflated([good[0] ?? '', int32(2), good[2] ?? '']), true, /topic 1 length is past the end/],
    ['short topic line', deflated([good[0] ?? '', int32(1), block('T 1 1 6')]), true, /topic 0 has 4 fields/],
    ['bad filter type', deflated([good[0] ?? '', int32(1), block('T 1 1 6 NO_TAG')]), true, /topicFilterType is not SINGLE_TAG or MULTI_TAG/],
    ['bad queue number', deflated([good[0] ?? '', int32(1), block('T x 1 6 SINGLE_TAG')]), true, /readQueueNums is not an integer/],
    ['filter list not an array', deflated([good[0] ?? '', int32(0), block('{}')]), true, /filterServerList is not an array/],
  ];
  for (const [name, body, compressed, message] of cases) {
    await assert.rejects(decodeRegisterBrokerBody(body, compressed), (error: unknown) => error instanceof BodyError && message.test(error.message), name);
  }
});
