/**
 * index-file.ts: one IndexFile (layout in index-layout.ts), written and read through the FilePool.
 *
 * Only the newest file is writable. It keeps its hash slots in memory (hashSlotNum * 4 bytes,
 * 20 MB with the defaults: one such table per store, whatever the number of files) with a bitmap
 * of dirty 4 KiB slot pages, and its newest entries in a small tail buffer that is written out
 * whenever it fills. Sealed files keep only their 40-byte header in memory; their slots and
 * entries are read from disk.
 *
 * flush() makes the file consistent on disk in an order that survives a crash at any point:
 * entries are written and fdatasync'ed first, then the dirty slot pages (which only point at
 * synced entries), fdatasync, then the header with the new indexCount, fdatasync. So after a
 * crash every entry below the header's indexCount is whole, and a slot may point past it only at
 * synced entries, whose prevIndex chain leads back below it: makeWritable() follows those chains
 * (the repair reads what the last flush added, never the whole file).
 *
 * Invariants: entries are appended in CommitLog order; a slot and every prevIndex point at an
 * older entry (a strictly decreasing chain); flush() and putKey() are called by one owner that
 * never runs them at the same time (index-service.ts). Must not: recreate a removed file (reads
 * check `removed` first), or hold slots of a sealed file in memory.
 */
import type { FilePool } from '../file/file-pool.js';
import { readFully, type StoreFile } from '../file/store-file.js';
import {
  decodeIndexEntry,
  decodeIndexHeader,
  emptyIndexHeader,
  encodeIndexHeader,
  entryPosition,
  FIRST_INDEX,
  HASH_SLOT_BYTES,
  INDEX_ENTRY_BYTES,
  INDEX_HEADER_BYTES,
  INVALID_INDEX,
  readPrevIndex,
  slotPosition,
  timeDiffSeconds,
  writeIndexEntry,
  type IndexEntry,
  type IndexHeader,
} from './index-layout.js';

export interface IndexGeometry {
  readonly hashSlotNum: number;
  readonly indexNum: number;
}

/** Slots per dirty-tracking page (4 KiB of slots). */
const SLOT_PAGE_BYTES = 4096;
/** Bytes one write of slot pages covers at most. */
const SLOT_WRITE_BYTES_MAX = 1024 * 1024;
/** Entries read at a time while repairing chains. */
const REPAIR_READ_ENTRIES = 64 * 1024;

/** Reads slot `slot` of a sealed file (the service passes a bounded cache). */
export type SlotReader = (file: IndexFile, slot: number) => Promise<number>;

interface Writable {
  readonly slots: Buffer;
  readonly dirty: Uint8Array;
  /** Entries [diskCount, header.indexCount), 20 bytes each. */
  tail: Buffer;
  /** Entries below this number are written to the file. */
  diskCount: number;
  /** What the file's header on disk says (skip a flush that would change nothing). */
  flushedCount: number;
}

export class IndexFile {
  private writable: Writable | undefined;
  private isRemoved = false;

  private constructor(
    private readonly pool: FilePool,
    readonly path: string,
    readonly geometry: IndexGeometry,
    readonly header: IndexHeader,
  ) {}

  /** A new, empty, writable file that continues where `previous` ended. */
  static async create(pool: FilePool, path: string, geometry: IndexGeometry, previous: IndexHeader | undefined): Promise<IndexFile> {
    const header = emptyIndexHeader(previous?.endPhyOffset ?? 0, previous?.endTimestamp ?? 0);
    const file = new IndexFile(pool, path, geometry, header);
    await pool.use(path, (handle) => handle.writeAt(encodeIndexHeader(header), 0, INDEX_HEADER_BYTES, 0));
    file.writable = { slots: Buffer.alloc(geometry.hashSlotNum * HASH_SLOT_BYTES), dirty: dirtyBitmap(geometry), tail: Buffer.alloc(0), diskCount: FIRST_INDEX, flushedCount: FIRST_INDEX };
    return file;
  }

