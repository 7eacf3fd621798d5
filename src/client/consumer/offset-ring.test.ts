import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OffsetRing } from './offset-ring.js';

/** The ring's slots, for the invariant that a value gone from the ring is referenced by none of them. */
const slotsOf = (ring: OffsetRing<object>): readonly unknown[] => (ring as unknown as { values: unknown[] }).values;

/** The model: a Map kept in ascending key order. */
function sortedEntries(model: Map<number, object>): [number, object][] {
  return [...model].sort(([a], [b]) => a - b);
}

test('OffsetRing: random adds, deletes and shifts agree with a sorted Map (seeded), and no slot keeps a removed value', () => {
  const seed = Number(process.env['SEED'] ?? Date.now() % 100_000);
  let state = seed;
  const random = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state / 0x80000000;
  };
  const ring = new OffsetRing<object>();
  const model = new Map<number, object>();
  const removed: object[] = [];
  let next = 0;
  for (let step = 0; step < 40_000; step++) {
    // Phases of 600 steps that fill the ring (so it wraps around its end and grows) and empty it.
    const filling = Math.floor(step / 600) % 2 === 0;
    const roll = random();
    if (roll < (filling ? 0.55 : 0.3) || model.size === 0) {
      // Mostly the next offset, sometimes after a gap (a tag filter), rarely one below the last (re-sorted).
      const gap = random() < 0.1 ? 1 + Math.floor(random() * 5) : 0;
      const offset = random() < 0.02 ? Math.floor(random() * next) : (next += 1 + gap) - 1;
      const value = { offset, step };
      const added = !model.has(offset);
      assert.equal(ring.add(offset, value), added, `seed ${seed} step ${step}: add ${offset}`);
      if (added) model.set(offset, value);
    } else if (roll < 0.92) {
      // Mostly the first few held (consumed in order), sometimes any, sometimes one not held.
      const held = sortedEntries(model);
      const pick = random() < 0.7 ? Math.floor(random() * Math.min(4, held.length)) : Math.floor(random() * held.length);
      const offset = random() < 0.05 ? next + 7 : (held[pick] as [number, object])[0];
      const old = model.get(offset);
      assert.equal(ring.delete(offset), old, `seed ${seed} step ${step}: delete ${offset}`);
      if (old !== undefined) removed.push(old);
      model.delete(offset);
    } else if (roll < 0.97) {
      const first = sortedEntries(model)[0];
      assert.equal(ring.shift(), first?.[1], `seed ${seed} step ${step}: shift`);
      if (first !== undefined) {
        removed.push(first[1]);
        model.delete(first[0]);
      }
    } else {
      // Given back below the front and mixed with held offsets (orderly consumption's consume-again).
      const pairs: [number, object][] = [];
      for (let count = 1 + Math.floor(random() * 4); count > 0; count--) {
        const offset = Math.floor(random() * next);
        if (!pairs.some(([known]) => known === offset)) pairs.push([offset, { offset, step }]);
      }
      ring.addAll(pairs);
      for (const [offset, value] of pairs) if (!model.has(offset)) model.set(offset, value);
    }
    const entries = sortedEntries(model);
    assert.equal(ring.size, model.size, `seed ${seed} step ${step}: size`);
    assert.equal(ring.firstOffset(), entries[0]?.[0], `seed ${seed} step ${step}: firstOffset`);
    assert.equal(ring.first(), entries[0]?.[1], `seed ${seed} step ${step}: first`);
    if (step % 53 === 0) {
      assert.deepEqual(ring.entries(), entries, `seed ${seed} step ${step}: entries`);
      for (const [offset, value] of entries) assert.equal(ring.get(offset), value, `seed ${seed} step ${step}: get ${offset}`);
      assert.equal(ring.get(next + 100), undefined);
      assert.equal(ring.get(-1), undefined);
      const live = new Set(slotsOf(ring));
      assert.ok(removed.every((value) => !live.has(value)), `seed ${seed} step ${step}: a removed value is still in a slot`);
      removed.length = 0;
    }
    if (step % 7000 === 6999) {
      ring.clear();
      model.clear();
      assert.equal(ring.size, 0);
      assert.ok(slotsOf(ring).every((slot) => slot === undefined), `seed ${seed} step ${step}: clear() left a value in a slot`);
    }
  }
});

test('OffsetRing: growing keeps order and clears the array it outgrows', () => {
  const ring = new OffsetRing<object>();
  const first = slotsOf(ring);
  const values = Array.from({ length: 200 }, (_, index) => ({ index }));
  // Wrap around before growing: delete from the front while adding at the end.
  values.slice(0, 50).forEach((value, index) => ring.add(1000 + index, value));
  for (let index = 0; index < 40; index++) ring.delete(1000 + index);
  values.slice(50).forEach((value, index) => ring.add(1050 + index, value));
  assert.notEqual(slotsOf(ring), first, 'the ring grew');
  assert.ok(first.every((slot) => slot === undefined), 'the outgrown array keeps nothing alive');
  assert.equal(ring.size, 160);
  assert.deepEqual(
    ring.entries().map(([offset]) => offset),
    Array.from({ length: 160 }, (_, index) => 1040 + index),
  );
  assert.equal(ring.get(1199), values[199]);
});

test('OffsetRing: the front moves across the end of the array and wraps to its start', () => {
  const ring = new OffsetRing<number>(64);
  const first = slotsOf(ring as unknown as OffsetRing<object>);
  for (let offset = 0; offset < 60; offset++) ring.add(offset, offset);
  for (let offset = 0; offset < 50; offset++) ring.delete(offset);
  // 50..99: slots 50..63, then 0..35.
  for (let offset = 60; offset < 100; offset++) ring.add(offset, offset);
  assert.equal(slotsOf(ring as unknown as OffsetRing<object>), first, 'no growth: 50 held in 64 slots');
  for (let offset = 50; offset <= 70; offset++) assert.equal(ring.delete(offset), offset);
  assert.equal(ring.firstOffset(), 71);
  assert.equal(ring.size, 29);
  assert.equal(ring.get(99), 99);
  assert.deepEqual(
    ring.entries().map(([offset]) => offset),
    Array.from({ length: 29 }, (_, index) => 71 + index),
  );
});

test('OffsetRing: an offset held is not added twice; a deleted one in the middle can be added again', () => {
  const ring = new OffsetRing<string>();
  assert.equal(ring.add(5, 'a'), true);
  assert.equal(ring.add(6, 'b'), true);
  assert.equal(ring.add(7, 'c'), true);
  assert.equal(ring.add(6, 'B'), false);
  assert.equal(ring.add(7, 'C'), false, 'the last offset again');
  assert.equal(ring.size, 3);
  assert.equal(ring.get(6), 'b');
  assert.equal(ring.delete(6), 'b');
  assert.equal(ring.delete(6), undefined);
  assert.equal(ring.add(6, 'B'), true);
  assert.deepEqual(ring.entries(), [
    [5, 'a'],
    [6, 'B'],
    [7, 'c'],
  ]);
  // Below the front: sorted into place.
  assert.equal(ring.add(2, 'z'), true);
  assert.equal(ring.firstOffset(), 2);
  assert.deepEqual(
    ring.entries().map(([offset]) => offset),
    [2, 5, 6, 7],
  );
});
