import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { testLogger } from '../../log/index.js';
import { nodeFileSystem } from '../../store/index.js';
import { ManualClock } from '../../time/index.js';
import { timerGeometry } from './timer-placement.js';
import { TimerStore } from './timer-store.js';

test('timer-store - a due wheel snapshot is written only when the log grew since the last one; a forced one always', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'timer-store-'));
  const clock = new ManualClock(1_800_000_000_000);
  const store = new TimerStore({ fs: nodeFileSystem, rootDir: dir, geometry: timerGeometry(100, 600), segmentBytes: 64 * 1024, refreshAfterMs: 3_600_000, clock, logger: testLogger() });
  try {
    await store.recover();
    // A snapshot is replaced by rename, so each write gives the file a new inode.
    const written = async (): Promise<number> => (await stat(store.snapshotPath)).ino;
    await store.flush(0, -1, false);
    const first = await written();
    clock.advance(11_000);
    await store.flush(0, -1, false);
    assert.equal(await written(), first, 'nothing linked since: the snapshot is not written again');
    const placement = store.place(clock.now() + 5_000, clock.now());
    assert.equal(placement.kind, 'fine');
    const slot = placement.kind === 'fine' ? placement.slot : -1;
    store.link('fine', slot, { dueMs: clock.now() + 5_000, storeMs: clock.now(), commitLogOffset: 0, messageSize: 100, isDelete: false });
    await store.flush(1, -1, false);
    assert.equal(await written(), first, 'the log grew, but the interval has not passed');
    clock.advance(11_000);
    await store.flush(1, -1, false);
    const second = await written();
    assert.notEqual(second, first, 'the log grew and the interval passed: written');
    await store.flush(1, -1, true);
    assert.notEqual(await written(), second, 'forced: written whatever changed');
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});
