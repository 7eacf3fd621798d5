import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, parsePropertiesText } from '../../config/index.js';
import { loadBrokerConfig } from '../config.js';
import { DEFAULT_MESSAGE_DELAY_LEVEL, DELAY_LEVELS_MAX, DelayLevelTable, levelOfQueueId, parseDelayLevels, queueIdOfLevel } from './delay-levels.js';

test('delay-levels - the default table is RocketMQ\'s 18 levels, 1s to 2h', () => {
  const parsed = parseDelayLevels(DEFAULT_MESSAGE_DELAY_LEVEL);
  assert.ok(parsed.ok);
  assert.equal(parsed.delaysMs.length, 18);
  assert.deepEqual(parsed.delaysMs.slice(0, 5), [1000, 5000, 10_000, 30_000, 60_000]);
  assert.equal(parsed.delaysMs[17], 2 * 3_600_000);
  assert.deepEqual(parseDelayLevels('1d 0s').ok && parseDelayLevels('1d 0s'), { ok: true, delaysMs: [86_400_000, 0] });
  assert.deepEqual(parseDelayLevels('  1s   2s\t3s ').ok && parseDelayLevels('  1s   2s\t3s '), { ok: true, delaysMs: [1000, 2000, 3000] });
});

test('delay-levels - anything but an integer with s, m, h or d is refused, naming the level', () => {
  for (const [text, problem] of [
    ['', /no delay level/],
    ['1s 100ms', /level 2 "100ms"/],
    ['1x', /level 1 "1x"/],
    ['1.5s', /level 1/],
    ['-1s', /level 1/],
    ['s', /level 1/],
    [Array.from({ length: DELAY_LEVELS_MAX + 1 }, () => '1s').join(' '), /more than/],
  ] as const) {
    const parsed = parseDelayLevels(text);
    assert.equal(parsed.ok, false, text);
    if (!parsed.ok) assert.match(parsed.problem, problem);
  }
});

test('delay-levels - a bad messageDelayLevel in broker.conf is a config error naming the key and line', () => {
  const entries = parsePropertiesText('brokerName=b\nmessageDelayLevel=1s 5x', 'broker.conf');
  assert.throws(
    () => loadBrokerConfig(entries),
    (error: unknown) => error instanceof ConfigError && error.problems.some((problem) => problem.startsWith('broker.conf:2: messageDelayLevel: level 2 "5x"')),
  );
  const { broker, warnings } = loadBrokerConfig(parsePropertiesText('messageDelayLevel=1s 2s 3s', 'broker.conf'));
  assert.equal(broker.messageDelayLevel, '1s 2s 3s');
  assert.ok(!warnings.some((warning) => warning.includes('messageDelayLevel')), 'no longer an unsupported key');
});

test('delay-levels - levels above the highest are the highest; a level without a delay is due after 1 s', () => {
  const table = new DelayLevelTable('1s 2s 3s');
  assert.equal(table.maxLevel, 3);
  assert.deepEqual(table.levels(), [1, 2, 3]);
  assert.equal(table.clamp(2), 2);
  assert.equal(table.clamp(19), 3);
  assert.equal(table.delayMs(3), 3000);
  assert.equal(table.delayMs(4), undefined);
  assert.equal(table.deliverTimestamp(2, 10_000), 12_000);
  assert.equal(table.deliverTimestamp(9, 10_000), 11_000);
  assert.equal(queueIdOfLevel(1), 0);
  assert.equal(levelOfQueueId(17), 18);
  assert.throws(() => new DelayLevelTable('nope'), /messageDelayLevel/);
});
