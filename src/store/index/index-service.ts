/**
 * index-service.ts: the IndexFiles of the store (RocketMQ IndexService): builds index entries for
 * every stored message's keys, answers lookups by key, flushes on its own schedule and deletes
 * files below the CommitLog's minimum offset.
 *
 * Indexing runs behind the puts, in one worker: dispatch() only queues the written messages
 * (never waits, never does I/O), and the worker indexes them in CommitLog order. When the queue
 * is full it is dropped and the worker catches up by reading the CommitLog from where it stopped
 * (the same path rebuilds what a crash lost at start), so the index lags under overload instead
 * of slowing sends. A lookup only reads, and runs beside the worker.
 *
 * Safe point: after a flush every message below `safeMark.offset` is indexed on disk (and the
 * CommitLog is fdatasync'ed that far first, so no entry points at bytes a crash can lose); the
 * checkpoint records it as indexSafeOffset / indexMsgTimestamp and the next start re-indexes from
 * there. Entries already in the files are not indexed twice: a message at or below the last
 * file's endPhyOffset is skipped.
 *
 * Invariants: only the last file is writable; the worker is the only writer and runs one step at
 * a time (index a batch, catch up a bounded stretch, flush); the queue holds at most
 * INDEX_QUEUE_MESSAGES_MAX messages. Must not: block or fail a put; delete the last file.
 */
import { basename, join } from 'node:path';
import type { Clock } from '../../time/index.js';
import type { Logger } from '../../log/index.js';
import type { OffsetMark } from '../checkpoint/checkpoint-service.js';
import type { FilePool } from '../file/file-pool.js';
import { IndexFile, type IndexGeometry } from './index-file.js';
import { indexKeyHashes, type IndexableMessage } from './index-keys.js';
import { buildIndexKey, FIRST_INDEX, indexFileName, indexKeyHash, parseIndexFileName } from './index-layout.js';

/** Messages waiting for the worker before it drops them and catches up from the CommitLog. */
export const INDEX_QUEUE_MESSAGES_MAX = 64 * 1024;
/** Entries kept in memory before they are written to the file. */
const TAIL_ENTRIES_MAX = 16 * 1024;
/** CommitLog bytes one catch-up step reads, so flushes and shutdown get their turn. */
const CATCH_UP_STEP_BYTES = 64 * 1024 * 1024;
/** Slot values of sealed files kept in memory for lookups. */
const SLOT_CACHE_ENTRIES = 4096;
/** The keys of a message already indexed before a crash: none are put again. */
const NO_HASHES: readonly number[] = [];

export interface IndexServiceOptions {
  readonly pool: FilePool;
  readonly dir: string;
  readonly geometry: IndexGeometry;
  readonly maxMsgsNumBatch: number;
  readonly flushIntervalMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Calls onRecord for each record of [from, until) read from the CommitLog; resolves where it stopped. */
  readonly scanCommitLog: (from: number, until: number, onRecord: (message: IndexableMessage) => Promise<void>) => Promise<number>;
  /** fdatasyncs the CommitLog as far as it is written. */
  readonly syncCommitLog: () => Promise<void>;
  /** End of the messages dispatched so far (written to the CommitLog). */
  readonly dispatched: () => OffsetMark;
  readonly commitLogMinOffset: () => number;
}

export interface QueryOffsetResult {
  /** CommitLog offsets of the matches, newest first. */
  readonly phyOffsets: number[];
  readonly indexLastUpdateTimestamp: number;
  readonly indexLastUpdatePhyoffset: number;
}

type WorkerState = 'CATCHING_UP' | 'QUEUEING' | 'STOPPING' | 'STOPPED' | 'FAILED';

export class IndexService {
  private files: IndexFile[] = [];
  private state: WorkerState = 'STOPPED';
  private batches: IndexableMessage[][] = [];
  private queued = 0;
  private indexedEnd = 0;
  private indexedTimestamp = 0;
  /** Messages at or below this offset are in the files already (-1: none is). */
  private indexedThrough = -1;
  private safe: OffsetMark = { offset: 0, storeTimestamp: 0 };
  private flushDue = false;
  private wakeUp: (() => void) | undefined;
  private worker: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly slotCache = new Map<string, number>();
  /** indexNow's key hashes, reused for every message. */
  private readonly hashes: number[] = [];

