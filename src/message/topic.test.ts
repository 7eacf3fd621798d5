import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dlqTopic, isRetryTopic, retryTopic, TOPIC_NAME_LENGTH_MAX, topicNameProblem } from './topic.js';

test('topic - retry and DLQ topic names', () => {
  assert.equal(retryTopic('GID_x'), '%RETRY%GID_x');
  assert.equal(dlqTopic('GID_x'), '%DLQ%GID_x');
  assert.equal(isRetryTopic('%RETRY%GID_x'), true);
  assert.equal(isRetryTopic('%DLQ%GID_x'), false);
});

test('topic - names follow TopicValidator: [%|a-zA-Z0-9_-], 1 to 127 characters', () => {
  for (const good of ['TopicTest', 'a', '%RETRY%GID_x', 'a|b', 'x-y_z', 'T'.repeat(TOPIC_NAME_LENGTH_MAX)]) {
    assert.equal(topicNameProblem(good), undefined, good);
  }
  assert.match(topicNameProblem('') ?? '', /empty/);
  assert.match(topicNameProblem('T'.repeat(128)) ?? '', /longer than 127/);
  for (const bad of ['a b', 'a.b', 'a/b', '标签', 'a\u0001']) {
    assert.match(topicNameProblem(bad) ?? '', /characters outside/, bad);
  }
});
