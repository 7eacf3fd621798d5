import assert from 'node:assert/strict';
import { test } from 'node:test';
import { javaStringHashCode, tagsCode } from '../../message/index.js';
import { parseTagExpression, tagFilter } from './tag-filter.js';

test('tag-filter - "TagA || TagB" keeps the two tags and nothing else', () => {
  const subscription = parseTagExpression(' TagA ||TagB||  ');
  assert.deepEqual(subscription.tagsSet, ['TagA', 'TagB']);
  const filter = tagFilter(subscription);
  assert.equal(filter.isMatchedByConsumeQueue(javaStringHashCode('TagA')), true);
  assert.equal(filter.isMatchedByConsumeQueue(javaStringHashCode('TagB')), true);
  assert.equal(filter.isMatchedByConsumeQueue(javaStringHashCode('TagC')), false);
  assert.equal(filter.isMatchedByConsumeQueue(tagsCode(undefined)), false, 'a message without a tag');
  assert.equal(filter.isMatchedByConsumeQueue(tagsCode('')), false, 'a message with an empty tag');
});

test('tag-filter - "*" and an empty expression match every message', () => {
  for (const expression of ['*', ' * ', '', undefined]) {
    const filter = tagFilter(parseTagExpression(expression));
    for (const code of [0, javaStringHashCode('TagA'), -12345]) assert.equal(filter.isMatchedByConsumeQueue(code), true);
  }
});

test('tag-filter - a heartbeat subscription with its code set filters the same way', () => {
  const filter = tagFilter({ subString: 'x || y', codeSet: [javaStringHashCode('x'), javaStringHashCode('y')] });
  assert.equal(filter.isMatchedByConsumeQueue(javaStringHashCode('y')), true);
  assert.equal(filter.isMatchedByConsumeQueue(javaStringHashCode('z')), false);
});
