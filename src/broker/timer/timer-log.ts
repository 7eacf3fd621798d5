/**
 * timer-log.ts: the timer log, an append-only sequence of 56-byte records (timer-log-record.ts)
 * in segment files named by their start position (20 digits, as CommitLog files), under
 * <storePathRootDir>/timer/log/. Positions are global byte offsets; a record never spans two
 * segments (the segment size is a multiple of the record size).
 *
 * Appends are copied into pending chunks and written by writePending(), one write at a time;
 * sync() also fdatasyncs what was written. Reads come from the pending chunks, else from a
 * bounded LRU cache of 4 KB blocks read from the files (readRecord), or straight from the files
 * (readRange, for scans). Memory: at most PENDING_BYTES_MAX pending (appenders wait on
 * writePending() past it) and CACHE_BLOCKS_MAX blocks (16 MB).
 *
 * Each segment remembers the largest fine and coarse slot its records are linked in (its reach):
 * a segment whose slots are all delivered or transferred holds no live record and is removed.
 *
 * Invariants: bytes below `writtenPosition` never change until a truncate at recovery; chains
 * only point backwards. Must not: decide what a record means (the service does).
 */
import { join } from 'node:path';
import type { StoreFile, StoreFileSystem } from '../../store/index.js';
import type { Logger } from '../../log/index.js';
import type { SegmentReach } from './timer-checkpoint.js';
import { decodeTimerRecord, TIMER_RECORD_BYTES, type TimerLogRecord } from './timer-log-record.js';

const CHUNK_BYTES = 1170 * TIMER_RECORD_BYTES; // 65,520 bytes
/** Pending bytes past which appenders must wait for a write. */
export const PENDING_BYTES_MAX = 64 * CHUNK_BYTES;
/** Cached read unit: a record's neighbours come along (random chain walks need small blocks). */
const BLOCK_BYTES = 73 * TIMER_RECORD_BYTES; // 4,088 bytes
const CACHE_BLOCKS_MAX = 4096;
/** Bytes read at once when recovery scans the log. */
const SCAN_BYTES = 16 * CHUNK_BYTES;
const NAME_PATTERN = /^\d{20}$/;

interface Segment {
  readonly start: number;
  readonly file: StoreFile;
  readonly reach: SegmentReach;
}

interface Chunk {
  readonly start: number;
  readonly bytes: Buffer;
  used: number;
}

interface Block {
  readonly bytes: Buffer;
  readonly valid: number;
}

export interface TimerLogOptions {
  readonly fs: StoreFileSystem;
  readonly dir: string;
  /** Segment size wanted (mappedFileSizeTimerLog); rounded down to whole records. */
  readonly segmentBytes: number;
  readonly logger: Logger;
}

/** Reads until `length` bytes are in or the file ends; returns how many. */
async function readWhole(file: StoreFile, target: Buffer, offset: number, length: number, position: number): Promise<number> {
  let done = 0;
  while (done < length) {
    const got = await file.readAt(target, offset + done, length - done, position + done);
    if (got === 0) break;
    done += got;
  }
  return done;
}

export function segmentName(start: number): string {
  return String(start).padStart(20, '0');
}

export class TimerLog {
  readonly segmentBytes: number;
  private readonly segments: Segment[] = [];
  private readonly chunks: Chunk[] = [];
  private readonly cache = new Map<number, Block>();
  private readonly reading = new Map<number, Promise<Block | undefined>>();
  /** Reaches of segments appended to but not created yet. */
  private readonly futureReaches = new Map<number, SegmentReach>();
  private written = 0;
  private end = 0;
  private writing: Promise<void> | undefined;
  private unsynced = new Set<Segment>();
  private createdSinceSync = false;
  /** The last segment file ends in part of a record (cut by scan()). */
  private tornTail = false;

  private constructor(private readonly options: TimerLogOptions) {
    this.segmentBytes = Math.max(TIMER_RECORD_BYTES, Math.floor(options.segmentBytes / TIMER_RECORD_BYTES) * TIMER_RECORD_BYTES);
  }

