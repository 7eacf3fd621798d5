/**
 * group-writer.ts: moves staged CommitLog records to disk, a group at a time, and answers their
 * puts. A group is one staging buffer, written with one positional write per segment it touches.
 * After a write the group is dispatched (ConsumeQueue entries, index, arrival listeners), then its
 * puts are answered: at once for ASYNC_FLUSH (the OS has the bytes, so a killed process loses
 * nothing acknowledged); for SYNC_FLUSH once an fdatasync that started after the write has
 * finished, or with FLUSH_DISK_TIMEOUT when syncFlushTimeout passes first.
 *
 * Group commit and pipelining. Every put staged when a write starts goes into that write, and
 * every SYNC_FLUSH group written when an fdatasync starts is covered by it, so N waiting producers
 * share a write and an fdatasync, and throughput grows with concurrency. A write starts at the end
 * of the event-loop turn (setImmediate, so the turn's puts join it) when nothing is being written;
 * once EARLY_WRITE_BYTES are staged it starts at once, beside a running write (at most
 * WRITES_IN_FLIGHT_MAX), so the main thread encodes the next group while the threadpool copies the
 * last one into the page cache; otherwise a write's end starts the next. Outcomes are handled in
 * CommitLog order whatever order the writes finish in. The ConsumeQueues and the index are not in
 * the ack path: they are written and synced on their own schedule (checkpoint/, index/), because
 * recovery rebuilds them from the CommitLog; the dispatch only waits when the ConsumeQueues fall
 * far behind (default-message-store.ts, CQ_PENDING_ENTRIES_MAX), as backpressure.
 *
 * Failures. Disk full (ENOSPC, EDQUOT) on a CommitLog write is an operating condition, not a
 * broken store: the writer rolls back everything staged but not written (the failed group and the
 * one accumulating) -- it truncates the segment files back to writtenOffset, hands the dropped
 * records to onRollback (the CommitLog resets its end and the queue offsets they took), and
 * answers their puts SERVICE_NOT_AVAILABLE "disk full". The next put is written at the same
 * offset, so a put succeeds again as soon as space returns, without a restart. We chose rollback
 * over retrying the same group while refusing new puts: a retry loop would hold producers for an
 * unknown time (SYNC_FLUSH would answer FLUSH_DISK_TIMEOUT for data that is not even written),
 * while rollback answers at once and leaves nothing half-written behind: the truncation removes
 * a torn prefix, so no record that was answered "not stored" can reappear after a restart.
 * Any other I/O failure (EIO on a write, any failed fdatasync, a failed rollback or dispatch)
 * stops the writer for good: every waiting put is answered SERVICE_NOT_AVAILABLE naming the
 * error, `failure` is set and the CommitLog refuses puts until restarted, because after a failed
 * fdatasync the page cache may have dropped the bytes (what the disk holds is unknown) and only
 * recovery can tell what is valid.
 *
 * Invariants: syncedOffset <= writtenOffset <= the staged end; writtenOffset moves in CommitLog
 * order, group after group; fdatasyncs run one at a time (SerialExecutor) and at most
 * SYNC_WAITING_GROUPS_MAX written groups wait for one; a put is answered exactly once; the writer
 * holds 1 + WRITES_IN_FLIGHT_MAX buffers of commitLogWriteBufferBytes, no more.
 * Each written group is also copied into `recent` (RECENT_BYTES, recent-bytes.ts) before it is
 * dispatched, so the pulls its arrival wakes read it from memory.
 * Must not: assign offsets or encode records (commit-log.ts does).
 */
import assert from 'node:assert/strict';
import type { Logger } from '../../log/index.js';
import type { SegmentedFile } from '../file/segmented-file.js';
import type { PutMessageResult } from '../message-store.js';
import { SerialExecutor } from '../serial-executor.js';
import { RecentBytes } from './recent-bytes.js';
import { StagingBuffer, type DispatchRequest, type PendingPut } from './staging.js';

export type FlushDiskType = 'ASYNC_FLUSH' | 'SYNC_FLUSH';

/** Staged bytes that start a write at once, even while another is running (no wait for the turn's end). */
export const EARLY_WRITE_BYTES = 256 * 1024;
/** Group writes running at once; each holds one staging buffer, and one more takes appends. */
export const WRITES_IN_FLIGHT_MAX = 2;
/** SYNC_FLUSH groups written and waiting for an fdatasync; more stop the writer until one finishes. */
export const SYNC_WAITING_GROUPS_MAX = 4;
/** Newest written CommitLog bytes kept in memory for pulls at the end (recent-bytes.ts). */
export const RECENT_BYTES = 8 * 1024 * 1024;

