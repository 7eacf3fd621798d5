/**
 * segmented-file.ts: one logical byte sequence kept as fixed-size segment files in one folder,
 * each named by its 20-digit zero-padded start offset (00000000000000000000,
 * 00000000001073741824, ...), as RocketMQ's MappedFileQueue names CommitLog and ConsumeQueue files.
 * Used by the CommitLog and by every ConsumeQueue.
 *
 * Invariants: segments are contiguous from the first one on (start = first + k * segmentBytes);
 * no segment file is longer than segmentBytes; reads and writes never cross into a file the
 * offset does not belong to. Files are not preallocated: a segment's file size is how far it
 * was written. Must not: interpret the bytes; decide what is valid data (callers do).
 */
import { dirname, join } from 'node:path';
import type { FilePool } from './file-pool.js';
import { readFully } from './store-file.js';

export const SEGMENT_NAME_DIGITS = 20;

export function segmentName(startOffset: number): string {
  return String(startOffset).padStart(SEGMENT_NAME_DIGITS, '0');
}

/** The start offset a segment file name stands for, or undefined when it is not one. */
export function parseSegmentName(name: string): number | undefined {
  if (name.length !== SEGMENT_NAME_DIGITS || !/^\d+$/.test(name)) return undefined;
  const value = Number(name);
  return Number.isSafeInteger(value) ? value : undefined;
}

export class SegmentLayoutError extends Error {
  override name = 'SegmentLayoutError';
}

export class SegmentedFile {
  /** Start offsets of the segment files, ascending. */
  private starts: number[] = [];
  /** Segments whose file is being created (concurrent writers wait for it). */
  private readonly creating = new Map<number, Promise<void>>();
  /** Files were created or removed in the folder since its last fsync. */
  private dirDirty = false;
  /** Folders that hold the entry of a folder created for this file (its parent, maybe more), to fsync. */
  private parentsDirty: string[] = [];

  constructor(
    private readonly pool: FilePool,
    readonly dir: string,
    readonly segmentBytes: number,
  ) {}

  /** The start offset of the segment holding `offset`. */
  segmentStart(offset: number): number {
    return offset - (offset % this.segmentBytes);
  }

  /** Start of the first segment file (0 when there is none). */
  get firstStart(): number {
    return this.starts[0] ?? 0;
  }

  /** Start of the last segment file, if any. */
  get lastStart(): number | undefined {
    return this.starts.at(-1);
  }

  get segmentStarts(): readonly number[] {
    return this.starts;
  }

  /**
   * Lists the folder and checks the layout; returns the end of the data (last start + its file
   * size), or undefined when there is no segment. Throws SegmentLayoutError on a gap, a stray
   * offset or an oversized file: the caller must not guess what such a folder means.
   */
  async load(): Promise<number | undefined> {
    const names = await this.pool.fs.list(this.dir);
    const starts = names.map(parseSegmentName).filter((start): start is number => start !== undefined);
    starts.sort((a, b) => a - b);
    for (const [index, start] of starts.entries()) {
      if (start % this.segmentBytes !== 0) {
        throw new SegmentLayoutError(`${join(this.dir, segmentName(start))} does not start at a multiple of ${this.segmentBytes}`);
      }
      const previous = starts[index - 1];
      if (previous !== undefined && start !== previous + this.segmentBytes) {
        throw new SegmentLayoutError(`${this.dir}: segment ${segmentName(previous + this.segmentBytes)} is missing`);
      }
    }
    this.starts = starts;
    const last = starts.at(-1);
    if (last === undefined) return undefined;
    return last + (await this.fileSize(last));
  }

  /** Bytes in the file of the segment starting at `start` (0 when it has none). */
  async fileSize(start: number): Promise<number> {
    if (!this.has(start)) return 0;
    const size = await this.pool.use(this.pathOf(start), (file) => file.size());
    if (size > this.segmentBytes) {
      throw new SegmentLayoutError(`${this.pathOf(start)} is ${size} bytes, over the segment size ${this.segmentBytes}`);
    }
    return size;
  }

  pathOf(start: number): string {
    return join(this.dir, segmentName(start));
  }

  /** Writes source[sourceOffset, +length) at `position`, creating segment files as needed. */
  async write(position: number, source: Buffer, sourceOffset: number, length: number): Promise<void> {
    let done = 0;
    while (done < length) {
      const at = position + done;
      const start = this.segmentStart(at);
      const chunk = Math.min(length - done, start + this.segmentBytes - at);
      await this.ensureSegment(start);
      await this.pool.use(this.pathOf(start), (file) => file.writeAt(source, sourceOffset + done, chunk, at - start));
      done += chunk;
    }
  }

