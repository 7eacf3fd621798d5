import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, parsePropertiesText } from '../config/index.js';
import { loadBrokerConfig } from './config.js';

test('broker config - broker.conf keys go to the broker and store schemas, unknown ones are warned about', () => {
  const entries = parsePropertiesText(
    ['brokerClusterName = DefaultCluster', 'brokerName=broker-a', 'listenPort=10921', 'flushDiskType=SYNC_FLUSH',
      'mapedFileSizeCommitLog=1048576', 'transientStorePoolEnable=true', 'noSuchKey=1'].join('\n'),
    'broker.conf',
  );
  const { broker, store, warnings } = loadBrokerConfig(entries);
  assert.equal(broker.brokerName, 'broker-a');
  assert.equal(broker.listenPort, 10921);
  assert.equal(store.flushDiskType, 'SYNC_FLUSH');
  assert.equal(store.mappedFileSizeCommitLog, 1048576, 'the old spelling mapedFileSizeCommitLog still works');
  assert.ok(warnings.some((warning) => warning.includes('broker.conf:7') && warning.includes('noSuchKey')));
  assert.ok(warnings.some((warning) => warning.includes('transientStorePoolEnable')));
});

test('broker config - every bad value is reported with its key and line', () => {
  const entries = parsePropertiesText('listenPort=99999\nflushDiskType=SOMETIMES\nautoCreateTopicEnable=yes', 'broker.conf');
  assert.throws(
    () => loadBrokerConfig(entries),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.problems.length === 3 &&
      error.problems.some((problem) => problem.startsWith('broker.conf:1: listenPort')) &&
      error.problems.some((problem) => problem.startsWith('broker.conf:2: flushDiskType')) &&
      error.problems.some((problem) => problem.startsWith('broker.conf:3: autoCreateTopicEnable')),
  );
});
