/**
 * group-writer.ts: moves staged CommitLog records to disk, a group at a time. While one staging
 * buffer is written (one positional write per segment it touches), the next one accumulates.
 * After a write: the group is dispatched (ConsumeQueue entries, arrival listeners), then its puts
 * are answered: at once for ASYNC_FLUSH (the OS has the bytes, so a killed process loses nothing
 * acknowledged), after one fdatasync of the whole group for SYNC_FLUSH, or with FLUSH_DISK_TIMEOUT
 * when that fdatasync outlasts syncFlushTimeout.
 *
 * Invariants: syncedOffset <= writtenOffset <= the staged end; groups are written in CommitLog
 * order, one at a time; fdatasyncs run one at a time (SerialExecutor). After an I/O failure the
 * writer stops for good: every waiting put is rejected with the error and `failure` is set, so
 * the CommitLog refuses new puts (a half-written tail needs recovery, not a retry).
 * Must not: assign offsets or encode records (commit-log.ts does), or hold more than two buffers.
 */
import type { Logger } from '../../log/index.js';
import type { SegmentedFile } from '../file/segmented-file.js';
import type { PutMessageResult } from '../message-store.js';
import { SerialExecutor } from '../serial-executor.js';
import { StagingBuffer, type DispatchRequest } from './staging.js';

export type FlushDiskType = 'ASYNC_FLUSH' | 'SYNC_FLUSH';

export interface GroupWriterOptions {
  readonly file: SegmentedFile;
  readonly bufferBytes: number;
  readonly flushDiskType: FlushDiskType;
  readonly syncFlushTimeoutMs: number;
  readonly logger: Logger;
  /** Called once a group is written, before its puts are answered; may wait (backpressure). */
  readonly onWritten: (dispatches: readonly DispatchRequest[]) => Promise<void>;
}

export class GroupWriter {
  /** The buffer appends go into. */
  active: StagingBuffer;
  private spare: StagingBuffer;
  private writing: StagingBuffer | undefined;
  private written = 0;
  private synced = 0;
  private writtenTimestamp = 0;
  private syncedTimestamp = 0;
  private running = false;
  private scheduled = false;
  private failed: Error | undefined;
  private readonly idleWaiters: (() => void)[] = [];
  private readonly syncs = new SerialExecutor();

  constructor(private readonly options: GroupWriterOptions) {
    this.active = new StagingBuffer(options.bufferBytes);
    this.spare = new StagingBuffer(options.bufferBytes);
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

  get failure(): Error | undefined {
    return this.failed;
  }

  /** Sets where writing resumes (after recovery), with everything below it on disk. */
  reset(offset: number, storeTimestamp: number): void {
    this.written = offset;
    this.synced = offset;
    this.writtenTimestamp = storeTimestamp;
    this.syncedTimestamp = storeTimestamp;
    this.active.reset();
    this.active.endOffset = offset;
  }

  /** Starts a write of the active buffer soon, letting this event-loop turn's puts join it. */
  schedule(): void {
    if (this.running || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.run();
    });
  }

  /** Staged bytes from `offset` to the end of their run, if `offset` is staged and unwritten. */
  readStaged(offset: number): Buffer | undefined {
    if (offset < this.written) return undefined;
    return this.writing?.find(offset) ?? this.active.find(offset);
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

  /** Resolves once nothing is staged or being written (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.running || this.scheduled || (!this.active.isEmpty && this.failed === undefined)) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
    await this.syncs.idle();
  }

  /** Stops the writer for good after an I/O failure that happened elsewhere (background sync). */
  fail(error: Error): void {
    if (this.failed !== undefined) return;
    this.failed = error;
    this.options.logger.error({ err: error }, 'CommitLog I/O failed; the store refuses writes until restarted');
    this.rejectAll(this.active, error);
    this.active.reset();
    this.active.endOffset = this.written;
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (!this.active.isEmpty && this.failed === undefined) {
        const batch = this.active;
        this.active = this.spare;
        this.active.reset();
        this.active.endOffset = batch.endOffset;
        this.writing = batch;
        try {
          await this.writeGroup(batch);
        } catch (error) {
          const failure = error instanceof Error ? error : new Error(String(error));
          this.rejectAll(batch, failure);
          this.fail(failure);
        }
        this.writing = undefined;
        batch.reset();
        this.spare = batch;
      }
    } finally {
      this.running = false;
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private async writeGroup(batch: StagingBuffer): Promise<void> {
    for (const run of batch.runs) await this.options.file.write(run.position, batch.bytes, run.at, run.length);
    this.written = batch.endOffset;
    this.writtenTimestamp = batch.lastStoreTimestamp;
    await this.options.onWritten(batch.dispatches);
    if (this.options.flushDiskType === 'SYNC_FLUSH') {
      const timer = setTimeout(() => this.settleAll(batch, 'FLUSH_DISK_TIMEOUT'), this.options.syncFlushTimeoutMs);
      try {
        await this.syncWritten();
      } finally {
        clearTimeout(timer);
      }
    }
    this.settleAll(batch, 'PUT_OK');
  }

  private settleAll(batch: StagingBuffer, status: 'PUT_OK' | 'FLUSH_DISK_TIMEOUT'): void {
    for (const put of batch.puts) {
      if (put.settled) continue;
      put.settled = true;
      const result: PutMessageResult = status === 'PUT_OK' ? put.result : { status, messages: put.result.messages };
      put.resolve(result);
    }
  }

  private rejectAll(batch: StagingBuffer, error: Error): void {
    for (const put of batch.puts) {
      if (put.settled) continue;
      put.settled = true;
      put.reject(error);
    }
  }
}
