import assert from 'node:assert/strict';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { withTempDir } from '../testing/fixture.js';
import { FilePool } from './file-pool.js';
import { nodeFileSystem } from './node-file.js';
import { parseSegmentName, SegmentedFile, SegmentLayoutError, segmentName } from './segmented-file.js';

const pool = (): FilePool => new FilePool(nodeFileSystem, 4, () => undefined);

test('segmented-file - names segments by their 20-digit start offset', () => {
  assert.equal(segmentName(0), '00000000000000000000');
  assert.equal(segmentName(1073741824), '00000000001073741824');
  assert.equal(parseSegmentName('00000000001073741824'), 1073741824);
  assert.equal(parseSegmentName('0000000000107374182'), undefined);
  assert.equal(parseSegmentName('abc'), undefined);
});

test('segmented-file - a write and a read cross segment boundaries', async () => {
  await withTempDir(async (dir) => {
    const files = pool();
    const file = new SegmentedFile(files, join(dir, 'log'), 100);
    const data = Buffer.from(Array.from({ length: 250 }, (_, index) => index));
    await file.write(30, data, 0, data.length);
    assert.deepEqual((await readdir(join(dir, 'log'))).sort(), [segmentName(0), segmentName(100), segmentName(200)]);
    assert.equal((await stat(join(dir, 'log', segmentName(100)))).size, 100);
    const back = Buffer.alloc(250);
    assert.equal(await file.read(30, back, 0, 250), 250);
    assert.deepEqual(back, data);
    assert.equal(await file.read(270, Buffer.alloc(50), 0, 50), 10, 'stops at the end of the data');
    await files.closeAll();

    const again = pool();
    const reopened = new SegmentedFile(again, join(dir, 'log'), 100);
    assert.equal(await reopened.load(), 280);
    assert.equal(reopened.firstStart, 0);
    assert.equal(reopened.lastStart, 200);
    await again.closeAll();
  });
});

test('segmented-file - truncate cuts a segment and removes the later ones', async () => {
  await withTempDir(async (dir) => {
    const files = pool();
    const file = new SegmentedFile(files, join(dir, 'log'), 100);
    await file.write(0, Buffer.alloc(250, 1), 0, 250);
    await file.truncate(120);
    assert.deepEqual((await readdir(join(dir, 'log'))).sort(), [segmentName(0), segmentName(100)]);
    assert.equal((await stat(join(dir, 'log', segmentName(100)))).size, 20);
    await file.truncate(100);
    assert.deepEqual(await readdir(join(dir, 'log')), [segmentName(0)]);
    assert.equal(await file.read(0, Buffer.alloc(200), 0, 200), 100);
    await files.closeAll();
  });
});

test('segmented-file - refuses a folder with a missing segment or a misaligned name', async () => {
  await withTempDir(async (dir) => {
    await writeFile(join(dir, segmentName(0)), 'a');
    await writeFile(join(dir, segmentName(200)), 'b');
    const files = pool();
    await assert.rejects(new SegmentedFile(files, dir, 100).load(), SegmentLayoutError);
    await assert.rejects(new SegmentedFile(files, dir, 64).load(), /multiple of 64/);
    await files.closeAll();
  });
});
