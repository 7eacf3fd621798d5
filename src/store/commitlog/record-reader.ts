/**
 * record-reader.ts: reads records back out of the CommitLog: from the staging buffers while they
 * are not yet written, from the copy of the newest written bytes (recent-bytes.ts) for a pull's
 * records while it holds them, else from the segment files. A pull's records (ConsumeQueue spans) are
 * read with few preads: spans close to each other in one segment form a range, read through a
 * cache of CHUNK_BYTES-aligned chunks of the file (ChunkCache), and the records wanted are copied
 * out back to back. The queues of a topic are interleaved in the CommitLog, so the pulls of its
 * queues that follow each other through a backlog need the same chunks: one pread of a chunk
 * serves them all, where a read per pull read each byte about once per queue (and on this VM every
 * thread-pool read costs tens of µs of CPU in wake-ups, whatever its size).
 *
 * Invariants: what comes back is a whole record that starts at the asked offset (TOTALSIZE,
 * magic and PHYSICALOFFSET checked), or undefined; bytes handed out are never a view of a
 * staging buffer (those are reused). Must not: write, or decode more than the header it checks.
 */
import {
  IPV4_ADDRESS_BYTES,
  IPV6_ADDRESS_BYTES,
  MESSAGE_MAGIC_CODE_V1,
  MESSAGE_MAGIC_CODE_V2,
  MessageSysFlag,
  RECORD_FIXED_BYTES,
  RecordOffset,
  readLong,
} from '../../message/index.js';
import type { SegmentedFile } from '../file/segmented-file.js';
import type { GroupWriter } from './group-writer.js';

/** Where a record is, as a ConsumeQueue entry says. */
export interface ReadSpan {
  readonly offset: number;
  readonly size: number;
}

/** What the reader needs of the CommitLog. */
export interface RecordSource {
  readonly file: SegmentedFile;
  readonly writer: GroupWriter;
  readonly minOffset: number;
  readonly maxOffset: number;
  readonly segmentBytes: number;
}

/** Bytes read first when the record size is not known yet. */
const FIRST_READ_BYTES = 4096;
/** Spans at most this far apart are read together (the gap is read and thrown away). */
const COALESCE_GAP_BYTES = 32 * 1024;
/** A coalesced read covers at most this many bytes (a single bigger record is read alone). */
const COALESCE_SPAN_BYTES = 1024 * 1024;
/** Coalesced reads of one call in flight at once. */
const PARALLEL_READS = 8;
/** Coalesced ranges up to this size are read into a pooled buffer of this size. */
const POOLED_READ_BYTES = COALESCE_SPAN_BYTES;
/** Pooled read buffers kept while idle: at most POOLED_KEPT x POOLED_READ_BYTES of memory. */
const POOLED_KEPT = 16;
/** Pull reads go through chunks of this many bytes, aligned within their segment. */
export const CHUNK_BYTES = 1024 * 1024;
/** Chunks kept (least recently used dropped first): at most CHUNKS_KEPT x CHUNK_BYTES of memory. */
export const CHUNKS_KEPT = 32;
/** Buffers of dropped chunks kept for the next chunks read (a drain would otherwise allocate one per MiB read). */
const SPARE_CHUNKS = 4;
/** Bytes of a record header that hold STORETIMESTAMP whatever the host lengths. */
const STORE_TIMESTAMP_HEADER_BYTES = RecordOffset.BORN_HOST + IPV6_ADDRESS_BYTES + 8;

/** Whether bytes[at, end) starts with the header of a `size`-byte record stored at `offset`. */
function isRecordAt(bytes: Buffer, offset: number, size?: number, at = 0, end = bytes.length): boolean {
  if (end - at < RecordOffset.PHYSICAL_OFFSET + 8) return false;
  const total = bytes.readInt32BE(at + RecordOffset.TOTAL_SIZE);
  const magic = bytes.readInt32BE(at + RecordOffset.MAGIC_CODE);
  if (magic !== MESSAGE_MAGIC_CODE_V1 && magic !== MESSAGE_MAGIC_CODE_V2) return false;
  if (total < RECORD_FIXED_BYTES || (size !== undefined && total !== size)) return false;
  try {
    return readLong(bytes, at + RecordOffset.PHYSICAL_OFFSET) === offset;
  } catch {
    return false; // An int64 beyond 2^53 is not an offset we wrote.
  }
}

