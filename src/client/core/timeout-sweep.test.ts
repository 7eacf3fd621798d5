import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TimeoutSweep } from './timeout-sweep.js';

test('timeout sweep - a deadline fires once, never early, at most one tick late', () => {
  let now = 1_000_000;
  const sweep = new TimeoutSweep(50, () => now);
  const fired: string[] = [];
  sweep.add(3000, () => fired.push('a'));
  sweep.add(120, () => fired.push('b'));
  now += 119;
  sweep.sweep();
  assert.deepEqual(fired, []);
  now += 1 + 49;
  sweep.sweep();
  assert.deepEqual(fired, ['b']);
  now += 3000;
  sweep.sweep();
  sweep.sweep();
  assert.deepEqual(fired, ['b', 'a']);
  assert.equal(sweep.size, 0);
  sweep.clear();
});

test('timeout sweep - a cancelled entry never fires; cancelling twice or after firing is harmless', () => {
  let now = 0;
  const sweep = new TimeoutSweep(10, () => now);
  let fired = 0;
  const entries = Array.from({ length: 10_000 }, () => sweep.add(100, () => fired++));
  assert.equal(sweep.size, 10_000);
  for (const entry of entries.slice(0, 9_999)) entry.cancel();
  entries[0]?.cancel();
  assert.equal(sweep.size, 1);
  now += 200;
  sweep.sweep();
  assert.equal(fired, 1);
  entries[9_999]?.cancel();
  assert.equal(sweep.size, 0);
  sweep.clear();
});

test('timeout sweep - clear() drops everything without firing', () => {
  const sweep = new TimeoutSweep(10);
  let fired = 0;
  sweep.add(1, () => fired++);
  sweep.clear();
  assert.equal(sweep.size, 0);
  sweep.sweep();
  assert.equal(fired, 0);
});

test('timeout sweep - its own interval fires deadlines in real time', async () => {
  const sweep = new TimeoutSweep(10);
  // The sweep's interval is unref'd (sockets keep a real client alive); keep this test's process alive.
  const keepAlive = setTimeout(() => undefined, 10_000);
  const started = Date.now();
  const elapsed = await new Promise<number>((resolve) => sweep.add(30, () => resolve(Date.now() - started)));
  clearTimeout(keepAlive);
  assert.ok(elapsed >= 30, `fired after ${elapsed} ms`);
  sweep.clear();
});

test('timeout sweep - a firing handler may cancel entries of its own bucket (they never fire) and add new ones', () => {
  let now = 0;
  const sweep = new TimeoutSweep(10, () => now);
  const fired: string[] = [];
  const entries = new Map<string, { cancel(): void }>();
  for (const name of ['a', 'b', 'c', 'd']) {
    entries.set(name, sweep.add(15, () => {
      fired.push(name);
      // a cancels the next one (b) and the last one (d); c adds a later deadline.
      if (name === 'a') {
        entries.get('b')?.cancel();
        entries.get('d')?.cancel();
      }
      if (name === 'c') sweep.add(15, () => fired.push('late'));
    }));
  }
  assert.equal(sweep.size, 4);
  now = 20;
  sweep.sweep();
  assert.deepEqual(fired, ['a', 'c']);
  assert.equal(sweep.size, 1);
  now = 40;
  sweep.sweep();
  assert.deepEqual(fired, ['a', 'c', 'late']);
  assert.equal(sweep.size, 0);
  // An emptied bucket is not reused after it left the map: a new entry at the same tick still fires.
  const first = sweep.add(100, () => fired.push('x'));
  first.cancel();
  sweep.add(100, () => fired.push('y'));
  now = 200;
  sweep.sweep();
  assert.deepEqual(fired, ['a', 'c', 'late', 'y']);
  sweep.clear();
});
