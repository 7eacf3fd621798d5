import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeProperties, MessageSysFlag } from '../../message/index.js';
import { hasIndexKey, indexKeyHashes, type IndexableMessage } from './index-keys.js';
import { buildIndexKey, indexKeyHash } from './index-layout.js';

function message(topic: string, properties: Record<string, string> | string, sysFlag = 0): IndexableMessage {
  const text = typeof properties === 'string' ? properties : encodeProperties(new Map(Object.entries(properties)));
  return { topic, commitLogOffset: 0, size: 100, storeTimestamp: 0, properties: text, sysFlag };
}

const expected = (topic: string, keys: readonly string[]): number[] => keys.map((key) => indexKeyHash(buildIndexKey(topic, key)));

test('index-keys - UNIQ_KEY first, then each KEYS word, hashed as indexKeyHash("topic#key")', () => {
  assert.deepEqual(
    indexKeyHashes(message('TopicA', { TAGS: 'TagA', KEYS: 'k1  order-7 ', UNIQ_KEY: '7F0000010001' })),
    expected('TopicA', ['7F0000010001', 'k1', 'order-7']),
  );
  assert.deepEqual(indexKeyHashes(message('主题', { KEYS: '键 ключ' })), expected('主题', ['键', 'ключ']));
  // "polygenelubricants".hashCode() is Integer.MIN_VALUE: the hash of the whole string is what counts.
  assert.deepEqual(indexKeyHashes(message('polygene', { KEYS: 'lubricants' })), expected('polygene', ['lubricants']));
  assert.deepEqual(indexKeyHashes(message('T', 'KEYS\u0001a\u0002KEYS\u0001b\u0002')), expected('T', ['b']), 'a later duplicate wins');
});

test('index-keys - nothing for no keys, empty values and rolled-back transactions; prepared ones are indexed', () => {
  assert.deepEqual(indexKeyHashes(message('T', {})), []);
  assert.deepEqual(indexKeyHashes(message('T', { TAGS: 'x' })), []);
  assert.deepEqual(indexKeyHashes(message('T', 'KEYS\u0001\u0002UNIQ_KEY\u0001\u0002')), []);
  assert.deepEqual(indexKeyHashes({ topic: 'T', commitLogOffset: 0, size: 1, storeTimestamp: 0 }), []);
  assert.deepEqual(indexKeyHashes(message('T', { KEYS: 'k' }, MessageSysFlag.TRANSACTION_ROLLBACK_TYPE)), []);
  assert.deepEqual(indexKeyHashes(message('T', { KEYS: 'k' }, MessageSysFlag.TRANSACTION_PREPARED_TYPE)), expected('T', ['k']));
});

test('index-keys - hasIndexKey matches the UNIQ_KEY or a whole KEYS word', () => {
  const properties = encodeProperties(new Map([['KEYS', 'order-1 customer-2'], ['UNIQ_KEY', 'U1']]));
  for (const key of ['order-1', 'customer-2', 'U1']) assert.ok(hasIndexKey(properties, key), key);
  for (const key of ['order', 'order-1 customer-2', 'u1', '']) assert.ok(!hasIndexKey(properties, key), key);
});
