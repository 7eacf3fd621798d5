import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CoalescedFileWriter } from './coalesced-writer.js';

test('coalesced writer - a burst of changes costs at most two writes and the last one reaches the disk', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'coalesced-'));
  try {
    const path = join(dir, 'state.json');
    let value = 0;
    let snapshots = 0;
    const writer = new CoalescedFileWriter(() => {
      snapshots++;
      return { path, text: String(value) };
    });
    const writes: Promise<void>[] = [];
    for (let index = 1; index <= 50; index++) {
      value = index;
      writes.push(writer.write());
    }
    await Promise.all(writes);
    assert.equal(await readFile(path, 'utf8'), '50');
    assert.equal(snapshots, 2, 'the first write, then one for everything that came while it ran');
    value = 51;
    await writer.write();
    await writer.flush();
    assert.equal(await readFile(path, 'utf8'), '51');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('coalesced writer - a failed write rejects its callers, flush does not, and the next write still happens', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'coalesced-'));
  try {
    let path = join(dir, 'missing', '\0bad');
    const writer = new CoalescedFileWriter(() => ({ path, text: 'x' }));
    await assert.rejects(writer.write());
    await writer.flush();
    path = join(dir, 'good');
    await writer.write();
    assert.equal(await readFile(path, 'utf8'), 'x');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
