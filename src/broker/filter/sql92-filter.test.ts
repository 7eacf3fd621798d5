import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResponseCode } from '../../protocol/index.js';
import type { MessageRecord } from '../../message/index.js';
import { BrokerError } from '../errors.js';
import { expressionFilter, isTagType, Sql92FilterCache } from './sql92-filter.js';

function record(properties: string): MessageRecord {
  return { properties } as MessageRecord;
}

test('sql92-filter - only records whose properties match pass, every ConsumeQueue entry goes on to them', () => {
  const filter = expressionFilter(new Sql92FilterCache(), true, { group: 'G', topic: 'T', expressionType: 'SQL92', expression: "a > 5 AND TAGS = 'x'", subVersion: 1 });
  assert.equal(filter.isMatchedByConsumeQueue(123), true);
  assert.equal(filter.isMatchedByCommitLog?.(record('a\u00016\u0002TAGS\u0001x\u0002')), true);
  assert.equal(filter.isMatchedByCommitLog?.(record('a\u00015\u0002TAGS\u0001x\u0002')), false);
  assert.equal(filter.isMatchedByCommitLog?.(record('')), false);
});

test('sql92-filter - refusals: property filter off, unknown type, bad expression with where it failed', () => {
  const cache = new Sql92FilterCache();
  const refusal = (enabled: boolean, expressionType: string, expression: string): BrokerError => {
    try {
      expressionFilter(cache, enabled, { group: 'G', topic: 'T', expressionType, expression, subVersion: 1 });
    } catch (error) {
      assert.ok(error instanceof BrokerError);
      return error;
    }
    assert.fail('not refused');
  };
  const off = refusal(false, 'SQL92', 'a > 1');
  assert.equal(off.code, ResponseCode.SYSTEM_ERROR);
  assert.equal(off.remark, 'The broker does not support consumer to filter message by SQL92');
  assert.equal(refusal(true, 'CLASS', 'x').code, ResponseCode.SUBSCRIPTION_PARSE_FAILED);
  const bad = refusal(true, 'SQL92', 'a >> 1');
  assert.equal(bad.code, ResponseCode.SUBSCRIPTION_PARSE_FAILED);
  assert.equal(bad.remark, 'parse the consumer\'s subscription [a >> 1] failed at line 1, column 4: unexpected ">"; expected a literal, a property name or "("');
  assert.deepEqual([undefined, '', 'TAG', 'SQL92'].map(isTagType), [true, true, true, false]);
});

test('sql92-filter - the cache compiles once per group, topic and subVersion, and stays bounded', () => {
  const cache = new Sql92FilterCache(2);
  const first = cache.compile('G', 'T', 1, 'a = 1');
  assert.equal(cache.compile('G', 'T', 1, 'a = 1'), first, 'the same compiled expression');
  const newer = cache.compile('G', 'T', 2, 'a = 2');
  assert.notEqual(newer, first, 'a new subVersion compiles again');
  assert.equal(cache.compile('G', 'T', 2, 'a = 2'), newer);
  const broken = cache.compile('G', 'U', 1, 'a =');
  assert.equal(broken.ok, false);
  assert.equal(cache.compile('G', 'U', 1, 'a ='), broken, 'failures are cached too');
  cache.compile('H', 'T', 1, 'a = 3');
  assert.equal(cache.size, 2);
  assert.notEqual(cache.compile('G', 'T', 2, 'a = 2'), newer, 'the least recently used entry went');
});
