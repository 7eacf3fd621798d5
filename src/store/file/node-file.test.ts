import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { withTempDir } from '../testing/fixture.js';
import { nodeFileSystem } from './node-file.js';

const withFile = (body: (path: string) => Promise<void>): Promise<void> => withTempDir((dir) => body(join(dir, 'f')));

test('node-file - positional writes and reads, short at the end of the file', async () => {
  await withFile(async (path) => {
    const file = await nodeFileSystem.open(path);
    await file.writeAt(Buffer.from('xxhelloxx'), 2, 5, 10);
    await file.writeAt(Buffer.from('AB'), 0, 2, 0);
    const target = Buffer.alloc(20, 0x2e);
    assert.equal(await file.readAt(target, 1, 19, 0), 15, 'only the 15 bytes the file has');
    assert.deepEqual(target.subarray(1, 16), Buffer.concat([Buffer.from('AB'), Buffer.alloc(8), Buffer.from('hello')]));
    assert.equal(await file.readAt(target, 0, 0, 0), 0);
    assert.equal(await file.size(), 15);
    await file.close();
    assert.equal((await readFile(path)).subarray(10).toString(), 'hello');
  });
});

test('node-file - a bad range is refused with an error, and close() still completes', async () => {
  await withFile(async (path) => {
    const file = await nodeFileSystem.open(path);
    await assert.rejects(file.readAt(Buffer.alloc(4), 2, 8, 0), /out of range|ERR_OUT_OF_RANGE/i);
    await assert.rejects(file.writeAt(Buffer.alloc(4), 0, 8, 0), /out of range|ERR_OUT_OF_RANGE/i);
    await file.close();
  });
});

test('node-file - close() waits for reads and writes in flight, which all complete', async () => {
  await withFile(async (path) => {
    const file = await nodeFileSystem.open(path);
    const block = Buffer.alloc(1024 * 1024, 0x61);
    const writes = Array.from({ length: 16 }, (_, index) => file.writeAt(block, 0, block.length, index * block.length));
    const closed = file.close();
    await Promise.all(writes);
    await closed;
    assert.equal((await readFile(path)).length, 16 * block.length);
  });
});