  /** Opens the segments in `dir`; the log ends where the files end until scan() says otherwise. */
  static async open(options: TimerLogOptions): Promise<TimerLog> {
    const log = new TimerLog(options);
    await options.fs.ensureDir(options.dir);
    const starts = (await options.fs.list(options.dir))
      .filter((name) => NAME_PATTERN.test(name))
      .map(Number)
      .sort((a, b) => a - b);
    for (const start of starts) {
      if (start % log.segmentBytes !== 0) {
        options.logger.error({ dir: options.dir, start }, 'a timer log segment does not start at a segment boundary; ignored');
        continue;
      }
      const file = await options.fs.open(join(options.dir, segmentName(start)));
      log.segments.push({ start, file, reach: { start, maxFineSlot: -1, maxCoarseSlot: -1 } });
    }
    const last = log.segments.at(-1);
    if (last !== undefined) {
      const size = await last.file.size();
      const whole = Math.floor(Math.min(size, log.segmentBytes) / TIMER_RECORD_BYTES) * TIMER_RECORD_BYTES;
      log.written = log.end = last.start + whole;
      log.tornTail = size !== whole;
    }
    return log;
  }

  get endPosition(): number {
    return this.end;
  }

  get writtenPosition(): number {
    return this.written;
  }

  get firstPosition(): number {
    return this.segments[0]?.start ?? this.end;
  }

  get pendingBytes(): number {
    return this.end - this.written;
  }

  /** Copies a 56-byte record to the end of the log; returns its position. */
  append(record: Buffer, slot: number, coarse: boolean): number {
    let chunk = this.chunks.at(-1);
    if (chunk === undefined || chunk.used === chunk.bytes.length) {
      chunk = { start: this.end, bytes: Buffer.allocUnsafe(CHUNK_BYTES), used: 0 };
      this.chunks.push(chunk);
    }
    const position = this.end;
    record.copy(chunk.bytes, chunk.used, 0, TIMER_RECORD_BYTES);
    chunk.used += TIMER_RECORD_BYTES;
    this.end += TIMER_RECORD_BYTES;
    this.noteReach(position, slot, coarse);
    return position;
  }

  /** Notes that the record at `position` is linked in `slot` (appends, and recovery's replay). */
  noteReach(position: number, slot: number, coarse: boolean): void {
    const start = position - (position % this.segmentBytes);
    const reach = this.segmentAt(start)?.reach ?? this.pendingReach(start);
    if (coarse) reach.maxCoarseSlot = Math.max(reach.maxCoarseSlot, slot);
    else reach.maxFineSlot = Math.max(reach.maxFineSlot, slot);
  }

  private segmentAt(start: number): Segment | undefined {
    for (let index = this.segments.length - 1; index >= 0; index--) {
      const segment = this.segments[index] as Segment;
      if (segment.start === start) return segment;
      if (segment.start < start) return undefined;
    }
    return undefined;
  }

  /** Reaches of segments not created yet (appends run ahead of writes). */
  private pendingReach(start: number): SegmentReach {
    let reach = this.futureReaches.get(start);
    if (reach === undefined) {
      reach = { start, maxFineSlot: -1, maxCoarseSlot: -1 };
      this.futureReaches.set(start, reach);
    }
    return reach;
  }

  /** Every segment's reach, oldest first, including segments only appended to so far. */
  reaches(): SegmentReach[] {
    return [...this.segments.map((segment) => ({ ...segment.reach })), ...[...this.futureReaches.values()].map((reach) => ({ ...reach }))];
  }

  /** Restores reaches from a snapshot (segments the snapshot does not know keep theirs). */
  restoreReaches(reaches: readonly SegmentReach[]): void {
    for (const saved of reaches) {
      const segment = this.segmentAt(saved.start);
      if (segment === undefined) continue;
      segment.reach.maxFineSlot = Math.max(segment.reach.maxFineSlot, saved.maxFineSlot);
      segment.reach.maxCoarseSlot = Math.max(segment.reach.maxCoarseSlot, saved.maxCoarseSlot);
    }
  }

