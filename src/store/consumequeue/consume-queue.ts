/**
 * consume-queue.ts: one topic/queueId's ConsumeQueue: the index of its messages in the CommitLog,
 * entry n (20 bytes, cq-entry.ts) at byte n * 20 of files <consumequeue>/<topic>/<queueId>/<20-digit start>.
 *
 * Entries are appended in memory (dispatch) and written to the files later by writePending(), on
 * the ConsumeQueue flush schedule; sync() fdatasyncs what was written. A small in-memory tail keeps
 * the newest entries, so consumers that follow the tail never read the files; consumers reading
 * a backlog are served from a read-ahead chunk (read-cache.ts) between file reads.
 *
 * Invariants: tailStart <= writtenOffset <= maxOffset, minOffset <= maxOffset (retention may move
 * minOffset past tailStart when every entry points below the CommitLog), syncedOffset <= writtenOffset;
 * entries [tailStart, maxOffset) are in the tail, entries below writtenOffset are in the files;
 * only written entries ever leave the tail, so the tail grows past its usual size only while
 * writes lag (the ConsumeQueueStore bounds that). Entries are appended in queue-offset order: an
 * entry below maxOffset is a re-dispatch and is ignored, one above it is a gap and is refused.
 * File I/O of one queue is serialized. Must not: read or know the CommitLog.
 */
import { decodeCqEntry, encodeCqEntry, isCqEntryValid, CQ_ENTRY_BYTES, type CqEntry } from './cq-entry.js';
import type { SegmentedFile } from '../file/segmented-file.js';
import { SerialExecutor } from '../serial-executor.js';
import { CqReadCache, READ_AHEAD_ENTRIES } from './read-cache.js';

/** An entry with the queue offset it must land at. */
export interface QueuedCqEntry extends CqEntry {
  readonly queueOffset: number;
}

export type AppendOutcome = 'APPENDED' | 'DUPLICATE' | 'GAP';

/** Entries the tail starts with; it doubles up to `tailEntries` before dropping written ones. */
const TAIL_ENTRIES_INITIAL = 8;
/** Entries read from the end of the files in one go while loading. */
const LOAD_PROBE_ENTRIES = 204;
/** Reads of at least this many entries (a pull's) read ahead into the read cache. */
const READ_AHEAD_FROM = 32;

export class ConsumeQueue {
  private min = 0;
  private max = 0;
  private written = 0;
  private synced = 0;
  private tailStart = 0;
  private tail: Buffer = Buffer.alloc(0);
  private removed = false;
  private readonly io = new SerialExecutor();

  constructor(
    readonly topic: string,
    readonly queueId: number,
    private readonly file: SegmentedFile,
    /** Entries the tail keeps in memory when nothing is waiting to be written. */
    private readonly tailEntries: number,
    /** Entries last read from the files, shared by the store's queues (read-cache.ts). */
    private readonly readCache = new CqReadCache(1),
  ) {}

  get minOffset(): number {
    return this.min;
  }

  /** The next queue offset (one past the last entry). */
  get maxOffset(): number {
    return this.max;
  }

  /** Entries appended but not yet written to the files. */
  get pendingEntries(): number {
    return this.max - this.written;
  }

  /** Bytes the in-memory tail holds. */
  get memoryBytes(): number {
    return this.tail.length;
  }

  /** Bytes written to the files but not yet fdatasync'ed. */
  get unsyncedBytes(): number {
    return (this.written - this.synced) * CQ_ENTRY_BYTES;
  }

  /**
   * Loads the files, keeping the entries that are valid and point below `safeCommitLogOffset`
   * (those were synced with the CommitLog, see checkpoint/); drops the rest. Returns how many
   * entries were dropped.
   */
  async load(safeCommitLogOffset: number): Promise<number> {
    const endBytes = await this.file.load();
    const first = this.file.firstStart / CQ_ENTRY_BYTES;
    const fileEntries = endBytes === undefined ? first : Math.floor(endBytes / CQ_ENTRY_BYTES);
    const keep = await this.findFirstDropped(first, fileEntries, safeCommitLogOffset);
    if (endBytes !== undefined && keep * CQ_ENTRY_BYTES < endBytes) await this.file.truncate(keep * CQ_ENTRY_BYTES);
    this.min = first;
    this.max = keep;
    this.written = keep;
    this.synced = keep;
    this.tailStart = keep;
    return fileEntries - keep;
  }

  append(entry: QueuedCqEntry): AppendOutcome {
    if (entry.queueOffset < this.max) return 'DUPLICATE';
    if (entry.queueOffset > this.max) return 'GAP';
    const count = this.max - this.tailStart;
    if ((count + 1) * CQ_ENTRY_BYTES > this.tail.length) this.makeRoom(count);
    encodeCqEntry(entry, this.tail, (this.max - this.tailStart) * CQ_ENTRY_BYTES);
    this.max += 1;
    return 'APPENDED';
  }