  /** An existing file, sealed (header only) until makeWritable(). */
  static async open(pool: FilePool, path: string, geometry: IndexGeometry): Promise<IndexFile> {
    const bytes = Buffer.alloc(INDEX_HEADER_BYTES);
    await pool.use(path, (handle) => readFully(handle, bytes, 0, INDEX_HEADER_BYTES, 0));
    return new IndexFile(pool, path, geometry, decodeIndexHeader(bytes));
  }

  get isFull(): boolean {
    return this.header.indexCount >= this.geometry.indexNum;
  }

  /** Entries the file can still take. */
  get room(): number {
    return this.geometry.indexNum - this.header.indexCount;
  }

  get isWritable(): boolean {
    return this.writable !== undefined;
  }

  get removed(): boolean {
    return this.isRemoved;
  }

  /** Entries waiting in memory to be written. */
  get tailEntries(): number {
    return this.writable === undefined ? 0 : this.header.indexCount - this.writable.diskCount;
  }

  /** IndexFile.isTimeMatched: whether [begin, end] overlaps the file's time range. */
  isTimeMatched(begin: number, end: number): boolean {
    const { beginTimestamp, endTimestamp } = this.header;
    return (
      (begin < beginTimestamp && end > endTimestamp) ||
      (begin >= beginTimestamp && begin <= endTimestamp) ||
      (end >= beginTimestamp && end <= endTimestamp)
    );
  }

  /**
   * Loads the slots into memory and repairs the chains a crash left pointing past indexCount.
   * Returns how many slots were repaired.
   */
  async makeWritable(): Promise<number> {
    if (this.writable !== undefined) return 0;
    const { hashSlotNum, indexNum } = this.geometry;
    const slots = Buffer.alloc(hashSlotNum * HASH_SLOT_BYTES);
    const fileBytes = await this.use(async (handle) => {
      await readFully(handle, slots, 0, slots.length, slotPosition(0));
      return handle.size();
    });
    const onDisk = Math.max(0, Math.floor((fileBytes - entryPosition(hashSlotNum, 0)) / INDEX_ENTRY_BYTES));
    const writable: Writable = { slots, dirty: dirtyBitmap(this.geometry), tail: Buffer.alloc(0), diskCount: this.header.indexCount, flushedCount: this.header.indexCount };
    const count = this.header.indexCount;
    const past: number[] = [];
    let highest = 0;
    let used = 0;
    for (let slot = 0; slot < hashSlotNum; slot++) {
      const value = slots.readInt32BE(slot * HASH_SLOT_BYTES);
      if (value === INVALID_INDEX) continue;
      if (value < 0 || value >= Math.min(onDisk, indexNum)) {
        setSlot(writable, slot, INVALID_INDEX);
      } else if (value >= count) {
        past.push(slot);
        highest = Math.max(highest, value);
      } else {
        used += 1;
      }
    }
    if (past.length > 0) used += await this.repair(writable, past, count, highest);
    this.header.hashSlotCount = used;
    this.writable = writable;
    return past.length;
  }

  /**
   * Appends an entry for `keyHash` (IndexFile.putKey); false when the file is full.
   * Synchronous: entries wait in the tail until writeTail() or flush().
   */
  putKey(keyHash: number, phyOffset: number, storeTimestamp: number): boolean {
    const writable = this.writable;
    if (writable === undefined) throw new Error(`index file ${this.path} is sealed`);
    if (this.isFull) return false;
    const header = this.header;
    const slot = keyHash % this.geometry.hashSlotNum;
    let previous = writable.slots.readInt32BE(slot * HASH_SLOT_BYTES);
    if (previous <= INVALID_INDEX || previous >= header.indexCount) previous = INVALID_INDEX;
    const index = header.indexCount;
    if (index === FIRST_INDEX) {
      header.beginPhyOffset = phyOffset;
      header.beginTimestamp = storeTimestamp;
    }
    const at = (index - writable.diskCount) * INDEX_ENTRY_BYTES;
    if (at + INDEX_ENTRY_BYTES > writable.tail.length) writable.tail = grow(writable.tail, at + INDEX_ENTRY_BYTES);
    writeIndexEntry(writable.tail, at, keyHash, phyOffset, timeDiffSeconds(header.beginTimestamp, storeTimestamp), previous);
    setSlot(writable, slot, index);
    if (previous === INVALID_INDEX) header.hashSlotCount += 1;
    header.indexCount = index + 1;
    header.endPhyOffset = phyOffset;
    header.endTimestamp = storeTimestamp;
    return true;
  }

