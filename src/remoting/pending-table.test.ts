import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PendingTable } from './pending-table.js';

/** The table's arrays, for the invariant that a value gone from the table is referenced by none of its slots. */
const slotsOf = (table: PendingTable<object>): readonly unknown[] => (table as unknown as { values: unknown[] }).values;

test('PendingTable: random sets, gets and deletes agree with a Map (seeded), and no slot keeps a removed value', () => {
  const seed = Number(process.env['SEED'] ?? Date.now() % 100_000);
  let state = seed;
  const random = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state / 0x80000000;
  };
  const table = new PendingTable<object>();
  const model = new Map<number, object>();
  const removed: object[] = [];
  let next = 1;
  for (let step = 0; step < 60_000; step++) {
    const roll = random();
    // Mostly consecutive keys (as opaques are), some that collide on purpose, a few negative.
    const key = roll < 0.45 ? next++ : roll < 0.55 ? next + 16 * Math.floor(random() * 64) : roll < 0.58 ? -Math.floor(random() * 1000) : [...model.keys()][Math.floor(random() * model.size)] ?? next;
    const action = random();
    if (action < 0.5 || model.size === 0) {
      const value = { key, step };
      const old = model.get(key);
      if (old !== undefined) removed.push(old);
      table.set(key, value);
      model.set(key, value);
    } else {
      const old = model.get(key);
      assert.equal(table.delete(key), old !== undefined, `seed ${seed} step ${step}: delete ${key}`);
      if (old !== undefined) removed.push(old);
      model.delete(key);
    }
    if (step % 97 === 0) {
      for (const [known, value] of model) assert.equal(table.get(known), value, `seed ${seed} step ${step}: get ${known}`);
      assert.equal(table.get(next + 1_000_000), undefined);
      assert.equal(table.size, model.size, `seed ${seed} step ${step}: size`);
      assert.deepEqual(new Map(table.entries()), model, `seed ${seed} step ${step}: entries`);
    }
    // Drain now and then, so the table empties and refills (and has grown meanwhile).
    if (step % 5000 === 4999) {
      for (const [known] of table.entries()) {
        removed.push(model.get(known) as object);
        table.delete(known);
        model.delete(known);
      }
      assert.equal(table.size, 0);
      const live = new Set(slotsOf(table));
      assert.ok(removed.every((value) => !live.has(value)), `seed ${seed} step ${step}: a removed value is still in a slot`);
      removed.length = 0;
    }
  }
});

test('PendingTable: entries that share a home slot stay reachable through deletes in any order', () => {
  // 16 slots to begin with (7 entries keep it from growing); a key's home slot is the top 4 bits
  // of its Fibonacci hash. Three keys share home slot 14, two have home 15 and one home 0, so the
  // run wraps around the end of the table.
  const homeOf = (key: number): number => Math.imul(key, 0x9e3779b9) >>> 28;
  const withHome = (home: number, count: number): number[] => {
    const found: number[] = [];
    for (let key = 1; found.length < count; key++) if (homeOf(key) === home) found.push(key);
    return found;
  };
  const [a, b, c] = withHome(14, 3) as [number, number, number];
  const [d, e] = withHome(15, 2) as [number, number];
  const [f] = withHome(0, 1) as [number];
  const inserted = [a, d, b, f, e, c];
  for (const order of [[b, a, c, d, f, e], [a, b, c, d, e, f], [f, e, d, c, b, a], [d, a, f, c, e, b]]) {
    const table = new PendingTable<string>();
    for (const key of inserted) table.set(key, `v${key}`);
    for (const [index, key] of order.entries()) {
      assert.equal(table.delete(key), true);
      assert.equal(table.get(key), undefined);
      for (const other of order.slice(index + 1)) assert.equal(table.get(other), `v${other}`, `order ${order.join(',')}: after deleting ${key}`);
    }
    assert.equal(table.size, 0);
    assert.equal(table.delete(a), false);
  }
});

test('PendingTable: growing keeps every entry and clears the old slots', () => {
  const table = new PendingTable<object>();
  const values = Array.from({ length: 1000 }, (_, key) => ({ key }));
  const firstSlots = slotsOf(table);
  for (const value of values) table.set(value.key * 7, value);
  assert.equal(table.size, 1000);
  for (const value of values) assert.equal(table.get(value.key * 7), value);
  assert.ok(firstSlots.every((slot) => slot === undefined), 'the outgrown array refers to nothing');
  table.set(7, { key: -1 });
  assert.equal(table.size, 1000, 'replacing a value does not add an entry');
});