  /** The record at `position`, or undefined when there is none (removed, beyond the end, corrupt). */
  async readRecord(position: number): Promise<TimerLogRecord | undefined> {
    if (position < 0 || position + TIMER_RECORD_BYTES > this.end || position % TIMER_RECORD_BYTES !== 0) return undefined;
    if (position >= this.written) {
      const chunk = this.chunks.find((candidate) => position >= candidate.start && position < candidate.start + candidate.used);
      if (chunk !== undefined) return decodeTimerRecord(chunk.bytes, position - chunk.start);
    }
    const segmentStart = position - (position % this.segmentBytes);
    const blockStart = segmentStart + Math.floor((position - segmentStart) / BLOCK_BYTES) * BLOCK_BYTES;
    let block = this.cache.get(blockStart);
    if (block !== undefined && position + TIMER_RECORD_BYTES <= blockStart + block.valid) {
      this.cache.delete(blockStart);
      this.cache.set(blockStart, block);
    } else {
      block = await this.readBlock(segmentStart, blockStart);
    }
    if (block === undefined || position + TIMER_RECORD_BYTES > blockStart + block.valid) return undefined;
    return decodeTimerRecord(block.bytes, position - blockStart);
  }

  private readBlock(segmentStart: number, blockStart: number): Promise<Block | undefined> {
    let read = this.reading.get(blockStart);
    if (read === undefined) {
      read = this.loadBlock(segmentStart, blockStart).finally(() => this.reading.delete(blockStart));
      this.reading.set(blockStart, read);
    }
    return read;
  }

  private async loadBlock(segmentStart: number, blockStart: number): Promise<Block | undefined> {
    const segment = this.segmentAt(segmentStart);
    if (segment === undefined) return undefined;
    const length = Math.min(BLOCK_BYTES, segmentStart + this.segmentBytes - blockStart, this.written - blockStart);
    if (length <= 0) return undefined;
    const bytes = Buffer.allocUnsafe(length);
    const valid = await readWhole(segment.file, bytes, 0, length, blockStart - segmentStart);
    const block = { bytes, valid: valid - (valid % TIMER_RECORD_BYTES) };
    this.cache.set(blockStart, block);
    if (this.cache.size > CACHE_BLOCKS_MAX) this.cache.delete(this.cache.keys().next().value as number);
    return block;
  }

  /**
   * `length` bytes from `position` (a record boundary), from the pending chunks or the files; the
   * parts of removed segments read as zeros (no record).
   */
  async readRange(position: number, length: number): Promise<Buffer> {
    const target = Buffer.alloc(Math.max(0, Math.min(length, this.end - position)));
    let done = 0;
    while (done < target.length) {
      const at = position + done;
      let part: number;
      if (at >= this.written) {
        const chunk = this.chunks.find((candidate) => at >= candidate.start && at < candidate.start + candidate.used);
        if (chunk === undefined) break;
        part = Math.min(target.length - done, chunk.start + chunk.used - at);
        chunk.bytes.copy(target, done, at - chunk.start, at - chunk.start + part);
      } else {
        const segmentStart = at - (at % this.segmentBytes);
        part = Math.min(target.length - done, segmentStart + this.segmentBytes - at, this.written - at);
        const segment = this.segmentAt(segmentStart);
        if (segment !== undefined) await readWhole(segment.file, target, done, part, at - segmentStart);
      }
      done += part;
    }
    return target;
  }

  /** Writes every pending byte to the files (one writer at a time; appends may go on meanwhile). */
  writePending(): Promise<void> {
    const previous = this.writing ?? Promise.resolve();
    const next = previous.then(() => this.writeChunks());
    this.writing = next.finally(() => {
      if (this.writing === next) this.writing = undefined;
    });
    return next;
  }

  private async writeChunks(): Promise<void> {
    while (this.written < this.end) {
      const chunk = this.chunks[0];
      if (chunk === undefined) throw new Error(`timer log: ${this.end - this.written} pending bytes but no chunk`);
      const from = this.written - chunk.start;
      const to = chunk.used;
      await this.writeRange(chunk.bytes, from, to - from, this.written);
      this.written = chunk.start + to;
      if (to === chunk.bytes.length) this.chunks.shift();
    }
  }

  private async writeRange(bytes: Buffer, from: number, length: number, position: number): Promise<void> {
    let done = 0;
    while (done < length) {
      const at = position + done;
      const segment = await this.segmentFor(at);
      const room = segment.start + this.segmentBytes - at;
      const part = Math.min(room, length - done);
      await segment.file.writeAt(bytes, from + done, part, at - segment.start);
      this.unsynced.add(segment);
      done += part;
    }
  }

