import assert from 'node:assert/strict';
import { test } from 'node:test';
import { frontStringAtLeast, javaFormat } from './java-format.js';

test('java-format - widths, alignment, precision and %n as Java\'s String.format', () => {
  assert.equal(javaFormat('%-20s  %-48s%n', '#Cluster Name', '#Topic'), `${'#Cluster Name'.padEnd(20)}  ${'#Topic'.padEnd(48)}\n`);
  assert.equal(javaFormat('%8.2f|%-6d|%05d|%d', 3.14159, 42, -42, 7.9), '    3.14|42    |-0042|7');
  assert.equal(javaFormat('%s %s', 'only'), 'only null');
  assert.equal(javaFormat('100%%'), '100%');
  assert.equal(javaFormat('%.3s', 'abcdef'), 'abc');
});

test('java-format - frontStringAtLeast keeps the front of long text', () => {
  assert.equal(frontStringAtLeast('abcdef', 3), 'abc');
  assert.equal(frontStringAtLeast('ab', 3), 'ab');
});
