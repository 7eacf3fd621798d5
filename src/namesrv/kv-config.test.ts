import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { KVConfig, KVConfigError } from './kv-config.js';

async function withDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'kv-config-'));
  try {
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('kv-config - a missing file is an empty table', async () => {
  await withDir(async (dir) => {
    const kv = await KVConfig.load(join(dir, 'none', 'kvConfig.json'));
    assert.equal(kv.get('ns', 'k'), undefined);
    assert.equal(kv.namespace('ns'), undefined);
  });
});

test('kv-config - persists in Java\'s JSON shape and loads it back', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'sub', 'kvConfig.json');
    const kv = await KVConfig.load(path);
    await kv.put('ORDER_TOPIC_CONFIG', 'T', 'broker-a:4');
    await kv.put('ns', 'k', 'v');
    assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), {
      configTable: { ORDER_TOPIC_CONFIG: { T: 'broker-a:4' }, ns: { k: 'v' } },
    });
    await kv.delete('ns', 'k');
    const again = await KVConfig.load(path);
    assert.equal(again.get('ORDER_TOPIC_CONFIG', 'T'), 'broker-a:4');
    assert.deepEqual(again.namespace('ns'), {}, 'an emptied namespace stays, as in Java');
    assert.deepEqual(await readdir(join(dir, 'sub')), ['kvConfig.json'], 'no temporary file is left behind');
  });
});

test('kv-config - changes made during a write all reach the disk', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'kvConfig.json');
    const kv = await KVConfig.load(path);
    const writes: Promise<void>[] = [];
    for (let index = 0; index < 50; index++) writes.push(kv.put('ns', `k${index}`, String(index)));
    await Promise.all(writes);
    const stored = JSON.parse(await readFile(path, 'utf8')) as { configTable: { ns: Record<string, string> } };
    assert.equal(Object.keys(stored.configTable.ns).length, 50);
    assert.equal(stored.configTable.ns['k49'], '49');
    await kv.flush();
  });
});

test('kv-config - reads a file Java wrote', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'kvConfig.json');
    await writeFile(path, '{"configTable":{"ORDER_TOPIC_CONFIG":{"TopicA":"broker-a:8;broker-b:8"}}}');
    const kv = await KVConfig.load(path);
    assert.equal(kv.get('ORDER_TOPIC_CONFIG', 'TopicA'), 'broker-a:8;broker-b:8');
  });
});

test('kv-config - refuses a corrupt file instead of overwriting it', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'kvConfig.json');
    await writeFile(path, '{"configTable":{"ns":');
    await assert.rejects(KVConfig.load(path), KVConfigError);
    await writeFile(path, '{"configTable":{"ns":{"k":1}}}');
    await assert.rejects(KVConfig.load(path), /configTable\.ns\.k is not a string/);
  });
});

test('kv-config - a failed write rejects the change\'s promise but keeps the value in memory', async () => {
  await withDir(async (dir) => {
    const kv = await KVConfig.load(join(dir, 'blocker', 'kvConfig.json'));
    // The parent "directory" is now a file, so the write cannot succeed.
    await writeFile(join(dir, 'blocker'), 'x');
    await assert.rejects(kv.put('ns', 'k', 'v'));
    assert.equal(kv.get('ns', 'k'), 'v');
    await kv.flush();
  });
});