  constructor(private readonly options: IndexServiceOptions) {}

  /** Every message below this offset is indexed on disk. */
  get safeMark(): OffsetMark {
    return this.safe;
  }

  get fileCount(): number {
    return this.files.length;
  }

  /** How far the worker got (tests, metrics). */
  get indexedOffset(): number {
    return this.indexedEnd;
  }

  get failed(): boolean {
    return this.state === 'FAILED';
  }

  /**
   * Opens the files found on disk. Files whose entries reach `commitLogEnd` or past it are removed
   * (the CommitLog lost what they point at); the last file is made writable (its slots repaired).
   * `checkpointSafe` is the indexSafeOffset of the last checkpoint, if any.
   */
  async load(commitLogEnd: number, checkpointSafe: number | undefined): Promise<void> {
    const { pool, dir, geometry, logger } = this.options;
    const names = (await pool.fs.list(dir)).filter((name) => parseIndexFileName(name) !== undefined).sort();
    for (const name of names) this.files.push(await IndexFile.open(pool, join(dir, name), geometry));
    let dropped = false;
    for (let last = this.files.at(-1); last !== undefined && last.header.endPhyOffset >= commitLogEnd; last = this.files.at(-1)) {
      logger.warn({ file: last.path, endPhyOffset: last.header.endPhyOffset, commitLogEnd }, 'index file points past the CommitLog end; rebuilding it');
      await this.remove(last);
      dropped = true;
    }
    const last = this.files.at(-1);
    const hasEntries = this.files.some((file) => file.header.indexCount > 1);
    this.indexedThrough = hasEntries && last !== undefined ? last.header.endPhyOffset : -1;
    const trusted = !dropped && checkpointSafe !== undefined && checkpointSafe <= commitLogEnd ? checkpointSafe : undefined;
    let start = Math.max(this.indexedThrough, trusted ?? this.indexedThrough);
    if (!hasEntries && trusted === undefined) start = 0;
    start = Math.min(Math.max(start, this.options.commitLogMinOffset()), commitLogEnd);
    if (last !== undefined && !last.isFull) {
      const repaired = await last.makeWritable();
      if (repaired > 0) logger.warn({ file: last.path, repaired }, 'index file: repaired hash slots past the last flush');
    }
    this.indexedEnd = start;
    this.indexedTimestamp = last?.header.endTimestamp ?? 0;
    this.safe = { offset: start, storeTimestamp: this.indexedTimestamp };
    logger.info({ files: this.files.length, rebuildFrom: start, commitLogEnd }, 'index files loaded');
  }

  /** Starts the worker (it first catches up from the CommitLog) and the flush schedule. */
  start(): void {
    this.state = 'CATCHING_UP';
    this.worker = this.run();
    this.timer = setInterval(() => {
      this.flushDue = true;
      this.wake();
    }, this.options.flushIntervalMs);
    this.timer.unref();
  }

  /** Indexes what is queued, stops the worker and flushes; the files stay open in the pool. */
  async shutdown(): Promise<void> {
    clearInterval(this.timer);
    if (this.state === 'QUEUEING' || this.state === 'CATCHING_UP') this.state = 'STOPPING';
    this.wake();
    await this.worker;
    if (this.state !== 'STOPPED') return;
    try {
      await this.flush();
    } catch (error) {
      // Not thrown: the checkpoint keeps the last safe point and the next start re-indexes from it.
      this.options.logger.error({ err: error }, 'index flush at shutdown failed');
    }
  }

  /** Queues written messages for indexing. Never waits: on overflow the worker reads the CommitLog instead. */
  dispatch(messages: readonly IndexableMessage[]): void {
    if (this.state !== 'QUEUEING' || messages.length === 0) return;
    if (this.queued + messages.length > INDEX_QUEUE_MESSAGES_MAX) {
      this.batches = [];
      this.queued = 0;
      this.state = 'CATCHING_UP';
    } else {
      this.batches.push(messages.slice());
      this.queued += messages.length;
    }
    this.wake();
  }

