/**
 * index-layout.ts: the only codec of an IndexFile (RocketMQ store/index/IndexFile.java,
 * IndexHeader.java). One file is a 40-byte header, `hashSlotNum` 4-byte hash slots, then
 * `indexNum` 20-byte entries; all big-endian. No other module computes offsets into one.
 *
 * Header, at byte 0:
 * | off | bytes | field                                                       |
 * |-----|-------|-------------------------------------------------------------|
 * | 0   | 8     | beginTimestamp: store time of the first entry (ms)          |
 * | 8   | 8     | endTimestamp: store time of the last entry (ms)             |
 * | 16  | 8     | beginPhyOffset: CommitLog offset of the first entry         |
 * | 24  | 8     | endPhyOffset: CommitLog offset of the last entry            |
 * | 32  | 4     | hashSlotCount: slots in use                                 |
 * | 36  | 4     | indexCount: next entry number (starts at 1; entry 0 unused) |
 *
 * Hash slot s, at byte 40 + s * 4: the number of the newest entry whose key hash % hashSlotNum
 * is s, 0 for none.
 *
 * Entry n, at byte 40 + hashSlotNum * 4 + n * 20:
 * | off | bytes | field                                                                  |
 * |-----|-------|------------------------------------------------------------------------|
 * | 0   | 4     | keyHash: abs(String.hashCode("topic#key")), 0 for Integer.MIN_VALUE    |
 * | 4   | 8     | phyOffset: CommitLog offset of the message                             |
 * | 12  | 4     | timeDiff: (store time - beginTimestamp) / 1000, in seconds, >= 0       |
 * | 16  | 4     | prevIndex: the entry the slot held before this one (0: end of chain)   |
 *
 * Files live in <storePathRootDir>/index, named by their creation time as yyyyMMddHHmmssSSS in
 * local time (UtilAll.timeMillisToHumanString), so names sort in creation order.
 */
import assert from 'node:assert/strict';
import { javaStringHashCode, LongRangeError, readLong, writeInt, writeLong } from '../../message/index.js';

export const INDEX_HEADER_BYTES = 40;
export const HASH_SLOT_BYTES = 4;
export const INDEX_ENTRY_BYTES = 20;
/** Slot value and prevIndex meaning "no entry" (IndexFile.invalidIndex). */
export const INVALID_INDEX = 0;
/** indexCount of a file with no entry. */
export const FIRST_INDEX = 1;

const HeaderAt = {
  BEGIN_TIMESTAMP: 0,
  END_TIMESTAMP: 8,
  BEGIN_PHY_OFFSET: 16,
  END_PHY_OFFSET: 24,
  HASH_SLOT_COUNT: 32,
  INDEX_COUNT: 36,
} as const;
assert.equal(HeaderAt.INDEX_COUNT + 4, INDEX_HEADER_BYTES);

const EntryAt = { KEY_HASH: 0, PHY_OFFSET: 4, TIME_DIFF: 12, PREV_INDEX: 16 } as const;
assert.equal(EntryAt.PREV_INDEX + 4, INDEX_ENTRY_BYTES);

export interface IndexHeader {
  beginTimestamp: number;
  endTimestamp: number;
  beginPhyOffset: number;
  endPhyOffset: number;
  hashSlotCount: number;
  indexCount: number;
}

export interface IndexEntry {
  readonly keyHash: number;
  readonly phyOffset: number;
  readonly timeDiffSeconds: number;
  readonly prevIndex: number;
}

/** A header with no entry, continuing from the previous file's end (IndexFile's constructor). */
export function emptyIndexHeader(endPhyOffset: number, endTimestamp: number): IndexHeader {
  return {
    beginTimestamp: endTimestamp,
    endTimestamp,
    beginPhyOffset: endPhyOffset,
    endPhyOffset,
    hashSlotCount: 0,
    indexCount: FIRST_INDEX,
  };
}

export function encodeIndexHeader(header: IndexHeader): Buffer {
  const bytes = Buffer.alloc(INDEX_HEADER_BYTES);
  writeLong(bytes, header.beginTimestamp, HeaderAt.BEGIN_TIMESTAMP);
  writeLong(bytes, header.endTimestamp, HeaderAt.END_TIMESTAMP);
  writeLong(bytes, header.beginPhyOffset, HeaderAt.BEGIN_PHY_OFFSET);
  writeLong(bytes, header.endPhyOffset, HeaderAt.END_PHY_OFFSET);
  bytes.writeInt32BE(header.hashSlotCount, HeaderAt.HASH_SLOT_COUNT);
  bytes.writeInt32BE(header.indexCount, HeaderAt.INDEX_COUNT);
  return bytes;
}

/**
 * Decodes a header. Never throws on bad bytes: a long beyond 2^53 reads as 0, and an indexCount
 * below 1 reads as 1 (IndexHeader.load does the same).
 */