  /**
   * Entries [from, from + count) clipped to the queue, as consecutive 20-byte entries. Fewer
   * come back only when the files end early (removed meanwhile): always a prefix. Read-only: the
   * result may be a view of the read cache (a pull through a backlog then allocates nothing here;
   * a copy of up to 800 entries per pull was a fifth of the broker's buffer churn in a drain).
   */
  async read(from: number, count: number): Promise<Buffer> {
    const start = Math.max(from, this.min);
    const end = Math.min(from + count, this.max);
    if (this.removed || start !== from || end <= start) return Buffer.alloc(0);
    const cached = this.readCache.view(this, start, end);
    if (cached !== undefined) return cached;
    const out = Buffer.allocUnsafe((end - start) * CQ_ENTRY_BYTES);
    // Entries below the tail are in the files; copy the tail part first, before any await.
    const diskEnd = Math.min(end, Math.max(start, this.tailStart));
    if (diskEnd < end) {
      this.tail.copy(out, (diskEnd - start) * CQ_ENTRY_BYTES, (diskEnd - this.tailStart) * CQ_ENTRY_BYTES, (end - this.tailStart) * CQ_ENTRY_BYTES);
    }
    if (start < diskEnd && !this.readCache.copy(this, start, diskEnd, out, 0)) {
      const got = await this.readFiles(start, diskEnd, out);
      if (got < diskEnd - start) return out.subarray(0, got * CQ_ENTRY_BYTES);
    }
    return out;
  }

  /**
   * Entries [start, end) from the files into `out`; returns how many were read. A read the size
   * of a pull's (READ_AHEAD_FROM entries or more) reads up to READ_AHEAD_ENTRIES more written
   * entries and keeps them all in the read cache; a point read (a search, entryAt) does not.
   */
  private async readFiles(start: number, end: number, out: Buffer): Promise<number> {
    if (end - start < READ_AHEAD_FROM) {
      return Math.floor((await this.file.read(start * CQ_ENTRY_BYTES, out, 0, (end - start) * CQ_ENTRY_BYTES)) / CQ_ENTRY_BYTES);
    }
    const aheadEnd = Math.max(end, Math.min(end + READ_AHEAD_ENTRIES, this.written));
    const chunk = Buffer.allocUnsafe((aheadEnd - start) * CQ_ENTRY_BYTES);
    const got = Math.floor((await this.file.read(start * CQ_ENTRY_BYTES, chunk, 0, chunk.length)) / CQ_ENTRY_BYTES);
    const kept = chunk.subarray(0, got * CQ_ENTRY_BYTES);
    if (!this.removed) this.readCache.keep(this, start, kept);
    const wanted = Math.min(got, end - start);
    kept.copy(out, 0, 0, wanted * CQ_ENTRY_BYTES);
    return wanted;
  }

  /** The entry at `queueOffset`, or undefined outside [minOffset, maxOffset) or when unreadable. */
  async entryAt(queueOffset: number): Promise<CqEntry | undefined> {
    const bytes = await this.read(queueOffset, 1);
    return bytes.length === CQ_ENTRY_BYTES ? decodeCqEntry(bytes, 0) : undefined;
  }

  /** Writes the entries appended so far to the files. */
  writePending(): Promise<void> {
    return this.io.run(async () => {
      const from = this.written;
      const to = this.max;
      // A removed queue's files are gone: writing would open (create) them again.
      if (to <= from || this.removed) return;
      const bytes = Buffer.from(this.tail.subarray((from - this.tailStart) * CQ_ENTRY_BYTES, (to - this.tailStart) * CQ_ENTRY_BYTES));
      await this.file.write(from * CQ_ENTRY_BYTES, bytes, 0, bytes.length);
      this.written = Math.max(this.written, to);
      this.shrinkTail();
    });
  }

  /** fdatasyncs what writePending wrote. */
  sync(): Promise<void> {
    return this.io.run(async () => {
      const target = this.written;
      if (this.removed) return;
      await this.file.sync(this.synced * CQ_ENTRY_BYTES, target * CQ_ENTRY_BYTES);
      this.synced = Math.max(this.synced, target);
    });
  }

  /** Drops every entry at or after `queueOffset` (recovery only: nothing else may run). */
  truncate(queueOffset: number): Promise<void> {
    return this.io.run(async () => {
      if (queueOffset >= this.max) return;
      const keep = Math.max(queueOffset, this.min);
      if (keep < this.written) await this.file.truncate(keep * CQ_ENTRY_BYTES);
      this.readCache.drop(this);
      this.max = keep;
      this.written = Math.min(this.written, keep);
      this.synced = Math.min(this.synced, keep);
      if (keep < this.tailStart) this.tailStart = keep;
    });
  }

