/**
 * pending-table.ts: a connection's waiting requests by opaque, without a V8 Map.
 *
 * Why not a Map: requests come and go thousands of times a second, and a Map that churns
 * reallocates its hash table; V8 keeps the old table's entries for live iterators, so a table that
 * had been promoted to the old generation keeps every request it held (and everything the
 * request's handler reaches) alive through each young-generation collection until the next full
 * one. Measured on the end-to-end benchmark's client: ~1.3 MB promoted per scavenge with a Map,
 * ~30 KB with this table (docs/benchmarks.md, seventh round).
 *
 * Open addressing with linear probing over power-of-two arrays, a key's home slot by Fibonacci
 * hashing (consecutive opaques as their own hash would form one long run, and a deletion walks
 * the run behind it). Deletion shifts the entries behind it back (no tombstones), and every
 * slot given up is cleared, the old arrays too when the table grows: nothing here refers to a
 * request once it has left. At most half full; bounded by what the connection admits
 * (pendingRequestsMax).
 */
const INITIAL_BITS = 4;
/** 2^32 / golden ratio: Fibonacci hashing's multiplier. */
const FIBONACCI = 0x9e3779b9;

export class PendingTable<V> {
  private keys = new Int32Array(1 << INITIAL_BITS);
  private values: (V | undefined)[] = new Array<V | undefined>(1 << INITIAL_BITS).fill(undefined);
  private mask = (1 << INITIAL_BITS) - 1;
  /** 32 - log2(capacity): the top bits of the product are the home slot. */
  private shift = 32 - INITIAL_BITS;
  private count = 0;

  get size(): number {
    return this.count;
  }

  private home(key: number): number {
    return Math.imul(key, FIBONACCI) >>> this.shift;
  }

  get(key: number): V | undefined {
    const { keys, values, mask } = this;
    for (let slot = this.home(key); ; slot = (slot + 1) & mask) {
      const value = values[slot];
      if (value === undefined || keys[slot] === key) return value;
    }
  }

  /** Adds `value` under `key`, or replaces the value already there. `value` must not be undefined. */
  set(key: number, value: V): void {
    const { keys, values, mask } = this;
    let slot = this.home(key);
    while (values[slot] !== undefined && keys[slot] !== key) slot = (slot + 1) & mask;
    if (values[slot] === undefined) this.count++;
    keys[slot] = key;
    values[slot] = value;
    if (this.count * 2 > values.length) this.grow();
  }

  /** Removes the value under `key`; true when there was one. */
  delete(key: number): boolean {
    const { keys, values, mask } = this;
    let hole = this.home(key);
    while (values[hole] !== undefined && keys[hole] !== key) hole = (hole + 1) & mask;
    if (values[hole] === undefined) return false;
    values[hole] = undefined;
    this.count--;
    // Shift back the entries of the run after the hole that may live there: an entry stays when
    // its home slot lies cyclically in (hole, slot], else it moves into the hole.
    for (let slot = (hole + 1) & mask; values[slot] !== undefined; slot = (slot + 1) & mask) {
      const home = this.home(keys[slot] as number);
      const stays = hole <= slot ? home > hole && home <= slot : home > hole || home <= slot;
      if (stays) continue;
      keys[hole] = keys[slot] as number;
      values[hole] = values[slot];
      values[slot] = undefined;
      hole = slot;
    }
    return true;
  }

  /** Every entry, as a snapshot: the caller may delete while it walks it. */
  entries(): [number, V][] {
    const out: [number, V][] = [];
    for (let slot = 0; slot < this.values.length; slot++) {
      const value = this.values[slot];
      if (value !== undefined) out.push([this.keys[slot] as number, value]);
    }
    return out;
  }

  private grow(): void {
    const { keys, values } = this;
    const capacity = values.length * 2;
    this.keys = new Int32Array(capacity);
    this.values = new Array<V | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
    this.shift--;
    this.count = 0;
    for (let slot = 0; slot < values.length; slot++) {
      const value = values[slot];
      if (value !== undefined) this.set(keys[slot] as number, value);
    }
    // The old array is garbage now; cleared, it keeps no request alive until a full collection.
    values.fill(undefined);
  }
}
