import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { withTempDir } from '../testing/fixture.js';
import { FilePool } from './file-pool.js';
import { nodeFileSystem } from './node-file.js';
import type { StoreFile, StoreFileSystem } from './store-file.js';

/** Counts the descriptors open at once. */
function countingFs(): { fs: StoreFileSystem; open: () => number; peak: () => number } {
  let open = 0;
  let peak = 0;
  const fs: StoreFileSystem = {
    ...nodeFileSystem,
    async open(path) {
      const file = await nodeFileSystem.open(path);
      open += 1;
      peak = Math.max(peak, open);
      const counted: StoreFile = Object.create(file) as StoreFile;
      return Object.assign(counted, {
        path: file.path,
        close: async () => {
          open -= 1;
          await file.close();
        },
      });
    },
  };
  return { fs, open: () => open, peak: () => peak };
}

test('file-pool - keeps at most maxOpen descriptors when used one at a time', async () => {
  await withTempDir(async (dir) => {
    const counting = countingFs();
    const pool = new FilePool(counting.fs, 3, () => undefined);
    for (let round = 0; round < 2; round++) {
      for (let index = 0; index < 10; index++) {
        const path = join(dir, `f${index}`);
        await pool.use(path, (file) => file.writeAt(Buffer.from([index + round]), 0, 1, round));
      }
    }
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(counting.peak() <= 4, `peak ${counting.peak()}`);
    assert.ok(pool.size <= 3);
    const back = Buffer.alloc(2);
    await pool.use(join(dir, 'f7'), (file) => file.readAt(back, 0, 2, 0));
    assert.deepEqual([...back], [7, 8]);
    await pool.closeAll();
    assert.equal(counting.open(), 0);
  });
});

test('file-pool - users of one path share a handle and it closes only when idle', async () => {
  await withTempDir(async (dir) => {
    const counting = countingFs();
    const pool = new FilePool(counting.fs, 1, () => undefined);
    const path = join(dir, 'shared');
    let release: () => void = () => undefined;
    const held = pool.use(path, () => new Promise<void>((resolve) => (release = resolve)));
    const second = pool.use(path, (file) => file.writeAt(Buffer.from('x'), 0, 1, 0));
    await second;
    assert.equal(counting.peak(), 1);
    const forgotten = pool.forget(path);
    let closed = false;
    void forgotten.then(() => (closed = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(closed, false);
    release();
    await held;
    await forgotten;
    assert.equal(counting.open(), 0);
  });
});

test('file-pool - forgetTree closes the handles under a folder, so a file made again there is a new file', async () => {
  await withTempDir(async (root) => {
    const { fs, open } = countingFs();
    const pool = new FilePool(fs, 16, () => undefined);
    const dir = join(root, 'Topic');
    await fs.ensureDir(join(dir, '0'));
    const path = join(dir, '0', 'segment');
    await pool.use(path, (file) => file.writeAt(Buffer.from('old'), 0, 3, 0));
    await pool.use(join(root, 'Other'), async () => undefined);
    await pool.use(join(root, 'Topic2'), async () => undefined);
    assert.equal(open(), 3);
    await pool.forgetTree(dir);
    assert.equal(open(), 2, 'only the handle under the folder is closed ("Topic2" is not under "Topic")');
    await fs.removeTree(dir);
    await fs.ensureDir(join(dir, '0'));
    await pool.use(path, (file) => file.writeAt(Buffer.from('new!'), 0, 4, 0));
    await pool.closeAll();
    assert.equal((await stat(path)).size, 4, 'the write reached the new file, not the removed one');
  });
});