/** Where STORETIMESTAMP sits: right after BORNHOST, whose length the sysFlag gives (record.ts table). */
function storeTimestampAt(sysFlag: number): number {
  const bornHost = (sysFlag & MessageSysFlag.BORNHOST_V6_FLAG) === 0 ? IPV4_ADDRESS_BYTES : IPV6_ADDRESS_BYTES;
  return RecordOffset.BORN_HOST + bornHost;
}

/**
 * Buffers for coalesced reads, reused: take() one (a range too large for the pool gets a buffer of
 * its own), give() it back once nothing reads into it and nothing handed out is a view of it.
 */
export class ReadBuffers {
  private readonly free: Buffer[] = [];

  constructor(
    private readonly pooledBytes = POOLED_READ_BYTES,
    private readonly kept = POOLED_KEPT,
  ) {}

  take(size: number): Buffer {
    if (size > this.pooledBytes) return Buffer.allocUnsafeSlow(size);
    return this.free.pop() ?? Buffer.allocUnsafeSlow(this.pooledBytes);
  }

  give(buffer: Buffer): void {
    if (buffer.length === this.pooledBytes && this.free.length < this.kept) this.free.push(buffer);
  }

  /** Buffers kept for reuse (for tests). */
  get idle(): number {
    return this.free.length;
  }
}

/**
 * CommitLog bytes [start, start + valid) as read from the file, in a buffer of CHUNK_BYTES. Only
 * written bytes are read into a chunk, and written bytes never change, so a chunk read again
 * (to reach bytes written since) rewrites its valid part with the same bytes: a reader copying
 * from it meanwhile sees the same values. Its buffer is reused for other bytes only once the
 * chunk is dropped from the cache and unpinned: no read into it and no reader copying from it.
 */
export interface Chunk {
  readonly start: number;
  readonly bytes: Buffer;
  valid: number;
  loading: Promise<void> | undefined;
  /** Holders: the read into it, and each caller of chunk() until it calls release(). */
  pins: number;
  dropped: boolean;
}

/**
 * The chunks of the CommitLog read for pulls, least recently used first (Map order), at most
 * `kept`. A drain reads every byte once through here, so the buffers of dropped chunks are kept
 * (at most SPARE_CHUNKS) for the next chunks instead of allocating a MiB per MiB read: that
 * allocation was the largest part of the broker's ArrayBuffer churn in a drain, and V8 answers
 * such churn with full collections.
 */
export class ChunkCache {
  private readonly chunks = new Map<number, Chunk>();
  private readonly spares: Buffer[] = [];

  constructor(
    private readonly source: RecordSource,
    private readonly kept = CHUNKS_KEPT,
  ) {}

  /** Chunks held (for tests). */
  get size(): number {
    return this.chunks.size;
  }

  /** Where the chunk holding `offset` starts: aligned within its segment, so it never crosses one. */
  chunkStart(offset: number): number {
    const segment = this.source.file.segmentStart(offset);
    return segment + Math.floor((offset - segment) / CHUNK_BYTES) * CHUNK_BYTES;
  }

  /** Spare buffers held for the next chunks (for tests). */
  get spareCount(): number {
    return this.spares.length;
  }

