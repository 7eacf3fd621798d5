/**
 * checkpoint-service.ts: the ConsumeQueue flush schedule and the checkpoint that records how far
 * it got (RocketMQ's FlushConsumeQueueService). Every flushIntervalConsumeQueue ms, a round writes
 * every dispatched ConsumeQueue entry, fdatasyncs the queues with at least
 * flushConsumeQueueLeastPages unsynced pages (all of them every flushConsumeQueueThoroughInterval),
 * and, when no written entry is left unsynced, moves consumeQueueSafeOffset up to
 * min(what was dispatched before the round, what the CommitLog has fdatasync'ed) and writes the
 * checkpoint.
 *
 * Invariants: rounds run one at a time; the safe offset only grows and is always a record boundary
 * (both bounds are ends of written groups). The index's own safe point (index/) is written with it.
 * Must not: block puts (a failed round is logged and retried next time; the entries stay in
 * memory, bounded by the dispatcher's backpressure).
 */
import type { Clock } from '../../time/index.js';
import type { Logger } from '../../log/index.js';
import type { FilePool } from '../file/file-pool.js';
import type { ConsumeQueueStore } from '../consumequeue/consume-queue-store.js';
import { SerialExecutor } from '../serial-executor.js';
import { writeCheckpoint } from './checkpoint.js';

/** A CommitLog offset and the store time of the record that ends there. */
export interface OffsetMark {
  readonly offset: number;
  readonly storeTimestamp: number;
}

export interface CheckpointServiceOptions {
  readonly pool: FilePool;
  readonly path: string;
  readonly consumeQueues: ConsumeQueueStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly intervalMs: number;
  readonly thoroughIntervalMs: number;
  /** How far the CommitLog is fdatasync'ed. */
  readonly commitLogSynced: () => OffsetMark;
  /** How far records were dispatched to the ConsumeQueues. */
  readonly dispatched: () => OffsetMark;
  /** How far the index is on disk (index/index-service.ts safeMark). */
  readonly indexSafe: () => OffsetMark;
}

export class CheckpointService {
  private timer: NodeJS.Timeout | undefined;
  private readonly rounds = new SerialExecutor();
  private lastThorough: number;
  private safe: OffsetMark = { offset: 0, storeTimestamp: 0 };
  private written: { safe: number; physic: number; index: number } | undefined;

  constructor(private readonly options: CheckpointServiceOptions) {
    this.lastThorough = options.clock.now();
  }

  /** The current consumeQueueSafeOffset. */
  get safeOffset(): number {
    return this.safe.offset;
  }

  /** Starts the schedule from a safe point recovery established. */
  start(safe: OffsetMark): void {
    this.safe = safe;
    this.timer ??= setInterval(() => void this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One round; `thorough` syncs every queue whatever the schedule says. */
  round(thorough = false): Promise<void> {
    return this.rounds.run(async () => {
      const dispatched = this.options.dispatched();
      const now = this.options.clock.now();
      const due = thorough || now - this.lastThorough >= this.options.thoroughIntervalMs;
      const allSynced = await this.options.consumeQueues.flush(due ? 'ALL' : 'DUE');
      if (due) this.lastThorough = now;
      const synced = this.options.commitLogSynced();
      if (allSynced) {
        const candidate = synced.offset < dispatched.offset ? synced : dispatched;
        if (candidate.offset > this.safe.offset) this.safe = candidate;
      }
      await this.write(synced);
    });
  }

  /** Waits for the round in progress, if any. */
  idle(): Promise<void> {
    return this.rounds.idle();
  }

  private async tick(): Promise<void> {
    try {
      await this.round();
    } catch (error) {
      // Logged, not thrown: the next round retries, and the entries wait in memory meanwhile.
      this.options.logger.error({ err: error }, 'ConsumeQueue flush or checkpoint failed');
    }
  }

  private async write(synced: OffsetMark): Promise<void> {
    const index = this.options.indexSafe();
    const written = this.written;
    if (written?.safe === this.safe.offset && written.physic === synced.storeTimestamp && written.index === index.offset) return;
    await writeCheckpoint(this.options.pool, this.options.path, {
      physicMsgTimestamp: synced.storeTimestamp,
      logicsMsgTimestamp: this.safe.storeTimestamp,
      indexMsgTimestamp: index.storeTimestamp,
      masterFlushedOffset: 0,
      confirmPhyOffset: 0,
      consumeQueueSafeOffset: this.safe.offset,
      indexSafeOffset: index.offset,
    });
    this.written = { safe: this.safe.offset, physic: synced.storeTimestamp, index: index.offset };
  }
}
