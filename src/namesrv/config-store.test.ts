// NamesrvConfigStore: updates are all or nothing, unknown keys are ignored, and the config in
// force is what lands in configStorePath, however many updates overlap.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../config/index.js';
import { namesrvConfig } from './config.js';
import { NamesrvConfigStore } from './config-store.js';

test('namesrv config store - an update applies known keys, ignores unknown ones and persists the result', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'namesrv-config-store-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'sub', 'namesrv.properties');
  const store = new NamesrvConfigStore(namesrvConfig({ configStorePath: path }));
  await store.update([['orderMessageEnable', 'true'], ['noSuchKey', 'x'], ['waitSecondsForService', ' 7 ']]);
  assert.equal(store.config.orderMessageEnable, true);
  assert.equal(store.config.waitSecondsForService, 7);
  assert.ok(Object.isFrozen(store.config));
  const text = await readFile(path, 'utf8');
  assert.match(text, /^orderMessageEnable=true$/m);
  assert.match(text, /^waitSecondsForService=7$/m);
  assert.doesNotMatch(text, /noSuchKey/);
});

test('namesrv config store - a bad value changes nothing; overlapping updates all reach the file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'namesrv-config-store-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'namesrv.properties');
  const store = new NamesrvConfigStore(namesrvConfig({ configStorePath: path }));
  assert.throws(() => store.update([['enableTopicList', 'false'], ['waitSecondsForService', 'soon']]), ConfigError);
  assert.equal(store.config.enableTopicList, true, 'all or nothing');
  await Promise.all([
    store.update([['enableTopicList', 'false']]),
    store.update([['enableAllTopicList', 'false']]),
    store.update([['waitSecondsForService', '9']]),
  ]);
  await store.flush();
  const text = await readFile(path, 'utf8');
  assert.match(text, /^enableTopicList=false$/m);
  assert.match(text, /^enableAllTopicList=false$/m);
  assert.match(text, /^waitSecondsForService=9$/m);
});