  /**
   * The chunk at `start` holding the file's bytes up to `end` (which must be written: at most
   * `written`), read when it is not held yet or does not reach `end`; it may hold less when the
   * file is shorter. Concurrent callers share one read. The chunk comes back pinned: the caller
   * copies what it needs and then calls release(chunk), after which it must not touch it.
   */
  async chunk(start: number, end: number, written: number): Promise<Chunk> {
    for (;;) {
      const held = this.chunks.get(start);
      if (held?.loading !== undefined) {
        await held.loading;
        continue;
      }
      if (held !== undefined && start + held.valid >= end) {
        this.chunks.delete(start);
        this.chunks.set(start, held);
        held.pins += 1;
        return held;
      }
      const chunk = held ?? { start, bytes: this.spares.pop() ?? Buffer.allocUnsafeSlow(CHUNK_BYTES), valid: 0, loading: undefined, pins: 0, dropped: false };
      const limit = Math.min(start + CHUNK_BYTES, this.source.file.segmentStart(start) + this.source.segmentBytes, written) - start;
      const loading = this.source.file.read(start, chunk.bytes, 0, limit).then(
        (got) => {
          chunk.valid = Math.max(chunk.valid, got);
        },
        (error: unknown) => {
          this.forget(chunk);
          throw error;
        },
      );
      chunk.loading = loading;
      // The read's pin, handed to this caller once it is done (or given back if it fails).
      chunk.pins += 1;
      this.chunks.delete(start);
      this.chunks.set(start, chunk);
      this.evict();
      try {
        await loading;
      } catch (error) {
        this.release(chunk);
        throw error;
      } finally {
        chunk.loading = undefined;
      }
      return chunk;
    }
  }

  /** Gives back a chunk that chunk() returned; its buffer may be reused from then on. */
  release(chunk: Chunk): void {
    chunk.pins -= 1;
    this.recycle(chunk);
  }

  /** Drops `chunk` (its bytes did not check out, or its read failed): the next pull reads the file again. */
  forget(chunk: Chunk): void {
    if (this.chunks.get(chunk.start) === chunk) this.drop(chunk);
  }

  /** Drops every chunk (the CommitLog was reopened at an end recovery chose). */
  clear(): void {
    for (const chunk of [...this.chunks.values()]) this.drop(chunk);
  }

  private evict(): void {
    for (const chunk of this.chunks.values()) {
      if (this.chunks.size <= this.kept) return;
      if (chunk.loading === undefined) this.drop(chunk);
    }
  }

  private drop(chunk: Chunk): void {
    this.chunks.delete(chunk.start);
    chunk.dropped = true;
    this.recycle(chunk);
  }

  private recycle(chunk: Chunk): void {
    if (!chunk.dropped || chunk.pins > 0 || this.spares.length >= SPARE_CHUNKS) return;
    // Never twice: a dropped chunk is not in the map, so nothing pins it again.
    chunk.pins = Number.POSITIVE_INFINITY;
    this.spares.push(chunk.bytes);
  }
}

/** Copies CommitLog bytes [offset, offset + size) from `chunks` (in order, adjacent) into target at `at`; false when they do not hold them all. */
function copyFromChunks(chunks: readonly Chunk[], offset: number, size: number, target: Buffer, at: number): boolean {
  let from = offset;
  const end = offset + size;
  for (const chunk of chunks) {
    if (from >= end) break;
    const chunkEnd = chunk.start + chunk.valid;
    if (from < chunk.start || from >= chunkEnd) continue;
    const until = Math.min(end, chunkEnd);
    chunk.bytes.copy(target, at + (from - offset), from - chunk.start, until - chunk.start);
    from = until;
  }
  return from === end;
}

export class RecordReader {
  readonly chunks: ChunkCache;

  constructor(
    private readonly source: RecordSource,
    readonly buffers = new ReadBuffers(),
  ) {
    this.chunks = new ChunkCache(source);
  }

