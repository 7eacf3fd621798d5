import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { testLogger } from '../../log/index.js';
import { ConsumerOffsetManager } from './consumer-offset-manager.js';

test('consumer-offset-manager - writes RocketMQ\'s consumerOffset.json and reads it back', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'offsets-'));
  try {
    const path = join(dir, 'consumerOffset.json');
    const manager = new ConsumerOffsetManager(path, 60_000, testLogger());
    await manager.load();
    assert.equal(manager.query('G', 'T', 0), -1);
    manager.commit('G', 'T', 0, 12);
    manager.commit('G', 'T', 3, 7);
    manager.commit('H', 'T', 0, 1);
    await manager.shutdown();
    assert.equal(await readFile(path, 'utf8'), '{"offsetTable":{"T@G":{0:12,3:7},"T@H":{0:1}}}');
    const again = new ConsumerOffsetManager(path, 60_000, testLogger());
    await again.load();
    assert.equal(again.query('G', 'T', 0), 12);
    assert.equal(again.query('G', 'T', 3), 7);
    again.removeTopic('T');
    assert.equal(again.query('G', 'T', 0), -1);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('consumer-offset-manager - falls back to the .bak file when the file is damaged', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'offsets-'));
  try {
    const path = join(dir, 'consumerOffset.json');
    await writeFile(path, '{"offsetTable":{"T@G":{0:1');
    await writeFile(`${path}.bak`, '{"offsetTable":{"T@G":{0:9}}}');
    const manager = new ConsumerOffsetManager(path, 60_000, testLogger());
    await manager.load();
    assert.equal(manager.query('G', 'T', 0), 9);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