export interface GroupWriterOptions {
  readonly file: SegmentedFile;
  readonly bufferBytes: number;
  readonly flushDiskType: FlushDiskType;
  readonly syncFlushTimeoutMs: number;
  readonly logger: Logger;
  /** Called once a group is written, before its puts are answered; may wait (backpressure). */
  readonly onWritten: (dispatches: readonly DispatchRequest[]) => Promise<void>;
  /**
   * Called when staged records were dropped after a disk-full write: the CommitLog ends at `end`
   * again, and `dropped` (in CommitLog order) gave back their queue offsets.
   */
  readonly onRollback: (end: number, dropped: readonly DispatchRequest[]) => void;
}

/** A group being written: its buffer, and the write's outcome (undefined when it succeeded). */
interface InFlight {
  readonly batch: StagingBuffer;
  readonly done: Promise<Error | undefined>;
}

/** A written SYNC_FLUSH group waiting for an fdatasync that covers `end`. */
interface SyncWaiter {
  readonly end: number;
  readonly puts: PendingPut[];
  readonly timer: NodeJS.Timeout;
}

/** Whether an I/O error means "no space" (rolled back, retried by the next put) rather than a broken disk. */
export function isDiskFull(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

export class GroupWriter {
  /** The buffer appends go into. */
  active: StagingBuffer;
  /** A copy of the newest written bytes, for reads at the end of the CommitLog. */
  readonly recent = new RecentBytes(RECENT_BYTES);
  private readonly spares: StagingBuffer[] = [];
  /** Groups being written, in CommitLog order; their outcomes are handled in that order. */
  private readonly inFlight: InFlight[] = [];
  private handling = false;
  private truncating = false;
  private written = 0;
  private synced = 0;
  private writtenTimestamp = 0;
  private syncedTimestamp = 0;
  private scheduled = false;
  private syncing = false;
  private diskFull = false;
  private failed: Error | undefined;
  private readonly syncQueue: SyncWaiter[] = [];
  private readonly idleWaiters: (() => void)[] = [];
  private readonly syncs = new SerialExecutor();
  private readonly startScheduled = (): void => {
    this.scheduled = false;
    this.startWrite();
  };

  constructor(private readonly options: GroupWriterOptions) {
    this.active = new StagingBuffer(options.bufferBytes);
    for (let index = 0; index < WRITES_IN_FLIGHT_MAX; index++) this.spares.push(new StagingBuffer(options.bufferBytes));
  }

  /** CommitLog offset up to which the OS has every byte. */
  get writtenOffset(): number {
    return this.written;
  }

  /** CommitLog offset up to which every byte was fdatasync'ed. */
  get syncedOffset(): number {
    return this.synced;
  }

  /** Store time of the last record fdatasync'ed (physicMsgTimestamp). */
  get syncedStoreTimestamp(): number {
    return this.syncedTimestamp;
  }

  /** The error that stopped the writer for good, if any. */
  get failure(): Error | undefined {
    return this.failed;
  }

  /** What a refused put is told once the writer stopped for good (undefined while it runs). */
  get failureReason(): string | undefined {
    const error = this.failed;
    if (error === undefined) return undefined;
    return `CommitLog I/O failed (${(error as NodeJS.ErrnoException).code ?? error.name}: ${error.message}); the store refuses writes until restarted`;
  }

  /** Whether the last CommitLog write found the disk full (cleared by the next successful write). */
  get isDiskFull(): boolean {
    return this.diskFull;
  }

  /** Sets where writing resumes (after recovery), with everything below it on disk. */
  reset(offset: number, storeTimestamp: number): void {
    this.written = offset;
    this.synced = offset;
    this.writtenTimestamp = storeTimestamp;
    this.syncedTimestamp = storeTimestamp;
    this.active.reset();
    this.active.endOffset = offset;
    this.recent.clear();
  }

  /**
   * Called after each append. With nothing being written, the write starts at the end of this
   * event-loop turn so the turn's puts join it; once EARLY_WRITE_BYTES are staged it starts at
   * once, even beside a running write; otherwise the running write's end starts the next one.
   */
  schedule(): void {
    if (this.failed !== undefined) return;
    if (this.active.used >= EARLY_WRITE_BYTES) {
      this.startWrite();
      return;
    }
    if (this.inFlight.length > 0 || this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.startScheduled);
  }

  /** Staged bytes from `offset` to the end of their run, if `offset` is staged and unwritten. */
  readStaged(offset: number): Buffer | undefined {
    if (offset < this.written) return undefined;
    for (const { batch } of this.inFlight) {
      const found = batch.find(offset);
      if (found !== undefined) return found;
    }
    return this.active.find(offset);
  }

  /** fdatasyncs everything written so far (one at a time; a second caller waits its turn). */
  syncWritten(): Promise<void> {
    return this.syncs.run(async () => {
      const target = this.written;
      const timestamp = this.writtenTimestamp;
      if (target <= this.synced) return;
      await this.options.file.sync(this.synced, target);
      this.synced = target;
      this.syncedTimestamp = timestamp;
    });
  }

  /** Resolves once nothing is staged, being written or waiting for an fdatasync (shutdown, tests). */
  async drain(): Promise<void> {
    while (!this.isIdle()) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    await this.syncs.idle();
  }

  /** Stops the writer for good after an I/O failure (a write, a background fdatasync, a dispatch). */
  fail(error: Error): void {
    if (this.failed === undefined) {
      this.failed = error;
      this.options.logger.error({ err: error }, 'CommitLog I/O failed; the store refuses writes until restarted');
    }
    const refusal: PutMessageResult = { status: 'SERVICE_NOT_AVAILABLE', reason: this.failureReason ?? error.message };
    for (const { batch } of this.inFlight) answer(batch.puts, refusal);
    answer(this.active.puts, refusal);
    this.active.reset();
    this.active.endOffset = this.written;
    for (const waiter of this.syncQueue.splice(0)) {
      clearTimeout(waiter.timer);
      answer(waiter.puts, refusal);
    }
    this.wakeIdle();
  }

  private isIdle(): boolean {
    const staged = !this.active.isEmpty && this.failed === undefined;
    return this.inFlight.length === 0 && !this.handling && !this.scheduled && !staged && this.syncQueue.length === 0 && !this.syncing;
  }

  private wakeIdle(): void {
    if (!this.isIdle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** Hands the staged group to a write, unless too many run or SYNC_FLUSH groups pile up. */
  private startWrite(): void {
    if (this.failed !== undefined || this.active.isEmpty) {
      this.wakeIdle();
      return;
    }
    // At the limits, a write's end or an fdatasync's end calls back here.
    if (this.truncating || this.inFlight.length >= WRITES_IN_FLIGHT_MAX || this.syncQueue.length >= SYNC_WAITING_GROUPS_MAX) return;
    const batch = this.active;
    this.active = this.spares.pop() as StagingBuffer;
    this.active.reset();
    this.active.endOffset = batch.endOffset;
    this.inFlight.push({ batch, done: this.writeRuns(batch) });
    if (!this.handling) void this.handleWritten();
  }

  /** The write itself: one positional write per run; resolves the error instead of throwing. */
  private async writeRuns(batch: StagingBuffer): Promise<Error | undefined> {
    try {
      for (const run of batch.runs) await this.options.file.write(run.position, batch.bytes, run.at, run.length);
      return undefined;
    } catch (error) {
      return asError(error);
    }
  }

  /** Handles the outcome of each write in CommitLog order; never throws (failures are answered). */
  private async handleWritten(): Promise<void> {
    this.handling = true;
    while (this.inFlight.length > 0) {
      const { batch, done } = this.inFlight[0] as InFlight;
      let failure = await done;
      if (failure !== undefined && isDiskFull(failure) && this.failed === undefined) {
        await this.rollBack(failure);
        continue;
      }
      if (failure === undefined && this.failed === undefined) failure = await this.dispatchWritten(batch);
      if (failure !== undefined) this.fail(failure);
      const puts = this.failed === undefined ? batch.puts.splice(0) : [];
      const end = batch.endOffset;
      // The buffer is free before the puts are answered: their producers stage the next group while it
      // is written. (release() may hand this very buffer to the next group, so `end` is read first.)
      this.release();
      this.answerWritten(puts, end);
    }
    this.handling = false;
    this.wakeIdle();
  }

  /** Marks a group written and dispatches it; returns the dispatch failure, if any. */
  private async dispatchWritten(batch: StagingBuffer): Promise<Error | undefined> {
    for (const run of batch.runs) this.recent.append(run.position, batch.bytes, run.at, run.length);
    this.written = batch.endOffset;
    this.writtenTimestamp = batch.lastStoreTimestamp;
    if (this.diskFull) {
      this.diskFull = false;
      this.options.logger.info({ offset: batch.endOffset }, 'CommitLog: disk space is back; puts are stored again');
    }
    try {
      await this.options.onWritten(batch.dispatches);
      return undefined;
    } catch (error) {
      return asError(error);
    }
  }

  /** The oldest group's buffer becomes a spare, and the next group's write may start. */
  private release(): void {
    const done = this.inFlight.shift() as InFlight;
    done.batch.reset();
    this.spares.push(done.batch);
    this.startWrite();
  }

  /** ASYNC_FLUSH: answers now. SYNC_FLUSH: waits for an fdatasync, or syncFlushTimeout. */
  private answerWritten(puts: PendingPut[], end: number): void {
    if (puts.length === 0) return;
    if (this.options.flushDiskType === 'ASYNC_FLUSH') {
      for (const put of puts) settle(put, put.result);
      return;
    }
    const timer = setTimeout(() => {
      for (const put of puts) settle(put, { status: 'FLUSH_DISK_TIMEOUT', messages: put.result.messages });
    }, this.options.syncFlushTimeoutMs);
    this.syncQueue.push({ end, puts, timer });
    this.kickSync();
  }

  /** One fdatasync at a time for the SYNC_FLUSH groups waiting; each covers every group written before it starts. */
  private kickSync(): void {
    const first = this.syncQueue[0];
    if (this.syncing || first === undefined || this.failed !== undefined) return;
    // Only a written group waits here; an fdatasync now could not cover one that is not.
    assert.ok(first.end <= this.written, `a group ending at ${first.end} waits for an fdatasync, written ${this.written}`);
    this.syncing = true;
    this.syncWritten().then(
      () => {
        this.syncing = false;
        let done = 0;
        while (done < this.syncQueue.length && (this.syncQueue[done] as SyncWaiter).end <= this.synced) done++;
        for (const waiter of this.syncQueue.splice(0, done)) {
          clearTimeout(waiter.timer);
          for (const put of waiter.puts) settle(put, put.result);
        }
        this.kickSync();
        this.startWrite();
      },
      (error: unknown) => {
        this.syncing = false;
        this.fail(asError(error));
      },
    );
  }

  /**
   * Disk full: waits for the other writes, drops every group not yet handled and everything staged
   * after them, answers their puts, and truncates what the writes may have left past
   * writtenOffset. The writer stays usable.
   */
  private async rollBack(error: Error): Promise<void> {
    const end = this.written;
    await Promise.all(this.inFlight.map((flight) => flight.done));
    const groups = [...this.inFlight.map((flight) => flight.batch), this.active];
    const dropped = groups.flatMap((batch) => batch.dispatches);
    const refusal: PutMessageResult = {
      status: 'SERVICE_NOT_AVAILABLE',
      reason: `disk full: the disk is full (${(error as NodeJS.ErrnoException).code ?? 'ENOSPC'} on a CommitLog write); nothing of this put was stored, and puts are accepted again once space is freed`,
    };
    for (const batch of groups) {
      answer(batch.puts, refusal);
      batch.reset(); // readStaged must not find the dropped records where new ones will be staged.
    }
    this.spares.push(...this.inFlight.splice(0).map((flight) => flight.batch));
    this.active.endOffset = end;
    this.options.onRollback(end, dropped);
    if (!this.diskFull) {
      this.diskFull = true;
      this.options.logger.error({ err: error, offset: end, dropped: dropped.length }, 'CommitLog: disk full; rolled back the unwritten puts');
    }
    this.truncating = true; // No write may start before the truncation is done.
    try {
      await this.options.file.truncate(end);
    } catch (truncateError) {
      this.fail(asError(truncateError));
    } finally {
      this.truncating = false;
    }
    this.startWrite();
  }
}

function settle(put: PendingPut, result: PutMessageResult): void {
  if (put.settled) return;
  put.settled = true;
  put.resolve(result);
}

function answer(puts: readonly PendingPut[], result: PutMessageResult): void {
  for (const put of puts) settle(put, result);
}