  async readRecord(offset: number): Promise<Buffer | undefined> {
    const { minOffset, maxOffset } = this.source;
    if (!Number.isSafeInteger(offset) || offset < minOffset || offset >= maxOffset) return undefined;
    const staged = this.source.writer.readStaged(offset);
    if (staged !== undefined) {
      if (staged.length < 8) return undefined;
      const size = staged.readInt32BE(0);
      return size <= staged.length && isRecordAt(staged, offset) ? Buffer.from(staged.subarray(0, size)) : undefined;
    }
    const limit = this.readLimit(offset);
    if (limit < RECORD_FIXED_BYTES) return undefined;
    const head = Buffer.alloc(Math.min(FIRST_READ_BYTES, limit));
    const got = await this.source.file.read(offset, head, 0, head.length);
    if (!isRecordAt(head.subarray(0, got), offset)) return undefined;
    const size = head.readInt32BE(0);
    if (size > limit) return undefined;
    if (size <= got) return head.subarray(0, size);
    const whole = Buffer.alloc(size);
    const read = await this.source.file.read(offset, whole, 0, size);
    return read === size && isRecordAt(whole, offset, size) ? whole : undefined;
  }

  async readRecords(spans: readonly ReadSpan[]): Promise<(Buffer | undefined)[]> {
    const out: (Buffer | undefined)[] = new Array<Buffer | undefined>(spans.length).fill(undefined);
    const written = this.source.writer.writtenOffset;
    const order = spans.map((_, index) => index).sort((a, b) => (spans[a]?.offset ?? 0) - (spans[b]?.offset ?? 0));
    const groups: number[][] = [];
    const reads: Promise<void>[] = [];
    for (const index of order) {
      const span = spans[index] as ReadSpan;
      const recent = this.recentRecord(span);
      if (recent !== undefined) {
        out[index] = recent;
        continue;
      }
      if (!this.isReadable(span, written)) {
        reads.push(this.readRecord(span.offset).then((record) => void (out[index] = record)));
        continue;
      }
      const group = groups.at(-1);
      if (group !== undefined && this.joins(spans, group, span)) group.push(index);
      else groups.push([index]);
    }
    for (let from = 0; from < groups.length; from += PARALLEL_READS) {
      const batch = groups.slice(from, from + PARALLEL_READS).map((group) => this.readGroup(spans, group, out, written));
      await Promise.all(from === 0 ? [...batch, ...reads] : batch);
    }
    if (groups.length === 0) await Promise.all(reads);
    return out;
  }

  /** The record `span` names, copied from the newest written bytes, when they still hold it. */
  private recentRecord(span: ReadSpan): Buffer | undefined {
    if (!Number.isSafeInteger(span.offset) || span.offset < this.source.minOffset || span.size < RECORD_FIXED_BYTES) return undefined;
    const record = this.source.writer.recent.read(span.offset, span.size);
    return record !== undefined && isRecordAt(record, span.offset, span.size) ? record : undefined;
  }

  /** Whether `span` can be read together with `group` (close enough, same segment, bounded). */
  private joins(spans: readonly ReadSpan[], group: readonly number[], span: ReadSpan): boolean {
    const first = spans[group[0] as number] as ReadSpan;
    const last = spans[group.at(-1) as number] as ReadSpan;
    return (
      span.offset - (last.offset + last.size) <= COALESCE_GAP_BYTES &&
      span.offset + span.size - first.offset <= COALESCE_SPAN_BYTES &&
      this.source.file.segmentStart(span.offset) === this.source.file.segmentStart(first.offset)
    );
  }

  async readStoreTimestamp(offset: number): Promise<number | undefined> {
    const { minOffset, maxOffset } = this.source;
    if (!Number.isSafeInteger(offset) || offset < minOffset || offset >= maxOffset) return undefined;
    let header = this.source.writer.readStaged(offset);
    if (header === undefined) {
      const limit = this.readLimit(offset);
      if (limit < RECORD_FIXED_BYTES) return undefined;
      header = Buffer.alloc(Math.min(STORE_TIMESTAMP_HEADER_BYTES, limit));
      header = header.subarray(0, await this.source.file.read(offset, header, 0, header.length));
    }
    if (!isRecordAt(header, offset)) return undefined;
    const at = storeTimestampAt(header.readInt32BE(RecordOffset.SYS_FLAG));
    return header.length >= at + 8 ? readLong(header, at) : undefined;
  }