  /** Writes the tail's entries to the file (no fdatasync). */
  async writeTail(): Promise<void> {
    const writable = this.writable;
    if (writable === undefined) return;
    const end = this.header.indexCount;
    const bytes = (end - writable.diskCount) * INDEX_ENTRY_BYTES;
    if (bytes === 0) return;
    const position = entryPosition(this.geometry.hashSlotNum, writable.diskCount);
    await this.use((handle) => handle.writeAt(writable.tail, 0, bytes, position));
    writable.diskCount = end;
    writable.tail = Buffer.alloc(0);
  }

  /** Entries, then slots, then the header, each fdatasync'ed before the next (see the top). */
  async flush(): Promise<void> {
    const writable = this.writable;
    if (writable === undefined) return;
    const count = this.header.indexCount;
    if (count === writable.flushedCount && !writable.dirty.includes(1)) return;
    await this.writeTail();
    await this.use(async (handle) => {
      await handle.datasync();
      await this.writeDirtySlots(handle, writable);
      await handle.datasync();
      await handle.writeAt(encodeIndexHeader(this.header), 0, INDEX_HEADER_BYTES, 0);
      await handle.datasync();
    });
    writable.flushedCount = count;
  }

  /** Flushes and drops the in-memory slots: the file is read-only from now on. */
  async seal(): Promise<void> {
    await this.flush();
    this.writable = undefined;
  }

  /** Marks the file removed; the caller closes and deletes it. Reads find nothing from now on. */
  markRemoved(): void {
    this.isRemoved = true;
    this.writable = undefined;
  }

  /**
   * IndexFile.selectPhyOffset: walks the chain of `keyHash`'s slot from the newest entry and adds
   * the phyOffsets stored within [begin, end] to `into`, until it holds maxNum or the chain passes
   * below `begin`.
   */
  async select(keyHash: number, begin: number, end: number, maxNum: number, into: number[], readSlot: SlotReader): Promise<void> {
    const count = this.header.indexCount;
    if (count <= FIRST_INDEX || this.isRemoved) return;
    const slot = keyHash % this.geometry.hashSlotNum;
    let next = this.writable !== undefined ? this.writable.slots.readInt32BE(slot * HASH_SLOT_BYTES) : await readSlot(this, slot);
    if (next <= INVALID_INDEX || next >= count) return;
    const fileBegin = this.header.beginTimestamp;
    while (into.length < maxNum) {
      const entry = await this.readEntry(next);
      if (entry === undefined || entry.timeDiffSeconds < 0) return;
      const time = fileBegin + entry.timeDiffSeconds * 1000;
      if (entry.keyHash === keyHash && time >= begin && time <= end) into.push(entry.phyOffset);
      // A chain only goes back: a prevIndex that does not is damage, and ends the walk.
      if (entry.prevIndex <= INVALID_INDEX || entry.prevIndex >= next || time < begin) return;
      next = entry.prevIndex;
    }
  }

  /** Reads slot `slot` from the file (sealed files). */
  async readSlotFromDisk(slot: number): Promise<number> {
    const bytes = Buffer.alloc(HASH_SLOT_BYTES);
    if (this.isRemoved) return INVALID_INDEX;
    const got = await this.use((handle) => readFully(handle, bytes, 0, HASH_SLOT_BYTES, slotPosition(slot)));
    return got === HASH_SLOT_BYTES ? bytes.readInt32BE(0) : INVALID_INDEX;
  }

