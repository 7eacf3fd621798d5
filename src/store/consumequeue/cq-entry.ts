/**
 * cq-entry.ts: the only codec of a ConsumeQueue entry (RocketMQ ConsumeQueue.java, CQ_STORE_UNIT_SIZE).
 * Entry n of a queue sits at byte n * 20 of the queue's files. Big-endian:
 *
 * | off | bytes | field                                               |
 * |-----|-------|-----------------------------------------------------|
 * | 0   | 8     | commitLogOffset: where the record starts            |
 * | 8   | 4     | size: the record's TOTALSIZE                        |
 * | 12  | 8     | tagsCode: hash of the TAGS property (message/tag.ts)|
 *
 * No other module computes offsets into an entry.
 */
import assert from 'node:assert/strict';
import { LongRangeError, readLong, writeInt, writeLong } from '../../message/index.js';

export const CQ_ENTRY_BYTES = 20;

const COMMIT_LOG_OFFSET_AT = 0;
const SIZE_AT = 8;
const TAGS_CODE_AT = 12;
assert.equal(TAGS_CODE_AT + 8, CQ_ENTRY_BYTES);

export interface CqEntry {
  readonly commitLogOffset: number;
  readonly size: number;
  readonly tagsCode: number;
}

/** Writes `entry` at byte `at` of `target`. */
export function encodeCqEntry(entry: CqEntry, target: Buffer, at: number): void {
  writeLong(target, entry.commitLogOffset, at + COMMIT_LOG_OFFSET_AT);
  writeInt(target, entry.size, at + SIZE_AT);
  writeLong(target, entry.tagsCode, at + TAGS_CODE_AT);
}

/**
 * Reads the entry at byte `at`. Never throws on bad bytes: an int64 beyond 2^53 reads as -1, which
 * isCqEntryValid rejects. tagsCode is a Java long; values beyond 2^53 (ConsumeQueueExt addresses,
 * which we do not write) read as 0.
 */
export function decodeCqEntry(source: Buffer, at: number): CqEntry {
  return {
    commitLogOffset: safeLong(source, at + COMMIT_LOG_OFFSET_AT, -1),
    size: source.readInt32BE(at + SIZE_AT),
    tagsCode: safeLong(source, at + TAGS_CODE_AT, 0),
  };
}

/** Whether an entry read from disk can point at a record (RocketMQ: offset >= 0 && size > 0). */
export function isCqEntryValid(entry: CqEntry): boolean {
  return entry.commitLogOffset >= 0 && entry.size > 0;
}

function safeLong(source: Buffer, at: number, fallback: number): number {
  try {
    return readLong(source, at);
  } catch (error) {
    if (error instanceof LongRangeError) return fallback;
    throw error;
  }
}