export function decodeIndexHeader(bytes: Buffer): IndexHeader {
  assert.ok(bytes.length >= INDEX_HEADER_BYTES, `an index header needs ${INDEX_HEADER_BYTES} bytes`);
  const count = bytes.readInt32BE(HeaderAt.INDEX_COUNT);
  return {
    beginTimestamp: safeLong(bytes, HeaderAt.BEGIN_TIMESTAMP),
    endTimestamp: safeLong(bytes, HeaderAt.END_TIMESTAMP),
    beginPhyOffset: safeLong(bytes, HeaderAt.BEGIN_PHY_OFFSET),
    endPhyOffset: safeLong(bytes, HeaderAt.END_PHY_OFFSET),
    hashSlotCount: bytes.readInt32BE(HeaderAt.HASH_SLOT_COUNT),
    indexCount: count < FIRST_INDEX ? FIRST_INDEX : count,
  };
}

export function encodeIndexEntry(entry: IndexEntry, target: Buffer, at: number): void {
  writeIndexEntry(target, at, entry.keyHash, entry.phyOffset, entry.timeDiffSeconds, entry.prevIndex);
}

/** encodeIndexEntry without the object (the write path runs once per key). */
export function writeIndexEntry(target: Buffer, at: number, keyHash: number, phyOffset: number, timeDiff: number, prevIndex: number): void {
  if (at < 0 || at + INDEX_ENTRY_BYTES > target.length) throw new RangeError(`index entry at ${at} is outside a ${target.length}-byte buffer`);
  writeInt(target, keyHash, at + EntryAt.KEY_HASH);
  writeLong(target, phyOffset, at + EntryAt.PHY_OFFSET);
  writeInt(target, timeDiff, at + EntryAt.TIME_DIFF);
  writeInt(target, prevIndex, at + EntryAt.PREV_INDEX);
}

/** Decodes the entry at byte `at`; a phyOffset beyond 2^53 reads as -1 (no offset we wrote). */
export function decodeIndexEntry(source: Buffer, at: number): IndexEntry {
  let phyOffset: number;
  try {
    phyOffset = readLong(source, at + EntryAt.PHY_OFFSET);
  } catch (error) {
    if (!(error instanceof LongRangeError)) throw error;
    phyOffset = -1;
  }
  return {
    keyHash: source.readInt32BE(at + EntryAt.KEY_HASH),
    phyOffset,
    timeDiffSeconds: source.readInt32BE(at + EntryAt.TIME_DIFF),
    prevIndex: source.readInt32BE(at + EntryAt.PREV_INDEX),
  };
}

/** The prevIndex field alone (recovery walks chains without decoding whole entries). */
export function readPrevIndex(source: Buffer, at: number): number {
  return source.readInt32BE(at + EntryAt.PREV_INDEX);
}

/** The keyHash field alone. */
export function readKeyHash(source: Buffer, at: number): number {
  return source.readInt32BE(at + EntryAt.KEY_HASH);
}

/** Byte of hash slot `slot`. */
export function slotPosition(slot: number): number {
  return INDEX_HEADER_BYTES + slot * HASH_SLOT_BYTES;
}

/** Byte of entry `index` in a file of `hashSlotNum` slots. */
export function entryPosition(hashSlotNum: number, index: number): number {
  return INDEX_HEADER_BYTES + hashSlotNum * HASH_SLOT_BYTES + index * INDEX_ENTRY_BYTES;
}

/** Bytes of a whole file (IndexFile.fileTotalSize); ours grow to it as entries are written. */
export function indexFileBytes(hashSlotNum: number, indexNum: number): number {
  return entryPosition(hashSlotNum, indexNum);
}

/** IndexService.buildKey: what is hashed for a key of a topic. */
export function buildIndexKey(topic: string, key: string): string {
  return `${topic}#${key}`;
}

/** IndexFile.indexKeyHashMethod: abs(String.hashCode()), with Integer.MIN_VALUE as 0. */
export function indexKeyHash(indexKey: string): number {
  const hash = javaStringHashCode(indexKey);
  return hash === -2147483648 ? 0 : Math.abs(hash);
}

/** Seconds between the file's begin and `storeTimestamp`, clamped to 0..2^31-1 as putKey does. */
export function timeDiffSeconds(beginTimestamp: number, storeTimestamp: number): number {
  if (beginTimestamp <= 0) return 0;
  const seconds = Math.trunc((storeTimestamp - beginTimestamp) / 1000);
  return Math.min(Math.max(seconds, 0), 2 ** 31 - 1);
}

const pad = (value: number, digits: number): string => String(value).padStart(digits, '0');

/** yyyyMMddHHmmssSSS in local time (UtilAll.timeMillisToHumanString). */
export function indexFileName(timestamp: number): string {
  const date = new Date(timestamp);
  return (
    pad(date.getFullYear(), 4) +
    pad(date.getMonth() + 1, 2) +
    pad(date.getDate(), 2) +
    pad(date.getHours(), 2) +
    pad(date.getMinutes(), 2) +
    pad(date.getSeconds(), 2) +
    pad(date.getMilliseconds(), 3)
  );
}

/** The local time an index file name stands for, or undefined when it is not one. */
export function parseIndexFileName(name: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})$/.exec(name);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second, ms] = match.slice(1).map(Number) as [number, number, number, number, number, number, number];
  const time = new Date(year, month - 1, day, hour, minute, second, ms).getTime();
  return Number.isNaN(time) || indexFileName(time) !== name ? undefined : time;
}

function safeLong(bytes: Buffer, at: number): number {
  try {
    return readLong(bytes, at);
  } catch (error) {
    if (error instanceof LongRangeError) return 0;
    throw error;
  }
}