  /** Bytes a record at `offset` can have: to the segment's end, or to what is written. */
  private readLimit(offset: number): number {
    const segmentEnd = this.source.file.segmentStart(offset) + this.source.segmentBytes;
    return Math.min(segmentEnd, this.source.writer.writtenOffset) - offset;
  }

  private isReadable(span: ReadSpan, written: number): boolean {
    return (
      Number.isSafeInteger(span.offset) &&
      span.size >= RECORD_FIXED_BYTES &&
      span.offset >= this.source.minOffset &&
      span.offset + span.size <= written &&
      span.offset + span.size <= this.source.file.segmentStart(span.offset) + this.source.segmentBytes
    );
  }

  /**
   * Copies `group`'s records that check out into one buffer of their own, back to back in file
   * order (a pull's records, ascending, come out as adjacent views: joinRecords() hands them on
   * without another copy), from the chunks its range lies in (at most two; a larger range, a big
   * record, is read directly). A record that does not check out drops its chunks, so the next
   * pull reads the file again rather than the same bad bytes.
   */
  private async readGroup(spans: readonly ReadSpan[], group: readonly number[], out: (Buffer | undefined)[], written: number): Promise<void> {
    const first = spans[group[0] as number] as ReadSpan;
    const last = spans[group.at(-1) as number] as ReadSpan;
    const end = last.offset + last.size;
    const firstStart = this.chunks.chunkStart(first.offset);
    const secondStart = firstStart + CHUNK_BYTES;
    if (end > secondStart + CHUNK_BYTES || (end > secondStart && this.chunks.chunkStart(secondStart) !== secondStart)) {
      return this.readGroupDirect(spans, group, out);
    }
    const settled = await Promise.allSettled(
      end > secondStart ? [this.chunks.chunk(firstStart, secondStart, written), this.chunks.chunk(secondStart, end, written)] : [this.chunks.chunk(firstStart, end, written)],
    );
    const chunks = settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    try {
      for (const outcome of settled) if (outcome.status === 'rejected') throw outcome.reason;
      const records = Buffer.allocUnsafe(group.reduce((sum, index) => sum + (spans[index] as ReadSpan).size, 0));
      let at = 0;
      for (const index of group) {
        const span = spans[index] as ReadSpan;
        if (copyFromChunks(chunks, span.offset, span.size, records, at) && isRecordAt(records, span.offset, span.size, at, at + span.size)) {
          out[index] = records.subarray(at, at + span.size);
          at += span.size;
        } else {
          for (const chunk of chunks) this.chunks.forget(chunk);
        }
      }
    } finally {
      for (const chunk of chunks) this.chunks.release(chunk);
    }
  }

  /** A range too large for two chunks: read into a pooled buffer (or one of its own), the records copied out. */
  private async readGroupDirect(spans: readonly ReadSpan[], group: readonly number[], out: (Buffer | undefined)[]): Promise<void> {
    const first = spans[group[0] as number] as ReadSpan;
    const last = spans[group.at(-1) as number] as ReadSpan;
    const length = last.offset + last.size - first.offset;
    const bytes = this.buffers.take(length);
    try {
      const got = await this.source.file.read(first.offset, bytes, 0, length);
      const whole = group.filter((index) => {
        const span = spans[index] as ReadSpan;
        const from = span.offset - first.offset;
        return from + span.size <= got && isRecordAt(bytes, span.offset, span.size, from, from + span.size);
      });
      const records = Buffer.allocUnsafe(whole.reduce((sum, index) => sum + (spans[index] as ReadSpan).size, 0));
      let at = 0;
      for (const index of whole) {
        const span = spans[index] as ReadSpan;
        const from = span.offset - first.offset;
        bytes.copy(records, at, from, from + span.size);
        out[index] = records.subarray(at, at + span.size);
        at += span.size;
      }
    } finally {
      this.buffers.give(bytes);
    }
  }
}