  /**
   * IndexService.queryOffset: the newest matches of `key` stored within [begin, end], at most
   * min(maxNum, maxMsgsNumBatch), walking the files from the newest.
   */
  async queryOffset(topic: string, key: string, maxNum: number, begin: number, end: number): Promise<QueryOffsetResult> {
    const wanted = Math.min(maxNum, this.options.maxMsgsNumBatch);
    const phyOffsets: number[] = [];
    const files = this.files.slice();
    const last = files.at(-1);
    const result = { phyOffsets, indexLastUpdateTimestamp: last?.header.endTimestamp ?? 0, indexLastUpdatePhyoffset: last?.header.endPhyOffset ?? 0 };
    if (wanted <= 0) return result;
    const keyHash = indexKeyHash(buildIndexKey(topic, key));
    for (let index = files.length - 1; index >= 0; index--) {
      const file = files[index] as IndexFile;
      if (file.isTimeMatched(begin, end)) await file.select(keyHash, begin, end, wanted, phyOffsets, (sealed, slot) => this.readSlot(sealed, slot));
      if (file.header.beginTimestamp < begin || phyOffsets.length >= wanted) break;
    }
    return result;
  }

  /**
   * Retention: drops the oldest files whose entries all point below `minPhyOffset`, never the
   * last one, at most `batchMax`; lookups stop reading them at once. Returns their paths: the
   * caller removes the files.
   */
  dropExpired(minPhyOffset: number, batchMax: number): string[] {
    const paths: string[] = [];
    while (paths.length < batchMax && this.files.length > 1) {
      const first = this.files[0] as IndexFile;
      if (first.header.endPhyOffset >= minPhyOffset) break;
      this.options.logger.info({ file: first.path, endPhyOffset: first.header.endPhyOffset, minPhyOffset }, 'deleting an expired index file');
      this.drop(first);
      paths.push(first.path);
    }
    return paths;
  }

  private async run(): Promise<void> {
    while (this.state === 'CATCHING_UP' || this.state === 'QUEUEING' || (this.state === 'STOPPING' && this.batches.length > 0)) {
      try {
        await this.step();
      } catch (error) {
        // The index is rebuilt from the CommitLog at the next start; puts go on meanwhile.
        this.options.logger.error({ err: error, indexedEnd: this.indexedEnd }, 'indexing failed; the index stops until the store restarts');
        this.state = 'FAILED';
        this.batches = [];
        this.queued = 0;
        return;
      }
    }
    if (this.state === 'STOPPING') this.state = 'STOPPED';
  }

  private async step(): Promise<void> {
    if (this.flushDue && this.state !== 'STOPPING') {
      this.flushDue = false;
      await this.flush();
      return;
    }
    const batch = this.batches.shift();
    if (batch !== undefined) {
      this.queued -= batch.length;
      // The common case indexes synchronously: no promise per message, only a roll or a tail write awaits.
      for (const message of batch) if (!this.indexNow(message)) await this.index(message);
      return;
    }
    if (this.state === 'CATCHING_UP') {
      await this.catchUp();
      return;
    }
    if (this.state === 'QUEUEING') await new Promise<void>((resolve) => (this.wakeUp = resolve));
  }

  /** Indexes one stretch of the CommitLog past what is indexed; switches to the queue once level. */
  private async catchUp(): Promise<void> {
    const target = this.options.dispatched().offset;
    const from = Math.max(this.indexedEnd, this.options.commitLogMinOffset());
    if (from >= target) {
      this.indexedEnd = Math.max(this.indexedEnd, target);
      this.state = 'QUEUEING';
      return;
    }
    const until = Math.min(target, from + CATCH_UP_STEP_BYTES);
    const end = await this.options.scanCommitLog(from, until, (message) => this.index(message));
    this.indexedEnd = Math.max(this.indexedEnd, end);
    // Retention may have deleted the segment meanwhile: the next step starts at the new minimum.
    if (end <= from && this.options.commitLogMinOffset() <= from) {
      this.options.logger.error({ from, until }, 'index catch-up found no readable record; skipping to the end of what is written');
      this.indexedEnd = target;
    }
  }

