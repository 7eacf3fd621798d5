import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../config/index.js';
import { checkStoreConfig, STORE_CONFIG_ALIASES, StoreConfigSchema, storeConfigWith, storePaths, UNSUPPORTED_STORE_KEYS } from './config.js';

const load = (entries: Record<string, string>) =>
  loadConfig(
    StoreConfigSchema,
    Object.entries(entries).map(([key, value], index) => ({ key, value, source: `broker.conf:${index + 1}` })),
    { aliases: STORE_CONFIG_ALIASES, unsupported: UNSUPPORTED_STORE_KEYS },
  );

test('store-config - defaults are RocketMQ\'s', () => {
  const { config } = load({});
  assert.equal(config.storePathRootDir, join(homedir(), 'store'));
  assert.equal(config.mappedFileSizeCommitLog, 1024 * 1024 * 1024);
  assert.equal(config.mappedFileSizeConsumeQueue, 300000 * 20);
  assert.equal(config.flushDiskType, 'ASYNC_FLUSH');
  assert.equal(config.maxMessageSize, 4 * 1024 * 1024);
  assert.equal(config.maxTransferCountOnMessageInMemory, 32);
  const paths = storePaths(config);
  assert.equal(paths.commitLog, join(homedir(), 'store', 'commitlog'));
  assert.equal(paths.consumeQueue, join(homedir(), 'store', 'consumequeue'));
  assert.equal(paths.checkpoint, join(homedir(), 'store', 'checkpoint'));
});

test('store-config - old mapedFile spellings are accepted', () => {
  const { config, warnings } = load({ mapedFileSizeCommitLog: '65536', mapedFileSizeConsumeQueue: '2000', storePathCommitLog: '/data/cl' });
  assert.equal(config.mappedFileSizeCommitLog, 65536);
  assert.equal(config.mappedFileSizeConsumeQueue, 2000);
  assert.equal(storePaths(config).commitLog, '/data/cl');
  assert.deepEqual(warnings, []);
});

test('store-config - a ConsumeQueue file size that is not a multiple of 20 is refused with its source', () => {
  assert.throws(
    () => load({ flushDiskType: 'SYNC_FLUSH', mappedFileSizeConsumeQueue: '1001' }),
    (error: unknown) => error instanceof ConfigError && /broker\.conf:2: mappedFileSizeConsumeQueue: 1001 is not a multiple of 20/.test(error.message),
  );
});

test('store-config - unsupported RocketMQ keys warn instead of failing', () => {
  const { warnings } = load({ transientStorePoolEnable: 'true', messageIndexSafe: 'false' });
  assert.equal(warnings.length, 2);
  assert.match(warnings[0] ?? '', /transientStorePoolEnable is a RocketMQ key this server does not support yet/);
});

test('store-config - retention and index keys have RocketMQ\'s names and defaults', () => {
  const { config: defaults } = load({});
  assert.equal(defaults.fileReservedTime, 72);
  assert.equal(defaults.deleteWhen, '04');
  assert.equal(defaults.diskMaxUsedSpaceRatio, 75);
  assert.equal(defaults.diskSpaceWarningLevelRatio, 90);
  assert.equal(defaults.maxHashSlotNum, 5000000);
  assert.equal(defaults.maxIndexNum, 20000000);
  assert.equal(defaults.messageIndexEnable, true);
  assert.equal(storePaths(defaults).index, join(homedir(), 'store', 'index'));
  const { config, warnings } = load({ fileReservedTime: '48', deleteWhen: '04;05', diskMaxUsedSpaceRatio: '80' });
  assert.deepEqual(warnings, []);
  assert.equal(config.fileReservedTime, 48);
  assert.equal(config.deleteWhen, '04;05');
  assert.equal(config.diskMaxUsedSpaceRatio, 80);
  for (const bad of ['24', '4;', 'four', '04,05']) {
    assert.throws(() => load({ deleteWhen: bad }), (error: unknown) => error instanceof ConfigError && /deleteWhen/.test(error.message), bad);
  }
});

test('store-config - a message must fit a segment and a write buffer', () => {
  assert.throws(() => storeConfigWith({ mappedFileSizeCommitLog: 4096 }), /maxMessageSize/);
  assert.doesNotThrow(() => checkStoreConfig(storeConfigWith({ mappedFileSizeCommitLog: 8192, maxMessageSize: 1024 })));
  assert.throws(() => storeConfigWith({ commitLogWriteBufferBytes: 4096 }), /commitLogWriteBufferBytes/);
});
