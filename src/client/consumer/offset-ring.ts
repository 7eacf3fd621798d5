/**
 * offset-ring.ts: values keyed by ascending offsets, in a ring that keeps them in offset order
 * (a ProcessQueue's held messages). Pulls of a queue arrive in ascending order, so nearly every
 * add goes to the end and nearly every delete is at or near the front: both O(1) (an offset's
 * slot is found from its distance to the first offset, by binary search when the offsets have
 * gaps). An offset below the last one is sorted into place (never seen from a broker in practice).
 *
 * Why not a Map: a consumer's queue adds and deletes thousands of messages a second, and a Map
 * that churns reallocates its hash table; a table that has reached the old generation keeps the
 * messages it held (and their pulled frames) alive through young collections until the next full
 * one, so they are promoted (the "nepotism" of remoting/pending-table.ts). The ring clears every
 * slot it gives up and the arrays it outgrows.
 */

const CAPACITY_MIN = 64;

export class OffsetRing<T> {
  private values: (T | undefined)[];
  /** The offset of each slot in use, kept after its value is deleted (the order the binary search needs). */
  private offsets: Float64Array;
  private mask: number;
  /** Physical index of the first slot in use; it always holds a value while `held` > 0. */
  private start = 0;
  /** Slots in use from `start`, deleted ones included. */
  private span = 0;
  private held = 0;

  constructor(capacity = CAPACITY_MIN) {
    let size = CAPACITY_MIN;
    while (size < capacity) size *= 2;
    this.values = new Array<T | undefined>(size).fill(undefined);
    this.offsets = new Float64Array(size);
    this.mask = size - 1;
  }

  /** Values held. */
  get size(): number {
    return this.held;
  }

  get(offset: number): T | undefined {
    const index = this.indexOf(offset);
    return index < 0 ? undefined : this.values[index];
  }

  /** Adds `value` at `offset`; false (and nothing changes) when a value is held there already. */
  add(offset: number, value: T): boolean {
    if (this.span === 0 || offset > (this.offsets[(this.start + this.span - 1) & this.mask] as number)) {
      if (this.span === this.values.length) this.grow();
      const index = (this.start + this.span) & this.mask;
      this.values[index] = value;
      this.offsets[index] = offset;
      this.span++;
      this.held++;
      return true;
    }
    const index = this.indexOf(offset);
    if (index >= 0) {
      if (this.values[index] !== undefined) return false;
      this.values[index] = value;
      this.held++;
      return true;
    }
    this.insertSorted(offset, value);
    return true;
  }

  /** Adds each pair whose offset holds no value yet (the first of repeated offsets), with one re-sort at most. */
  addAll(pairs: readonly (readonly [number, T])[]): void {
    const last = this.span === 0 ? -Infinity : (this.offsets[(this.start + this.span - 1) & this.mask] as number);
    if (pairs.every(([offset], index) => offset > (index === 0 ? last : (pairs[index - 1] as readonly [number, T])[0]))) {
      for (const [offset, value] of pairs) this.add(offset, value);
      return;
    }
    const merged = this.entries();
    const taken = new Set(merged.map(([offset]) => offset));
    for (const [offset, value] of pairs) {
      if (taken.has(offset)) continue;
      taken.add(offset);
      merged.push([offset, value]);
    }
    merged.sort(([a], [b]) => a - b);
    this.rebuild(merged, this.values.length);
  }

  /** Removes the value at `offset` and returns it; undefined when none is held there. */
  delete(offset: number): T | undefined {
    const index = this.indexOf(offset);
    if (index < 0) return undefined;
    const value = this.values[index];
    if (value === undefined) return undefined;
    this.values[index] = undefined;
    this.held--;
    if (index === this.start) this.trimFront();
    return value;
  }

  firstOffset(): number | undefined {
    return this.held === 0 ? undefined : this.offsets[this.start];
  }

  first(): T | undefined {
    return this.held === 0 ? undefined : this.values[this.start];
  }

  /** Removes the first value and returns it; undefined when empty. */
  shift(): T | undefined {
    if (this.held === 0) return undefined;
    const value = this.values[this.start];
    this.values[this.start] = undefined;
    this.held--;
    this.trimFront();
    return value;
  }

  /** The held [offset, value] pairs in offset order. */
  entries(): [number, T][] {
    const entries: [number, T][] = [];
    for (let step = 0; step < this.span; step++) {
      const index = (this.start + step) & this.mask;
      const value = this.values[index];
      if (value !== undefined) entries.push([this.offsets[index] as number, value]);
    }
    return entries;
  }

  clear(): void {
    for (let step = 0; step < this.span; step++) this.values[(this.start + step) & this.mask] = undefined;
    this.start = 0;
    this.span = 0;
    this.held = 0;
  }

  /** The physical index of `offset`'s slot in use, or -1. */
  private indexOf(offset: number): number {
    if (this.span === 0) return -1;
    const first = this.offsets[this.start] as number;
    const guess = offset - first;
    if (guess >= 0 && guess < this.span && this.offsets[(this.start + guess) & this.mask] === offset) return (this.start + guess) & this.mask;
    let low = 0;
    let high = this.span - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const index = (this.start + middle) & this.mask;
      const found = this.offsets[index] as number;
      if (found === offset) return index;
      if (found < offset) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  /** Moves `start` past deleted slots; an empty ring starts over at slot 0. */
  private trimFront(): void {
    if (this.held === 0) {
      // Every slot in use is already undefined: nothing to clear.
      this.start = 0;
      this.span = 0;
      return;
    }
    while (this.values[this.start] === undefined) {
      this.start = (this.start + 1) & this.mask;
      this.span--;
    }
  }

  private grow(): void {
    this.rebuild(this.entries(), this.values.length * 2);
  }

  /** The rare add below the last offset: every held value again, in order. */
  private insertSorted(offset: number, value: T): void {
    const entries = this.entries();
    entries.push([offset, value]);
    entries.sort(([a], [b]) => a - b);
    this.rebuild(entries, this.values.length);
  }

  /** Fresh arrays holding `entries` (ascending) from slot 0; the old ones are cleared, so they keep nothing alive. */
  private rebuild(entries: readonly [number, T][], capacity: number): void {
    let size = capacity;
    while (size < entries.length) size *= 2;
    this.values.fill(undefined);
    const values = new Array<T | undefined>(size).fill(undefined);
    const offsets = new Float64Array(size);
    entries.forEach(([offset, value], index) => {
      values[index] = value;
      offsets[index] = offset;
    });
    this.values = values;
    this.offsets = offsets;
    this.mask = size - 1;
    this.start = 0;
    this.span = entries.length;
    this.held = entries.length;
  }
}