  private async segmentFor(position: number): Promise<Segment> {
    const start = position - (position % this.segmentBytes);
    const existing = this.segmentAt(start);
    if (existing !== undefined) return existing;
    const file = await this.options.fs.open(join(this.options.dir, segmentName(start)));
    const reach = this.futureReaches.get(start) ?? { start, maxFineSlot: -1, maxCoarseSlot: -1 };
    this.futureReaches.delete(start);
    const segment = { start, file, reach };
    this.segments.push(segment);
    this.createdSinceSync = true;
    return segment;
  }

  /** Writes what is pending and fdatasyncs it; returns the position everything below is durable. */
  async sync(): Promise<number> {
    await this.writePending();
    const synced = this.written;
    const segments = [...this.unsynced];
    this.unsynced = new Set();
    await Promise.all(segments.map((segment) => segment.file.datasync()));
    if (this.createdSinceSync) {
      this.createdSinceSync = false;
      await this.options.fs.syncDir(this.options.dir);
    }
    return synced;
  }

  /**
   * Recovery: reads the records from `from` on, handing each to `visit`, and cuts the log at the
   * first position that is not a whole record (a torn or lost tail). Returns the new end.
   */
  async scan(from: number, visit: (position: number, record: TimerLogRecord) => void): Promise<number> {
    let position = Math.max(from, this.firstPosition);
    const buffer = Buffer.allocUnsafe(SCAN_BYTES);
    scanning: while (position < this.end) {
      const segmentStart = position - (position % this.segmentBytes);
      const segment = this.segmentAt(segmentStart);
      if (segment === undefined) {
        position = this.nextSegmentStart(position);
        continue;
      }
      const length = Math.min(SCAN_BYTES, segmentStart + this.segmentBytes - position, this.end - position);
      let got = 0;
      while (got < length) {
        const read = await segment.file.readAt(buffer, got, length - got, position - segmentStart + got);
        if (read === 0) break;
        got += read;
      }
      for (let at = 0; at + TIMER_RECORD_BYTES <= got; at += TIMER_RECORD_BYTES) {
        const record = decodeTimerRecord(buffer, at);
        if (record === undefined) {
          position += at;
          break scanning;
        }
        visit(position + at, record);
      }
      const whole = got - (got % TIMER_RECORD_BYTES);
      position += whole;
      if (whole < length) break;
    }
    await this.truncate(position);
    return position;
  }

  private nextSegmentStart(position: number): number {
    return this.segments.find((segment) => segment.start > position)?.start ?? this.end;
  }

  /** Drops everything from `position` on (recovery only: nothing is pending). */
  private async truncate(position: number): Promise<void> {
    if (position > this.end || (position === this.end && !this.tornTail)) return;
    this.tornTail = false;
    this.options.logger.warn({ dir: this.options.dir, from: position, to: this.end }, 'cutting the timer log\'s torn tail');
    for (let last = this.segments.at(-1); last !== undefined && last.start >= position; last = this.segments.at(-1)) {
      this.segments.pop();
      await last.file.close();
      await this.options.fs.remove(last.file.path);
    }
    const last = this.segments.at(-1);
    if (last !== undefined && position < last.start + this.segmentBytes) await last.file.truncate(position - last.start);
    this.written = this.end = position;
    this.cache.clear();
    await this.options.fs.syncDir(this.options.dir);
  }

  /** Removes the segments (never the one being appended to) that `isDead` says hold no live record. */
  async removeDead(isDead: (reach: SegmentReach) => boolean): Promise<number> {
    const dead = this.segments.filter((segment) => segment.start + this.segmentBytes <= this.written && isDead(segment.reach));
    for (const segment of dead) {
      this.segments.splice(this.segments.indexOf(segment), 1);
      this.unsynced.delete(segment);
      for (const blockStart of [...this.cache.keys()]) {
        if (blockStart >= segment.start && blockStart < segment.start + this.segmentBytes) this.cache.delete(blockStart);
      }
      await segment.file.close();
      await this.options.fs.remove(segment.file.path);
    }
    return dead.length;
  }

  async close(): Promise<void> {
    await this.writePending();
    for (const segment of this.segments) await segment.file.close();
    this.segments.length = 0;
  }
}