  /**
   * Indexes `message` when that needs no I/O (the writable file has room for all its keys and its
   * tail is not full); false, with nothing changed, when index() must do it.
   */
  private indexNow(message: IndexableMessage): boolean {
    if (message.commitLogOffset < this.indexedEnd) return true;
    const file = this.writableFile();
    if (file === undefined || file.tailEntries >= TAIL_ENTRIES_MAX) return false;
    const hashes = message.commitLogOffset <= this.indexedThrough ? NO_HASHES : indexKeyHashes(message, this.hashes);
    if (file.room < hashes.length) return false;
    this.indexedEnd = message.commitLogOffset + message.size;
    this.indexedTimestamp = message.storeTimestamp;
    for (const keyHash of hashes) file.putKey(keyHash, message.commitLogOffset, message.storeTimestamp);
    return true;
  }

  private async index(message: IndexableMessage): Promise<void> {
    if (message.commitLogOffset < this.indexedEnd) return;
    this.indexedEnd = message.commitLogOffset + message.size;
    this.indexedTimestamp = message.storeTimestamp;
    if (message.commitLogOffset <= this.indexedThrough) return;
    const hashes = indexKeyHashes(message);
    if (hashes.length === 0) return;
    // A message's keys go into one file (unless they outnumber a whole file), so a file's
    // endPhyOffset always names a message whose keys are all indexed.
    const room = this.writableFile()?.room ?? 0;
    if (room < hashes.length && room < this.options.geometry.indexNum - FIRST_INDEX) await this.roll();
    for (const keyHash of hashes) {
      while (!this.writableFile()?.putKey(keyHash, message.commitLogOffset, message.storeTimestamp)) await this.roll();
    }
    const active = this.writableFile();
    if (active !== undefined && active.tailEntries >= TAIL_ENTRIES_MAX) await active.writeTail();
  }

  private writableFile(): IndexFile | undefined {
    const last = this.files.at(-1);
    return last?.isWritable === true ? last : undefined;
  }

  /** Seals the full last file (if any) and starts a new one. */
  private async roll(): Promise<void> {
    const { pool, dir, geometry, clock, logger } = this.options;
    const last = this.files.at(-1);
    if (last?.isWritable === true) {
      await this.options.syncCommitLog();
      await last.seal();
    }
    await pool.fs.ensureDir(dir);
    let time = clock.now();
    const lastTime = last === undefined ? undefined : parseIndexFileName(basename(last.path));
    if (lastTime !== undefined && time <= lastTime) time = lastTime + 1;
    const file = await IndexFile.create(pool, join(dir, indexFileName(time)), geometry, last?.header);
    await pool.fs.syncDir(dir);
    this.files.push(file);
    logger.info({ file: file.path }, 'created an index file');
  }

  /** Makes everything indexed so far durable, then moves the safe mark. */
  private async flush(): Promise<void> {
    const mark: OffsetMark = { offset: this.indexedEnd, storeTimestamp: this.indexedTimestamp };
    const active = this.writableFile();
    if (active !== undefined) {
      await this.options.syncCommitLog();
      await active.flush();
    }
    if (mark.offset > this.safe.offset) this.safe = mark;
  }

  private async readSlot(file: IndexFile, slot: number): Promise<number> {
    const key = `${file.path}#${slot}`;
    const cached = this.slotCache.get(key);
    if (cached !== undefined) {
      this.slotCache.delete(key);
      this.slotCache.set(key, cached);
      return cached;
    }
    const value = await file.readSlotFromDisk(slot);
    if (file.removed) return value;
    this.slotCache.set(key, value);
    if (this.slotCache.size > SLOT_CACHE_ENTRIES) this.slotCache.delete(this.slotCache.keys().next().value as string);
    return value;
  }

  private drop(file: IndexFile): void {
    file.markRemoved();
    this.files = this.files.filter((candidate) => candidate !== file);
    for (const key of this.slotCache.keys()) if (key.startsWith(`${file.path}#`)) this.slotCache.delete(key);
  }

  /** Drops and removes a file while loading (nothing reads it yet). */
  private async remove(file: IndexFile): Promise<void> {
    this.drop(file);
    await this.options.pool.forget(file.path);
    await this.options.pool.fs.remove(file.path);
  }

  private wake(): void {
    const resolve = this.wakeUp;
    this.wakeUp = undefined;
    resolve?.();
  }
}