  private async readEntry(index: number): Promise<IndexEntry | undefined> {
    const writable = this.writable;
    if (writable !== undefined && index >= writable.diskCount) {
      const at = (index - writable.diskCount) * INDEX_ENTRY_BYTES;
      return at + INDEX_ENTRY_BYTES <= writable.tail.length ? decodeIndexEntry(writable.tail, at) : undefined;
    }
    if (this.isRemoved) return undefined;
    const bytes = Buffer.alloc(INDEX_ENTRY_BYTES);
    const got = await this.use((handle) => readFully(handle, bytes, 0, INDEX_ENTRY_BYTES, entryPosition(this.geometry.hashSlotNum, index)));
    return got === INDEX_ENTRY_BYTES ? decodeIndexEntry(bytes, 0) : undefined;
  }

  /** Points each slot of `past` at the newest entry of its chain below `count`; returns how many still point somewhere. */
  private async repair(writable: Writable, past: readonly number[], count: number, highest: number): Promise<number> {
    const previous = new Int32Array(highest - count + 1);
    const chunk = Buffer.alloc(Math.min(previous.length, REPAIR_READ_ENTRIES) * INDEX_ENTRY_BYTES);
    await this.use(async (handle) => {
      for (let from = count; from <= highest; from += REPAIR_READ_ENTRIES) {
        const entries = Math.min(REPAIR_READ_ENTRIES, highest + 1 - from);
        const got = await readFully(handle, chunk, 0, entries * INDEX_ENTRY_BYTES, entryPosition(this.geometry.hashSlotNum, from));
        for (let index = 0; index < entries; index++) {
          previous[from - count + index] = (index + 1) * INDEX_ENTRY_BYTES <= got ? readPrevIndex(chunk, index * INDEX_ENTRY_BYTES) : INVALID_INDEX;
        }
      }
    });
    let pointing = 0;
    for (const slot of past) {
      let value = writable.slots.readInt32BE(slot * HASH_SLOT_BYTES);
      while (value >= count) {
        const before = previous[value - count] ?? INVALID_INDEX;
        value = before < value && before > INVALID_INDEX ? before : INVALID_INDEX;
      }
      setSlot(writable, slot, value);
      if (value !== INVALID_INDEX) pointing += 1;
    }
    return pointing;
  }

  private async writeDirtySlots(handle: StoreFile, writable: Writable): Promise<void> {
    const { dirty, slots } = writable;
    let page = dirty.indexOf(1);
    while (page >= 0) {
      let last = page;
      while (last + 1 < dirty.length && dirty[last + 1] === 1 && (last + 2 - page) * SLOT_PAGE_BYTES <= SLOT_WRITE_BYTES_MAX) last += 1;
      const from = page * SLOT_PAGE_BYTES;
      const to = Math.min((last + 1) * SLOT_PAGE_BYTES, slots.length);
      await handle.writeAt(slots, from, to - from, INDEX_HEADER_BYTES + from);
      dirty.fill(0, page, last + 1);
      page = dirty.indexOf(1, last + 1);
    }
  }

  private use<T>(run: (handle: StoreFile) => Promise<T>): Promise<T> {
    return this.pool.use(this.path, run);
  }
}

function dirtyBitmap(geometry: IndexGeometry): Uint8Array {
  return new Uint8Array(Math.ceil((geometry.hashSlotNum * HASH_SLOT_BYTES) / SLOT_PAGE_BYTES));
}

function setSlot(writable: Writable, slot: number, value: number): void {
  const at = slot * HASH_SLOT_BYTES;
  writable.slots.writeInt32BE(value, at);
  writable.dirty[Math.floor(at / SLOT_PAGE_BYTES)] = 1;
}

function grow(tail: Buffer, needed: number): Buffer {
  const grown = Buffer.alloc(Math.max(needed, tail.length * 2, 64 * INDEX_ENTRY_BYTES));
  tail.copy(grown);
  return grown;
}