  /**
   * Retention: drops the files whose entries all point below `minPhyOffset` (never the last one)
   * and moves minOffset to the first entry at or past it (RocketMQ's deleteExpiredFile and
   * correctMinOffset). Returns the dropped files' paths; the caller removes them.
   */
  deleteBelow(minPhyOffset: number): Promise<string[]> {
    return this.io.run(async () => {
      const dropped: string[] = [];
      while (!this.removed && this.file.segmentStarts.length > 1) {
        const first = this.file.firstStart;
        const lastEntry = (first + this.file.segmentBytes) / CQ_ENTRY_BYTES - 1;
        const bytes = Buffer.alloc(CQ_ENTRY_BYTES);
        const got = await this.file.read(lastEntry * CQ_ENTRY_BYTES, bytes, 0, CQ_ENTRY_BYTES);
        const entry = got === CQ_ENTRY_BYTES ? decodeCqEntry(bytes, 0) : undefined;
        // An unreadable last entry is kept: only a file proven to be below the minimum goes.
        if (entry === undefined || !isCqEntryValid(entry) || entry.commitLogOffset >= minPhyOffset) break;
        this.file.dropFirst();
        this.min = Math.min(Math.max(this.min, lastEntry + 1), this.max);
        dropped.push(this.file.pathOf(first));
      }
      await this.correctMin(minPhyOffset);
      return dropped;
    });
  }

  /** Moves minOffset past the entries that point below `minPhyOffset` (start, after retention). */
  correctMinOffset(minPhyOffset: number): Promise<void> {
    return this.io.run(() => this.correctMin(minPhyOffset));
  }

  /** Removes the files (DELETE_TOPIC); from now on reads find nothing. */
  remove(): Promise<void> {
    this.removed = true;
    this.readCache.drop(this);
    return this.io.run(() => this.file.removeAll());
  }

  /**
   * The first queue offset in [low, high) whose entry is invalid or points at or past
   * `limit`; high when there is none. Entries point forward in the CommitLog as the queue offset
   * grows, so the kept entries are a prefix: probe the end, then search by halves.
   */
  private async findFirstDropped(low: number, high: number, limit: number): Promise<number> {
    if (high <= low) return low;
    const kept = (entry: CqEntry): boolean => isCqEntryValid(entry) && entry.commitLogOffset < limit;
    const probeFrom = Math.max(low, high - LOAD_PROBE_ENTRIES);
    const probe = Buffer.alloc((high - probeFrom) * CQ_ENTRY_BYTES);
    const got = await this.file.read(probeFrom * CQ_ENTRY_BYTES, probe, 0, probe.length);
    const probed = Math.floor(got / CQ_ENTRY_BYTES);
    if (probed > 0 && kept(decodeCqEntry(probe, 0))) {
      for (let index = 1; index < probed; index++) {
        if (!kept(decodeCqEntry(probe, index * CQ_ENTRY_BYTES))) return probeFrom + index;
      }
      return probeFrom + probed;
    }
    let first = low;
    let last = probeFrom;
    const one = Buffer.alloc(CQ_ENTRY_BYTES);
    while (first < last) {
      const middle = Math.floor((first + last) / 2);
      const read = await this.file.read(middle * CQ_ENTRY_BYTES, one, 0, CQ_ENTRY_BYTES);
      if (read === CQ_ENTRY_BYTES && kept(decodeCqEntry(one, 0))) first = middle + 1;
      else last = middle;
    }
    return first;
  }

  /** Entries ascend in the CommitLog: the first one at or past `minPhyOffset`, by halves. */
  private async correctMin(minPhyOffset: number): Promise<void> {
    if (this.removed || this.max <= this.min) return;
    const pointsAtOrPast = async (queueOffset: number): Promise<boolean> => {
      const entry = await this.entryAt(queueOffset);
      return entry !== undefined && isCqEntryValid(entry) && entry.commitLogOffset >= minPhyOffset;
    };
    if (await pointsAtOrPast(this.min)) return;
    let low = this.min + 1;
    let high = this.max;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      if (await pointsAtOrPast(middle)) high = middle;
      else low = middle + 1;
    }
    if (low > this.min) this.min = low;
  }

  private makeRoom(count: number): void {
    const droppable = this.written - this.tailStart;
    if (count >= this.tailEntries && droppable > 0) {
      const drop = Math.min(droppable, Math.max(1, count - Math.floor(this.tailEntries / 2)));
      this.tail.copyWithin(0, drop * CQ_ENTRY_BYTES, count * CQ_ENTRY_BYTES);
      this.tailStart += drop;
      return;
    }
    const grown = Buffer.alloc(Math.max(TAIL_ENTRIES_INITIAL, count * 2) * CQ_ENTRY_BYTES);
    this.tail.copy(grown, 0, 0, count * CQ_ENTRY_BYTES);
    this.tail = grown;
  }

  /** After a write, gives back a tail that grew while writes lagged. */
  private shrinkTail(): void {
    if (this.tail.length <= this.tailEntries * CQ_ENTRY_BYTES) return;
    const count = this.max - this.tailStart;
    const keepFrom = Math.max(this.tailStart, Math.min(this.written, this.max - Math.floor(this.tailEntries / 2)));
    const keep = this.max - keepFrom;
    if (keep > this.tailEntries) return;
    const smaller = Buffer.alloc(this.tailEntries * CQ_ENTRY_BYTES);
    this.tail.copy(smaller, 0, (keepFrom - this.tailStart) * CQ_ENTRY_BYTES, count * CQ_ENTRY_BYTES);
    this.tail = smaller;
    this.tailStart = keepFrom;
  }
}
