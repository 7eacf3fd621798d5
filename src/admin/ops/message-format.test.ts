import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fastJsonPretty, javaBytesToString, javaHashMapToString, parseToolTimestamp, timeMillisToHumanString2 } from './message-format.js';

test('message-format - properties print in Java HashMap order: bucket by spread hash, then insertion', () => {
  const entries: [string, string][] = [['TAGS', 'TagA'], ['KEYS', 'k'], ['UNIQ_KEY', 'U'], ['CLUSTER', 'DefaultCluster'], ['MIN_OFFSET', '0'], ['MAX_OFFSET', '2']];
  // HashMap(128), as MessageDecoder.string2messageProperties builds it: buckets 28, 28, 48, 62, 87, 118.
  assert.equal(javaHashMapToString(entries), '{UNIQ_KEY=U, CLUSTER=DefaultCluster, MIN_OFFSET=0, TAGS=TagA, KEYS=k, MAX_OFFSET=2}');
  // A default HashMap (16 buckets), as RocketMQ 4.x printed it.
  assert.equal(javaHashMapToString([...entries, ['WAIT', 'true']], 16), '{MIN_OFFSET=0, MAX_OFFSET=2, KEYS=k, UNIQ_KEY=U, CLUSTER=DefaultCluster, WAIT=true, TAGS=TagA}');
  assert.equal(javaHashMapToString([]), '{}');
});

test('message-format - bytes, times and JSON as Java prints them', () => {
  assert.equal(javaBytesToString(Buffer.from([104, 0, 255, 128])), '[104, 0, -1, -128]');
  const ms = new Date(2024, 0, 2, 3, 4, 5, 6).getTime();
  assert.equal(timeMillisToHumanString2(ms), '2024-01-02 03:04:05,006');
  assert.equal(parseToolTimestamp('2024-01-02#03:04:05:006'), ms);
  assert.equal(parseToolTimestamp(' 1700000000000 '), 1700000000000);
  assert.equal(parseToolTimestamp('2024-13-02#03:04:05:006'), undefined);
  assert.equal(parseToolTimestamp('yesterday'), undefined);
  assert.equal(fastJsonPretty({ topic: 'T', codeSet: [], tagsSet: ['a', 'b'], sub: {} }), '{\n\t"codeSet":[],\n\t"sub":{},\n\t"tagsSet":[\n\t\t"a",\n\t\t"b"\n\t],\n\t"topic":"T"\n}');
});
