import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COARSE_SLOTS, fineHorizonMs, firstCoarseBeyond, place, refreshAfterMs, timerGeometry } from './timer-placement.js';
import { entryIndexOf, slotOf, TimerWheel } from './timer-wheel.js';

test('timer-wheel - slot arithmetic: floor of time over slot size, entry = slot mod slots', () => {
  assert.equal(slotOf(1_700_000_000_099, 100), 17_000_000_000);
  assert.equal(slotOf(1_700_000_000_100, 100), 17_000_000_001);
  assert.equal(slotOf(0, 100), 0);
  assert.equal(slotOf(-1, 100), -1, 'floor, not truncation');
  assert.equal(entryIndexOf(17_000_000_001, 36_000), 17_000_000_001 % 36_000);
  assert.equal(entryIndexOf(-1, 10), 9);
});

test('timer-wheel - an entry holds one slot: an earlier turn of the ring reads as empty; relink is idempotent', () => {
  const wheel = new TimerWheel(8, 100);
  assert.equal(wheel.entry(3), undefined);
  assert.equal(wheel.link(3, 0, false), -1, 'first record of a slot has no previous');
  assert.equal(wheel.link(3, 56, true), 0, 'the next points back to it');
  assert.deepEqual(wheel.entry(3), { slot: 3, firstPos: 0, lastPos: 56, num: 2, magic: 4 });
  assert.equal(wheel.entry(11), undefined, 'slot 11 shares the entry of slot 3 but is not slot 3');
  assert.equal(wheel.link(11, 112, false), -1, 'a new turn starts a new chain');
  assert.equal(wheel.entry(3), undefined);
  wheel.relink(11, 112, false);
  wheel.relink(11, 56, false);
  assert.deepEqual(wheel.entry(11), { slot: 11, firstPos: 112, lastPos: 112, num: 1, magic: 0 }, 'replaying covered records changes nothing');
  wheel.relink(11, 168, false);
  assert.equal(wheel.entry(11)?.lastPos, 168);
  assert.equal(wheel.countFrom(4), 2);
});

test('timer-placement - geometry: 100 ms × 36,000 fine slots (1 h); coarse slots of 1/32 of that, 65,536 of them', () => {
  const geometry = timerGeometry(100, 36_000);
  assert.deepEqual(geometry, { fineSlotMs: 100, fineSlots: 36_000, coarseSlotMs: 112_500, coarseSlots: COARSE_SLOTS });
  assert.equal(timerGeometry(100, 64).coarseSlotMs, 200);
  assert.equal(timerGeometry(1000, 20).coarseSlotMs, 1000, 'never below one fine slot');
  assert.equal(refreshAfterMs(72, geometry), 36 * 3_600_000, 'half of fileReservedTime');
  assert.equal(refreshAfterMs(0, geometry), 2 * (3_600_000 + 112_500), 'never less than twice the fine span plus a coarse slot');
});

test('timer-placement - direct below the loaded slots, fine within the fine span, coarse beyond, capped at the coarse span', () => {
  const geometry = { fineSlotMs: 100, fineSlots: 10, coarseSlotMs: 300, coarseSlots: 8 };
  const cursors = { loadSlot: 100, coarseSlot: 3 };
  const refresh = 1_000_000;
  assert.equal(fineHorizonMs(geometry, 100), 10_900);
  assert.equal(firstCoarseBeyond(geometry, 100), 36, 'coarse slots up to 35 end by 10,800, within the fine span');
  assert.deepEqual(place(9_999, 9_000, refresh, geometry, cursors), { kind: 'direct' });
  assert.deepEqual(place(5, 0, refresh, geometry, cursors), { kind: 'direct' }, 'long past');
  assert.deepEqual(place(10_000, 9_000, refresh, geometry, cursors), { kind: 'fine', slot: 100 });
  assert.deepEqual(place(10_899, 9_000, refresh, geometry, cursors), { kind: 'fine', slot: 108 });
  assert.deepEqual(place(10_900, 9_000, refresh, geometry, { loadSlot: 100, coarseSlot: 36 }), { kind: 'coarse', slot: 36 });
  assert.deepEqual(place(12_345, 9_000, refresh, geometry, { loadSlot: 100, coarseSlot: 36 }), { kind: 'coarse', slot: 41 });
  assert.deepEqual(place(99_999, 9_000, refresh, geometry, { loadSlot: 100, coarseSlot: 36 }), { kind: 'coarse', slot: 42 }, 'beyond the coarse span: its last slot');
  assert.deepEqual(place(10_900, 9_000, refresh, geometry, { loadSlot: 100, coarseSlot: 40 }), { kind: 'coarse', slot: 40 }, 'never a transferred coarse slot');
});

test('timer-placement - a copy that would not outlive its wait is refreshed, or waits a coarse slot before its deadline', () => {
  const geometry = { fineSlotMs: 100, fineSlots: 10, coarseSlotMs: 300, coarseSlots: 1000 };
  const cursors = { loadSlot: 100, coarseSlot: 36 };
  assert.deepEqual(place(50_000, 9_000, 30_000, geometry, cursors), { kind: 'coarse', slot: 129 }, 'deadline 39,000 less a coarse slot');
  assert.deepEqual(place(50_000, 0, 10_000, geometry, cursors), { kind: 'refresh' }, 'deadline passed');
  assert.deepEqual(place(10_500, 0, 10_000, geometry, cursors), { kind: 'fine', slot: 105 }, 'within the fine span it waits anyway');
});