  /**
   * Reads up to `length` bytes at `position`; returns how many. Short reads are read on until the
   * segment's file ends; the read stops there (it never skips into the next segment).
   */
  async read(position: number, target: Buffer, targetOffset: number, length: number): Promise<number> {
    let done = 0;
    while (done < length) {
      const at = position + done;
      const start = this.segmentStart(at);
      if (!this.has(start)) break;
      const chunk = Math.min(length - done, start + this.segmentBytes - at);
      const read = await this.pool.use(this.pathOf(start), (file) => readFully(file, target, targetOffset + done, chunk, at - start));
      done += read;
      if (read < chunk) break;
    }
    return done;
  }

  /**
   * fdatasyncs every segment holding bytes of [from, to); first fsyncs the folder when segment
   * files were created or removed since the last time (and its parents when it was created), so
   * a power loss cannot lose a file whose data was synced.
   */
  async sync(from: number, to: number): Promise<void> {
    if (this.dirDirty || this.parentsDirty.length > 0) {
      const parents = this.parentsDirty;
      this.dirDirty = false;
      this.parentsDirty = [];
      try {
        await this.pool.fs.syncDir(this.dir);
        for (const dir of parents) await this.pool.fs.syncDir(dir);
      } catch (error) {
        this.dirDirty = true;
        this.parentsDirty = [...parents, ...this.parentsDirty];
        throw error;
      }
    }
    if (to <= from) return;
    for (let start = this.segmentStart(from); start < to; start += this.segmentBytes) {
      if (this.has(start)) await this.pool.use(this.pathOf(start), (file) => file.datasync());
    }
  }

  /** Drops every byte at or after `offset`: truncates its segment, removes the later ones. */
  async truncate(offset: number): Promise<void> {
    const keep = this.segmentStart(offset);
    for (const start of this.starts.filter((candidate) => candidate > keep || (candidate === keep && offset === keep))) {
      await this.pool.forget(this.pathOf(start));
      await this.pool.fs.remove(this.pathOf(start));
    }
    this.starts = this.starts.filter((start) => start < keep || (start === keep && offset > keep));
    if (this.has(keep)) await this.pool.use(this.pathOf(keep), (file) => file.truncate(offset - keep));
    this.dirDirty = true;
  }

  /** Creates the (empty) file of the segment holding `offset` when it has none yet. */
  async ensureFile(offset: number): Promise<void> {
    await this.ensureSegment(this.segmentStart(offset));
  }

  /**
   * Retention: forgets the first segment, so reads and writes no longer reach it; returns its
   * start. The caller closes and removes the file (pathOf).
   */
  dropFirst(): number | undefined {
    return this.starts.shift();
  }

  /** Closes and removes every segment file and the folder. */
  async removeAll(): Promise<void> {
    for (const start of this.starts) await this.pool.forget(this.pathOf(start));
    this.starts = [];
    await this.pool.fs.removeTree(this.dir);
  }

  /** Whether a segment file starts at `start` (segments are contiguous, so this is arithmetic). */
  private has(start: number): boolean {
    const first = this.starts[0];
    if (first === undefined || start < first || (start - first) % this.segmentBytes !== 0) return false;
    return (start - first) / this.segmentBytes < this.starts.length;
  }

  /**
   * Creates the file of the segment starting at `start`, and of any segment missing before it:
   * concurrent group writes may reach a later segment before an earlier write creates its own.
   * Segments are registered synchronously (in order) and the folder is marked for an fsync only
   * once a file exists, so a concurrent sync() never misses one.
   */
  private async ensureSegment(start: number): Promise<void> {
    if (this.has(start)) {
      await this.creating.get(start);
      return;
    }
    const last = this.starts.at(-1);
    if (last !== undefined && start < last) {
      throw new SegmentLayoutError(`${this.dir}: writing segment ${segmentName(start)} before ${segmentName(last)}`);
    }
    const first = last === undefined ? start : last + this.segmentBytes;
    const created: Promise<void>[] = [];
    for (let next = first; next <= start; next += this.segmentBytes) {
      this.starts.push(next);
      const creation = this.create(next, last === undefined && next === first);
      this.creating.set(next, creation);
      created.push(creation.finally(() => this.creating.delete(next)));
    }
    await Promise.all(created);
  }

  private async create(start: number, withFolder: boolean): Promise<void> {
    if (withFolder) {
      // Every folder ensureDir creates needs its parent fsync'ed: <cq>/<topic>/<queueId> may create all three.
      const missing: string[] = [];
      for (let dir = this.dir; dirname(dir) !== dir && !(await this.pool.fs.exists(dir)); dir = dirname(dir)) missing.push(dir);
      await this.pool.fs.ensureDir(this.dir);
      this.parentsDirty.push(...missing.map((dir) => dirname(dir)));
    }
    await this.pool.use(this.pathOf(start), async () => undefined);
    this.dirDirty = true;
  }
}
