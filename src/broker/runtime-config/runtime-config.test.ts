import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadBrokerConfig } from '../config.js';
import { ManualClock } from '../../time/index.js';
import { BrokerError } from '../errors.js';
import { replaceProperties, RuntimeConfig } from './runtime-config.js';

test('runtime-config - replaceProperties keeps other lines, replaces the first of a key, drops repeats, appends new keys', () => {
  const text = '# broker\nbrokerName=a\ntraceOn = true\n\nlistenPort=10911\ntraceOn=true\n';
  assert.equal(replaceProperties(text, [['traceOn', 'false'], ['fileReservedTime', '96']]), '# broker\nbrokerName=a\ntraceOn=false\n\nlistenPort=10911\nfileReservedTime=96\n');
  assert.equal(replaceProperties('', [['a', '1']]), 'a=1\n');
});

test('runtime-config - an update is checked whole, persisted, then applied; refusals say why', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rocketmq-ts-runtime-config-'));
  try {
    const path = join(dir, 'broker.conf');
    await writeFile(path, 'brokerName=a\ntraceOn=true\n');
    const loaded = loadBrokerConfig([
      { key: 'brokerConfigPath', value: path, source: 'test' },
      { key: 'storePathRootDir', value: dir, source: 'test' },
    ]);
    const broker = { ...loaded.broker };
    const store = { ...loaded.store };
    const config = new RuntimeConfig({ broker, store, clock: new ManualClock(1000) });
    assert.deepEqual(await config.update([['traceOn', 'false'], ['diskMaxUsedSpaceRatio', '80']]), ['traceOn', 'diskMaxUsedSpaceRatio']);
    assert.equal(broker.traceOn, false);
    assert.equal(store.diskMaxUsedSpaceRatio, 80);
    assert.equal(config.dataVersion.counter, 1);
    assert.equal(await readFile(path, 'utf8'), 'brokerName=a\ntraceOn=false\ndiskMaxUsedSpaceRatio=80\n');
    assert.match(config.formatAll(), /^traceOn=false$/m);
    const refused = async (entries: [string, string][], code: number, remark: RegExp): Promise<void> => {
      await assert.rejects(config.update(entries), (error: unknown) => error instanceof BrokerError && error.code === code && remark.test(error.message));
    };
    await refused([['traceOn', 'true'], ['listenPort', '1']], 29, /listenPort cannot be changed at runtime/);
    await refused([['nope', '1']], 29, /unknown config key nope/);
    await refused([['configBlackList', '']], 16, /Can not update config in black list\./);
    await refused([['timerMaxDelaySec', 'soon']], 29, /timerMaxDelaySec: "soon" is not an integer/);
    assert.deepEqual(await config.update([]), [], 'nothing to change: the file is not rewritten');
    assert.equal(broker.traceOn, false, 'a refused update changes nothing');
    assert.equal(config.dataVersion.counter, 1);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
